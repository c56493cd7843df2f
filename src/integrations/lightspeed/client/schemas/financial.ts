// financial-api (lightspeed-financial-api-openapi.yml). Responses are HAL; lists come back as
// plain arrays. Amounts in sales are strings, as K-Series sends them.
import { z } from 'zod';
import { halLinks, halList } from './common.js';

// blID and businessId are declared as "number" (not int64) in this API; they are the same ids.
export const financialBusiness = z.looseObject({
  businessName: z.string().optional(),
  businessId: z.number(),
  currencyCode: z.string().optional(),
  businessLocations: z
    .array(
      z.looseObject({
        blName: z.string().optional(),
        blID: z.number(),
        country: z.string().optional(),
        timezone: z.string().optional(),
      }),
    )
    .default([]),
});
export const financialBusinesses = halList('businessList', financialBusiness);
export type FinancialBusiness = z.infer<typeof financialBusiness>;

export const taxRate = z.looseObject({
  code: z.string(),
  description: z.string().optional(),
  rate: z.number().optional(),
  taxIncluded: z.boolean().optional(),
  accountingReference: z.string().optional(),
});
export const taxRates = halList('taxRateList', taxRate);
export type TaxRate = z.infer<typeof taxRate>;

export const paymentMethod = z.looseObject({
  name: z.string().optional(),
  code: z.string(),
  accountingReference: z.string().optional(),
  pmId: z.number().optional(),
});
export const paymentMethods = halList('paymentMethodList', paymentMethod);
export type PaymentMethod = z.infer<typeof paymentMethod>;

export const accountingGroup = z.looseObject({
  accountingGroupId: z.number(),
  name: z.string().optional(),
  statisticGroup: z.string().optional(),
  code: z.string().optional(),
});
export const accountingGroups = halList('accountingGroupList', accountingGroup);
export type AccountingGroup = z.infer<typeof accountingGroup>;

const salesLine = z.looseObject({
  id: z.string().optional(),
  sku: z.string().optional(),
  name: z.string().optional(),
  quantity: z.string().optional(),
  totalNetAmountWithTax: z.string().optional(),
  totalNetAmountWithoutTax: z.string().optional(),
  taxAmount: z.string().optional(),
  taxCode: z.string().optional(),
  currency: z.string().optional(),
});

const salePayment = z.looseObject({
  code: z.string().optional(),
  description: z.string().optional(),
  paymentMethodId: z.number().optional(),
  netAmountWithTax: z.string().optional(),
  currency: z.string().optional(),
  tip: z.string().optional(),
  externalReference: z.string().optional(),
  uuid: z.string().optional(),
});

export const sale = z.looseObject({
  accountReference: z.string().optional(),
  accountFiscId: z.string().optional(),
  receiptId: z.string().optional(),
  salesLines: z.array(salesLine).optional(),
  payments: z.array(salePayment).optional(),
  timeofOpening: z.string().optional(),
  timeofCloseAndPaid: z.string().optional(),
  cancelled: z.boolean().optional(),
  tableNumber: z.string().optional(),
  accountProfileCode: z.string().optional(),
  type: z.string().optional(),
  externalReferences: z.array(z.string()).optional(),
  dineIn: z.boolean().optional(),
});
export type Sale = z.infer<typeof sale>;

/** A page of sales. `nextPageToken` comes from the `_links.nextPage` URL: null on the last page. */
export const financialPage = z
  .looseObject({
    businessName: z.string().optional(),
    nextStartOfDayAsIso8601: z.string().optional(),
    businessLocationId: z.number().optional(),
    sales: z.array(sale).default([]),
    dataComplete: z.boolean().optional(),
    _links: halLinks,
  })
  .transform((page) => {
    const next = page._links?.nextPage?.href;
    let nextPageToken: string | null = null;
    if (next) {
      try {
        nextPageToken = new URL(next, 'http://x').searchParams.get('nextPageToken');
      } catch {
        nextPageToken = null;
      }
    }
    return { ...page, nextPageToken };
  });
export type FinancialPage = z.infer<typeof financialPage>;
