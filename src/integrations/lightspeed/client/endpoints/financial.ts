// financial-api: businesses, tax rates, payment methods, accounting groups and sales.
import { z } from 'zod';
import type { IdInput } from '../schemas/common.js';
import * as s from '../schemas/financial.js';
import { KSeriesApiError } from '../errors.js';
import { endpoint, seg, type Call } from './define.js';

const aggregated = z.looseObject({ groupByKey: z.string().optional(), dataComplete: z.boolean().optional() });

/** Every operation of this group: method, path template, scope, response parser, request schema. */
export const ENDPOINTS = {
  businesses: endpoint('GET', '/f/data/businesses', 'financial-api', s.financialBusinesses),
  taxRates: endpoint('GET', '/f/finance/{businessLocationId}/tax-rates', 'financial-api', s.taxRates),
  paymentMethods: endpoint('GET', '/f/finance/{businessLocationId}/paymentMethods', 'financial-api', s.paymentMethods),
  accountingGroups: endpoint(
    'GET',
    '/f/finance/{businessLocationId}/accountingGroups',
    'financial-api',
    s.accountingGroups,
  ),
  financials: endpoint(
    'GET',
    '/f/finance/{businessLocationId}/financials/{from}/{to}',
    'financial-api',
    s.financialPage,
  ),
  daily: endpoint('GET', '/f/finance/{businessLocationId}/dailyFinancials', 'financial-api', s.financialPage),
  sale: endpoint('GET', '/f/finance/{businessLocationId}/saleByExternalReference', 'financial-api', s.sale),
  aggregated: endpoint('GET', '/f/finance/{businessLocationId}/aggregatedSales', 'financial-api', aggregated),
};

export interface FinancialsQuery {
  /** ISO-8601 instants; the range may span at most 365 days. */
  from: string;
  to: string;
  /** e.g. ["payments", "staff"]. */
  include?: readonly string[];
  /** At most 1000. */
  pageSize?: number;
  nextPageToken?: string;
}

/** How our online orders appear in financials: TASK:OO-{businessLocationId}-{thirdPartyReference}. */
export const saleExternalReference = (businessLocationId: IdInput, thirdPartyReference: string) =>
  `TASK:OO-${String(businessLocationId)}-${thirdPartyReference}`;

export function financialApi(call: Call) {
  function getFinancials(connectionId: string, businessLocationId: IdInput, q: FinancialsQuery) {
    return call(connectionId, ENDPOINTS.financials, {
      path: `/f/finance/${seg(businessLocationId)}/financials/${seg(q.from)}/${seg(q.to)}`,
      query: { include: q.include?.join(','), pageSize: q.pageSize, nextPageToken: q.nextPageToken },
    });
  }

  return {
    getFinancialBusinesses: (connectionId: string, page: { page?: number; size?: number } = {}) =>
      call(connectionId, ENDPOINTS.businesses, {
        path: '/f/data/businesses',
        query: { page: page.page, size: page.size },
      }),

    getTaxRates: (connectionId: string, businessLocationId: IdInput) =>
      call(connectionId, ENDPOINTS.taxRates, { path: `/f/finance/${seg(businessLocationId)}/tax-rates` }),

    getPaymentMethods: (connectionId: string, businessLocationId: IdInput) =>
      call(connectionId, ENDPOINTS.paymentMethods, { path: `/f/finance/${seg(businessLocationId)}/paymentMethods` }),

    getAccountingGroups: (connectionId: string, businessLocationId: IdInput) =>
      call(connectionId, ENDPOINTS.accountingGroups, {
        path: `/f/finance/${seg(businessLocationId)}/accountingGroups`,
      }),

    /** One page; follow `nextPageToken` (null on the last page) or use iterateFinancials. */
    getFinancials,

    /** Every page of a range, following nextPageToken. */
    async *iterateFinancials(
      connectionId: string,
      businessLocationId: IdInput,
      q: Omit<FinancialsQuery, 'nextPageToken'>,
    ) {
      let token: string | undefined;
      const seen = new Set<string>();
      for (;;) {
        const page = await getFinancials(connectionId, businessLocationId, {
          ...q,
          ...(token ? { nextPageToken: token } : {}),
        });
        yield page;
        if (!page.nextPageToken) return;
        // A server repeating a token would loop forever.
        if (seen.has(page.nextPageToken)) return;
        seen.add(page.nextPageToken);
        token = page.nextPageToken;
      }
    },

    getDailyFinancials: (
      connectionId: string,
      businessLocationId: IdInput,
      q: { date?: string; include?: readonly string[]; includeConsumers?: boolean } = {},
    ) =>
      call(connectionId, ENDPOINTS.daily, {
        path: `/f/finance/${seg(businessLocationId)}/dailyFinancials`,
        query: { date: q.date, include: q.include?.join(','), includeConsumers: q.includeConsumers },
      }),

    /** The sale with that external reference, or null when K-Series has none (404). */
    async getSaleByExternalReference(connectionId: string, businessLocationId: IdInput, externalReferenceId: string) {
      try {
        return await call(connectionId, ENDPOINTS.sale, {
          path: `/f/finance/${seg(businessLocationId)}/saleByExternalReference`,
          query: { externalReferenceId },
        });
      } catch (err) {
        // The spec documents only 200 (the receipt). A 404 is not documented; read it as "no
        // receipt for this reference (yet)", the one answer that cannot do harm: callers treat
        // null as "not found as a sale", never as a failure (the reconciler then asks for the
        // account, or flags the order for an operator; it never re-sends). Anything else throws.
        if (err instanceof KSeriesApiError && err.kind === 'http' && err.status === 404) return null;
        throw err;
      }
    },

    getAggregatedSales: (
      connectionId: string,
      businessLocationId: IdInput,
      q: { groupBy: string; date?: string; from?: string; to?: string; flattened?: boolean },
    ) =>
      call(connectionId, ENDPOINTS.aggregated, {
        path: `/f/finance/${seg(businessLocationId)}/aggregatedSales`,
        query: { groupBy: q.groupBy, date: q.date, from: q.from, to: q.to, flattened: q.flattened },
      }),
  };
}
