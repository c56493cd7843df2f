// Response examples of the synced sales and the reconciliation: the sandbox order of ./orders.ts as a
// K-Series sale, on business day 2026-12-07 (the location's day starts at 05:00).

/** The location's business calendar as the sync learnt it from K-Series. */
export const calendar = { timezone: 'Europe/Amsterdam', startOfDay: '05:00', source: 'kseries', currency: 'EUR' };
/** When the sales were last read. */
export const financialsSync = {
  dataset: 'financials',
  lastSyncedAt: '2026-12-08T01:39:53.146Z',
  syncedThrough: '2026-12-08T01:39:53Z',
  inProgress: false,
  lastError: null,
};

export const financialSalesExamples = {
  'GET /v1/locations/{locationId}/financial/sales': {
    '200': {
      data: [
        {
          receiptId: 'R17700.1',
          accountId: 'A17700.1',
          businessDate: '2026-12-07',
          timeClosed: '2026-12-08T01:39:52.484Z',
          type: 'SALE',
          cancelled: false,
          externalReference: 'TASK:OO-45454565682156-oec289e14c4208e6d801d7d74',
          currency: 'EUR',
          total: '32.20',
          tax: '2.65',
          discounts: '0.00',
          tips: '1.50',
          payments: [{ code: 'OOPAYMENT', name: 'Online Order Payment', amount: '32.20', tip: '1.50' }],
          kseries: {
            type: 'SALE',
            dineIn: false,
            source: { initialAccountId: 'A17700.1' },
            deviceId: 45454565700901,
            nbCovers: 1,
            payments: [
              {
                tip: '1.50',
                code: 'OOPAYMENT',
                type: 'NORMAL',
                uuid: 'QerXlY8fWn6liukr1ZIn0A',
                fiscId: 'T17700.11',
                currency: 'EUR',
                deviceId: '45454565700901',
                fiscDate: '2026-12-08T01:39:52.484Z',
                surcharge: '0.00',
                deviceName: 'iPad 17700',
                description: 'Online Order Payment',
                paymentMethodId: 45454565700503,
                netAmountWithTax: '32.20',
                externalReference: 'pec289e14c4208e6d801d7d74',
              },
            ],
            cancelled: false,
            receiptId: 'R17700.1',
            deviceName: 'iPad 17700',
            salesLines: [
              {
                id: 'S17700.1',
                sku: 'BRG-CLASSIC',
                name: 'Classic Burger',
                tags: [],
                taxCode: 'VAT9',
                currency: 'EUR',
                deviceId: 45454565700901,
                quantity: '2',
                taxLines: [
                  {
                    taxId: '45454565700601',
                    taxCode: 'VAT9',
                    taxRate: '1.09',
                    taxAmount: '2.390000',
                    taxIncluded: true,
                  },
                ],
                taxAmount: '2.3900',
                categories: [{ value: 'Food', category: 'default' }],
                deviceName: 'iPad 17700',
                timeofSale: '2026-12-08T01:39:52.380Z',
                menuListPrice: '14.50',
                serviceCharge: '0.00',
                unitCostPrice: '4.20',
                discountAmount: '0.00',
                statisticGroup: 'Food',
                accountingGroup: {
                  code: 'FD',
                  name: 'Food',
                  statisticGroup: 'Food',
                  accountingGroupId: 45454565700701,
                },
                serviceChargeRate: '0.00',
                serviceChargeType: 'NO_SERVICE_CHARGE',
                taxRatePercentage: '9.00',
                accountProfileCode: 'TAKEAWAY',
                totalDiscountAmount: '0.00',
                totalNetAmountWithTax: '29.00',
                totalNetAmountWithoutTax: '26.61',
              },
            ],
            accountFiscId: 'A17700.1',
            timeofOpening: '2026-12-08T01:39:52.380Z',
            accountReference: 'wHkspQpgWkmp2JrIioWm8w==',
            accountProfileCode: 'TAKEAWAY',
            externalReferences: ['TASK:OO-45454565682156-oec289e14c4208e6d801d7d74'],
            timeofCloseAndPaid: '2026-12-08T01:39:52.484Z',
          },
        },
      ],
      page: { limit: 100, nextCursor: null },
      calendar,
      sync: financialsSync,
    },
  },
  'GET /v1/locations/{locationId}/financial/sales.csv': {
    '200':
      'receipt_id,account_id,business_date,time_closed,type,cancelled,external_reference,currency,gross,tax,discounts,tips,payments\r\nR17700.1,A17700.1,2026-12-07,2026-12-08T01:39:52.484Z,SALE,false,TASK:OO-45454565682156-oec289e14c4208e6d801d7d74,EUR,32.20,2.65,0.00,1.50,OOPAYMENT:32.20\r\n',
  },
  'GET /v1/locations/{locationId}/financial/reconciliation': {
    '200': {
      range: { from: '2026-12-01', to: '2026-12-31' },
      summary: {
        orders: 2,
        expectedOnPos: 2,
        posSalesWithOurReference: 1,
        matched: 1,
        missingOnPos: 1,
        missingInOrders: 0,
        amountMismatches: 0,
        statusConflicts: 0,
        inFlight: 0,
        otherIntegrationSales: 0,
      },
      // Paid on the POS after the last sync read its sales: the next sync brings the sale.
      missingOnPos: [
        {
          orderId: '5a9d3e71-c2b8-4f46-8e1a-6b0c7d2f9e35',
          reference: 'o1f6a3c8e2d7b9a4c5e0f1d28',
          externalReference: 'TASK:OO-45454565682156-o1f6a3c8e2d7b9a4c5e0f1d28',
          status: 'CLOSED',
          createdAt: '2026-12-08T01:52:07.913Z',
          paymentAmount: '21.70',
        },
      ],
      missingInOrders: [],
      amountMismatches: [],
      statusConflicts: [],
      truncated: false,
      calendar,
      sync: financialsSync,
    },
  },
};
