// Response schemas of the financial routes (./financial.ts). Amounts are decimal strings with two
// decimals, exactly as summed; dates are the location's business dates (YYYY-MM-DD).
import { z } from 'zod';

const amount = z.string().describe('decimal, 2 places');
const dateParam = z.iso.date({ message: 'must be a date (YYYY-MM-DD)' });

export const rangeQuery = z.object({
  from: dateParam.describe('first business day (inclusive)'),
  to: dateParam.describe('last business day (inclusive)'),
});

export const syncInfo = z
  .object({
    dataset: z.string(),
    lastSyncedAt: z.string().nullable().describe('when this data set last completed a sync'),
    syncedThrough: z.string().nullable().describe('financials: every sale closed before this instant has been read'),
    inProgress: z.boolean(),
    lastError: z.string().nullable(),
  })
  .meta({ id: 'FinancialSyncInfo' });

export const calendar = z
  .object({
    timezone: z.string(),
    startOfDay: z.string().describe('local time a business day starts'),
    source: z.enum(['kseries', 'default']).describe('default (UTC midnight) until the first sync learnt it'),
    currency: z.string().nullable(),
  })
  .meta({ id: 'BusinessCalendar' });

export const sale = z
  .object({
    receiptId: z.string(),
    accountId: z.string().nullable(),
    businessDate: z.string(),
    timeClosed: z.string(),
    type: z.string().nullable(),
    cancelled: z.boolean(),
    externalReference: z.string().nullable(),
    currency: z.string().nullable(),
    total: amount.describe('sum of the lines with tax'),
    tax: amount,
    discounts: amount,
    tips: amount,
    payments: z.array(
      z.object({
        code: z.string().nullable(),
        name: z.string().nullable(),
        amount: z.string().nullable(),
        tip: z.string().nullable(),
      }),
    ),
    kseries: z.record(z.string(), z.unknown()).describe('the sale as K-Series reported it'),
  })
  .meta({ id: 'FinancialSale' });

export const salesPage = z.object({
  data: z.array(sale),
  page: z.object({ limit: z.number().int(), nextCursor: z.string().nullable() }),
  calendar,
  sync: syncInfo,
});

export const dailySummary = z
  .object({
    date: z.string(),
    salesCount: z.number().int(),
    grossSales: amount.describe('revenue with tax'),
    netSales: amount.describe('revenue without tax'),
    tax: amount,
    discounts: amount,
    tips: amount,
    payments: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        accountingReference: z.string().nullable(),
        count: z.number().int(),
        amount,
        tips: amount,
      }),
    ),
    paymentsTotal: amount,
    accountingGroups: z.array(
      z.object({
        id: z.string().nullable(),
        name: z.string(),
        code: z.string().nullable(),
        gross: amount,
        net: amount,
        tax: amount,
        discounts: amount,
        quantity: z.string(),
      }),
    ),
    taxes: z.array(
      z.object({
        code: z.string(),
        description: z.string().nullable(),
        accountingReference: z.string().nullable(),
        net: amount,
        tax: amount,
        gross: amount,
      }),
    ),
    verified: z.boolean().nullable().describe("true once the closed day matched K-Series' daily financials"),
  })
  .meta({ id: 'DailySummary' });

export const dailyResponse = z.object({ data: z.array(dailySummary), calendar, sync: syncInfo });

export const itemsResponse = z.object({
  data: z.array(z.looseObject({ richItem: z.record(z.string(), z.unknown()).nullable(), syncedAt: z.string() })),
  page: z.object({
    offset: z.number().int(),
    limit: z.number().int(),
    total: z.number().int(),
    nextOffset: z.number().int().nullable(),
  }),
  sync: syncInfo,
});

export const priceListResponse = z.object({
  data: z.array(
    z.object({
      itemId: z.number(),
      sku: z.string().nullable(),
      name: z.string().nullable(),
      active: z.boolean().nullable(),
      accountingGroup: z.string().nullable(),
      accountingGroupId: z.number().nullable(),
      priceMode: z.string().nullable(),
      costPrice: z.number().nullable(),
      prices: z.array(z.object({ name: z.string().nullable(), amount: z.number().nullable() })),
    }),
  ),
  currency: z.string().nullable(),
  sync: syncInfo,
});

const missingOrder = z.object({
  orderId: z.string(),
  reference: z.string(),
  externalReference: z.string(),
  status: z.string(),
  createdAt: z.string(),
  paymentAmount: amount,
});
export const reconciliationResponse = z.object({
  range: rangeQuery,
  summary: z.object({
    orders: z.number().int(),
    expectedOnPos: z.number().int().describe('paid orders: the POS closed them, so a sale must exist'),
    posSalesWithOurReference: z.number().int(),
    matched: z.number().int(),
    missingOnPos: z.number().int(),
    missingInOrders: z.number().int(),
    amountMismatches: z.number().int(),
    statusConflicts: z.number().int(),
    inFlight: z.number().int().describe('orders not paid (yet) and without a sale'),
    otherIntegrationSales: z.number().int().describe("online-order sales with another integration's reference"),
  }),
  missingOnPos: z.array(missingOrder),
  missingInOrders: z.array(
    z.object({ receiptId: z.string(), externalReference: z.string(), timeClosed: z.string(), paid: amount }),
  ),
  amountMismatches: z.array(
    z.object({ orderId: z.string(), receiptId: z.string(), orderAmount: amount, posPaid: amount, posTips: amount }),
  ),
  statusConflicts: z.array(z.object({ orderId: z.string(), status: z.string(), receiptId: z.string() })),
  truncated: z.boolean(),
  calendar,
  sync: syncInfo,
});

const range = z.object({ fromDate: z.string(), toDate: z.string() });
export const statusResponse = z.object({
  scopes: z.array(z.string()),
  connectionStatus: z.string(),
  datasets: z.array(
    z.object({
      dataset: z.string(),
      lastSyncedAt: z.string().nullable(),
      lastError: z.string().nullable(),
      updatedAt: z.string(),
    }),
  ),
  financials: syncInfo,
  backfill: z.object({
    pending: z.array(range),
    running: range
      .extend({ chunkFrom: z.string(), nextPageToken: z.string().nullable(), pages: z.number(), sales: z.number() })
      .loose()
      .nullable(),
    completed: z.array(range.extend({ sales: z.number().int(), completedAt: z.string() })),
  }),
});
