// Response examples of the financial routes: the business day of the sandbox order in ./orders.ts,
// as the sync stored it (lists cut to two entries).
import { calendar, financialsSync } from './financial-sales.js';

/** When the items were last read (items are not read by time, so no syncedThrough). */
const itemsSync = {
  dataset: 'items',
  lastSyncedAt: '2026-12-08T01:39:52.491Z',
  syncedThrough: null,
  inProgress: false,
  lastError: null,
};

export const financialExamples = {
  'POST /v1/locations/{locationId}/financial/backfill': {
    '202': { chunks: [{ fromDate: '2026-11-01', toDate: '2026-11-07' }], jobId: '3' },
  },
  'GET /v1/locations/{locationId}/financial/daily': {
    '200': {
      data: [
        {
          date: '2026-12-07',
          salesCount: 1,
          grossSales: '32.20',
          netSales: '29.55',
          tax: '2.65',
          discounts: '0.00',
          tips: '1.50',
          payments: [
            {
              code: 'OOPAYMENT',
              name: 'Online Order Payment',
              accountingReference: 'online',
              count: 1,
              amount: '32.20',
              tips: '1.50',
            },
          ],
          paymentsTotal: '32.20',
          accountingGroups: [
            {
              id: '45454565700701',
              name: 'Food',
              code: 'FD',
              gross: '29.00',
              net: '26.61',
              tax: '2.39',
              discounts: '0.00',
              quantity: '2',
            },
          ],
          taxes: [
            {
              code: 'VAT9',
              description: 'BTW laag 9%',
              accountingReference: 'vat9',
              net: '29.55',
              tax: '2.65',
              gross: '32.20',
            },
          ],
          verified: null,
        },
      ],
      calendar,
      sync: financialsSync,
    },
  },
  'GET /v1/locations/{locationId}/financial/daily.csv': {
    '200':
      'business_date,business_location_id,currency,category,code,name,accounting_reference,count,quantity,gross,net,tax,discounts,tips,amount\r\n2026-12-07,45454565682156,EUR,day,,,,1,,32.20,29.55,2.65,0.00,1.50,32.20\r\n2026-12-07,45454565682156,EUR,payment,OOPAYMENT,Online Order Payment,online,1,,,,,,1.50,32.20\r\n2026-12-07,45454565682156,EUR,accounting_group,FD,Food,,,2,29.00,26.61,2.39,0.00,,\r\n2026-12-07,45454565682156,EUR,accounting_group,SD,Soft Drinks,,,1,3.20,2.94,0.26,0.00,,\r\n2026-12-07,45454565682156,EUR,tax,VAT9,BTW laag 9%,vat9,,,32.20,29.55,2.65,,,\r\n',
  },
  'GET /v1/locations/{locationId}/financial/items': {
    '200': {
      data: [
        {
          richItem: {
            sku: 'STR-SOUP',
            _links: {
              self: { href: 'https://api.lsk.lightspeed.app/i/richItem/45454565682155/STR-SOUP' },
              items: { href: 'https://api.lsk.lightspeed.app/i/richItem/45454565682155/' },
            },
            businessId: 45454565682155,
            pictureUrl: 'https://rich-content.sandbox.lsk.invalid/items/STR-SOUP.png',
            creationDate: '2024-01-15T09:00:00Z',
            descriptions: [
              { localeCode: 'en', description: 'Roasted tomato soup with basil cream.', displayName: 'Tomato Soup' },
            ],
            allergenCodes: ['celery'],
            rawPictureUrl: 'https://rich-content.sandbox.lsk.invalid/items/STR-SOUP_raw.png',
            lastUpdateDate: '2024-01-15T09:00:00Z',
            previewPictureUrl: 'https://rich-content.sandbox.lsk.invalid/items/STR-SOUP_preview.png',
          },
          syncedAt: '2026-12-08T01:39:52.486Z',
          id: 45454565701001,
          sku: 'STR-SOUP',
          name: 'Tomato Soup',
          active: true,
          prices: [{ name: 'Default', amount: 6.5 }],
          barcodes: [],
          disabled: true,
          itemType: 'ITEM',
          costPrice: 1.4,
          priceMode: 'AMOUNT',
          contentUom: 'unit',
          docketName: 'TOMATO SOUP',
          sharingType: 'LOCAL',
          contentValue: 1,
          accountingGroup: { id: 45454565700701, name: 'Food' },
          inventorySource: 'PURCHASED',
          statisticGroups: [{ value: 'Food', category: 'default' }],
          contentDimension: 'DIMENSION_LESS',
        },
      ],
      page: { offset: 0, limit: 100, total: 17, nextOffset: null },
      sync: itemsSync,
    },
  },
  'GET /v1/locations/{locationId}/financial/price-list': {
    '200': {
      data: [
        {
          itemId: 45454565701001,
          sku: 'STR-SOUP',
          name: 'Tomato Soup',
          active: true,
          accountingGroup: 'Food',
          accountingGroupId: 45454565700701,
          priceMode: 'AMOUNT',
          costPrice: 1.4,
          prices: [{ name: 'Default', amount: 6.5 }],
        },
        {
          itemId: 45454565701002,
          sku: 'STR-BRUS',
          name: 'Bruschetta',
          active: true,
          accountingGroup: 'Food',
          accountingGroupId: 45454565700701,
          priceMode: 'AMOUNT',
          costPrice: 1.8,
          prices: [{ name: 'Default', amount: 7 }],
        },
      ],
      currency: 'EUR',
      sync: itemsSync,
    },
  },
  'GET /v1/locations/{locationId}/financial/sync': {
    '200': {
      scopes: ['financial-api', 'items'],
      connectionStatus: 'CONNECTED',
      datasets: [
        {
          dataset: 'accounting-groups',
          lastSyncedAt: '2026-12-08T01:39:53.213Z',
          lastError: null,
          updatedAt: '2026-12-08T01:39:53.214Z',
        },
        {
          dataset: 'daily-financials',
          lastSyncedAt: '2026-12-08T01:39:52.362Z',
          lastError: null,
          updatedAt: '2026-12-08T01:39:53.175Z',
        },
      ],
      financials: {
        dataset: 'financials',
        lastSyncedAt: '2026-12-08T01:39:53.146Z',
        syncedThrough: '2026-12-08T01:39:53Z',
        inProgress: false,
        lastError: null,
      },
      backfill: {
        pending: [],
        running: null,
        completed: [
          { fromDate: '2026-11-01', toDate: '2026-11-07', sales: 0, completedAt: '2026-12-08T01:39:52.477Z' },
        ],
      },
    },
  },
  'POST /v1/locations/{locationId}/financial/sync': { '202': { jobId: '4' } },
};
