// Response examples of the catalog routes: the sandbox's Amsterdam location as K-Series describes it
// (lists cut to two entries).

export const catalogExamples = {
  'POST /v1/locations/{locationId}/print-message': { '200': { data: { status: 'ok' } } },
  'GET /v1/locations/{locationId}/menus': {
    '200': {
      data: [
        { menuName: 'All Day Menu', ikentooMenuId: 45454565700101 },
        { menuName: 'Lunch Menu', ikentooMenuId: 45454565700102 },
      ],
      cache: { hit: true, fetchedAt: '2026-12-08T01:39:52.580Z', ttlSeconds: 300 },
    },
  },
  'GET /v1/locations/{locationId}/modifiers': {
    '200': {
      data: [
        {
          multiSelectionPermitted: false,
          productionInstructionGroupName: 'Meat cooking',
          productionIntructionGroupId: 45454565700400,
          productionInstructionList: [{ instruction: 'Rare', ikentooModifierId: 45454565700401 }],
        },
        {
          multiSelectionPermitted: false,
          productionInstructionGroupName: 'Fish cooking',
          productionIntructionGroupId: 45454565700410,
          productionInstructionList: [{ instruction: 'Seared', ikentooModifierId: 45454565700411 }],
        },
      ],
      cache: { hit: false, fetchedAt: '2026-12-08T01:39:52.771Z', ttlSeconds: 300 },
    },
  },
  'GET /v1/locations/{locationId}/discounts': {
    '200': {
      data: [
        { name: 'Five percent off', code: 'FIVEPERCENT', discountPercentage: 5 },
        { name: 'Staff Discount', code: 'STAFF', discountPercentage: 15 },
      ],
      cache: { hit: true, fetchedAt: '2026-12-08T01:39:52.259Z', ttlSeconds: 300 },
    },
  },
  'GET /v1/locations/{locationId}/floorplans': {
    '200': {
      data: [
        {
          id: 45454565700201,
          name: 'Main Room',
          tables: [
            {
              number: 1,
              reference: 'main-room-1',
              id: '45454565703001',
              active: true,
              description: 'Table 1',
              defaultClientCount: 4,
            },
          ],
        },
        {
          id: 45454565700202,
          name: 'Terrace',
          tables: [
            {
              number: 20,
              reference: 'terrace-20',
              id: '45454565703120',
              active: true,
              description: 'Table 20',
              defaultClientCount: 4,
            },
          ],
        },
      ],
      cache: { hit: false, fetchedAt: '2026-12-08T01:39:52.780Z', ttlSeconds: 300 },
    },
  },
  'GET /v1/locations/{locationId}/order-profiles': {
    '200': {
      data: [
        { id: 45454565700001, code: 'DINEIN', name: 'Dine in', deliveryMode: 'NONE' },
        { id: 45454565700002, code: 'TAKEAWAY', name: 'Takeaway', deliveryMode: 'TAKE_AWAY' },
      ],
      cache: { hit: false, fetchedAt: '2026-12-08T01:39:52.786Z', ttlSeconds: 300 },
    },
  },
  'GET /v1/locations/{locationId}/readiness': {
    '200': {
      data: {
        status: 'READY',
        lastUpdatedAt: '2026-12-08T01:39:50.058Z',
        onlineOrderingApiConfiguration: { enabled: true, orderProfileId: 45454565700001, staffId: 45454565700801 },
        posStatus: { salesPeriod: 'OPENED', acceptingOnlineOrders: true, availableDevices: true },
      },
      cache: { hit: false, fetchedAt: '2026-12-08T01:39:52.790Z', ttlSeconds: 10 },
    },
  },
  'GET /v1/locations/{locationId}/tax-rates': {
    '200': {
      data: [
        { code: 'VAT9', description: 'BTW laag 9%', rate: 1.09, taxIncluded: true, accountingReference: 'vat9' },
        { code: 'VAT21', description: 'BTW hoog 21%', rate: 1.21, taxIncluded: true, accountingReference: 'vat21' },
      ],
      cache: { hit: false, fetchedAt: '2026-12-08T01:39:52.794Z', ttlSeconds: 300 },
    },
  },
  'GET /v1/locations/{locationId}/payment-methods': {
    '200': {
      data: [
        { name: 'Cash', code: 'CASH', accountingReference: 'cash', pmId: 45454565700501 },
        { name: 'Card', code: 'CARD', accountingReference: 'card', pmId: 45454565700502 },
      ],
      cache: { hit: false, fetchedAt: '2026-12-08T01:39:52.798Z', ttlSeconds: 300 },
    },
  },
  'GET /v1/locations/{locationId}/accounting-groups': {
    '200': {
      data: [
        {
          accountingGroupId: 45454565700701,
          name: 'Food',
          statisticGroup: '[{"category":"default","value":"Food"}]',
          code: 'FD',
        },
        {
          accountingGroupId: 45454565700702,
          name: 'Soft Drinks',
          statisticGroup: '[{"category":"default","value":"Soft Drinks"}]',
          code: 'SD',
        },
      ],
      cache: { hit: false, fetchedAt: '2026-12-08T01:39:52.804Z', ttlSeconds: 300 },
    },
  },
  'GET /v1/locations/{locationId}/allergens': {
    '200': {
      data: [
        { code: 'cereals', translations: [{ locale: 'en', text: 'Cereals containing gluten' }] },
        { code: 'crustaceans', translations: [{ locale: 'en', text: 'Crustaceans' }] },
      ],
      cache: { hit: false, fetchedAt: '2026-12-08T01:39:52.814Z', ttlSeconds: 300 },
    },
  },
  'GET /v1/locations/{locationId}/menus/{menuId}': {
    '200': {
      data: {
        menuName: 'All Day Menu',
        menuEntryGroups: [
          {
            '@type': 'group',
            id: '454545656821560',
            name: 'Starters',
            color: 'orange',
            menuEntry: [
              {
                '@type': 'menuItem',
                color: 'orange',
                productName: 'Tomato Soup',
                productPrice: 6.5,
                sku: 'STR-SOUP',
                customItemNameEnabled: false,
                pricingStrategy: 'PRICE_CANNOT_BE_CUSTOMIZED',
                defaultTaxAmount: 0.54,
                defaultTaxPercentage: 9,
                taxIncludedInPrice: true,
                conditionalTaxRules: false,
                taxes: [{ description: 'BTW laag 9%', amount: 0.54, percentage: 9 }],
                asSubItem: false,
                productionInstructionList: [],
                menuModifierGroups: [],
              },
            ],
          },
        ],
        richDataMissing: false,
        ikentooMenuId: 45454565700101,
        conditionalTaxRules: false,
      },
      cache: { hit: false, fetchedAt: '2026-12-08T01:39:52.822Z', ttlSeconds: 300 },
    },
  },
  'GET /v1/locations/{locationId}/availability': {
    '200': {
      data: [
        { sku: 'BRG-CLASSIC', restricted: false, count: null, available: true, updatedAt: null },
        { sku: 'DR-COLA', restricted: false, count: null, available: true, updatedAt: null },
      ],
      cache: { hit: false, fetchedAt: '2026-12-08T01:39:52.835Z', ttlSeconds: 10 },
    },
  },
  'GET /v1/locations/{locationId}/open-checks': {
    '200': {
      data: [
        {
          clientCount: 2,
          uuid: 'b1f04c7e-8a52-4d39-9c6e-3e7a15d2c804',
          openDate: '2026-12-08T11:48:03.215+0000',
          paidAmount: 0,
          serviceCharge: 0,
          name: 'Table 4',
          currentAmount: 35.7,
          staffName: 'Online Order',
          staffId: 45454565700801,
          salesEntries: [
            {
              id: 45454565790412,
              uuid: '7c3e9a51-2b84-4f06-a1d7-5e8c2b9f4a30',
              itemName: 'Classic Burger',
              itemSku: 'BRG-CLASSIC',
              unitAmount: 14.5,
              quantity: 2,
              modifiers: [],
              amountWithTax: 29,
              amountLessTax: 26.61,
              discountedAmount: 0,
              timeOfTransactionUtc: '2026-12-08T11:48:03.215+0000',
              subLineItems: [],
              taxIncluded: true,
            },
          ],
          paymentEntries: [],
          ikaccountId: 'A17700.7',
          tableNumber: 4,
          posId: 17700,
        },
      ],
    },
  },
};
