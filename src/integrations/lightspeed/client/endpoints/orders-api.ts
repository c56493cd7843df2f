// orders-api: business data, menus, availability, accounts, and order/pay/print.
import type { z } from 'zod';
import { statusResponse, type IdInput } from '../schemas/common.js';
import { menu } from '../schemas/menu.js';
import * as s from '../schemas/orders-api.js';
import { blq, endpoint, seg, type Call } from './define.js';

/** Every operation of this group: method, path template, scope, response parser, request schema. */
export const ENDPOINTS = {
  businesses: endpoint('GET', '/o/op/data/businesses', 'orders-api', s.businesses),
  floorPlans: endpoint('GET', '/o/op/data/{businessLocationId}/floorplans', 'orders-api', s.floorPlans),
  tables: endpoint('GET', '/o/op/data/{businessLocationId}/floorplans/{floorPlanId}/tables', 'orders-api', s.tables),
  profiles: endpoint('GET', '/o/op/data/account-profiles', 'orders-api', s.accountProfiles),
  profile: endpoint(
    'GET',
    '/o/op/data/{businessLocationId}/account-profiles/tagcode/{tagCode}',
    'orders-api',
    s.accountProfile,
  ),
  menus: endpoint('GET', '/o/op/1/menu/list', 'orders-api', s.menuList),
  menuV1: endpoint('GET', '/o/op/1/menu/load/{menuId}', 'orders-api', menu),
  menuV2: endpoint('GET', '/o/op/2/menu/load/{menuId}', 'orders-api', menu),
  modifiers: endpoint('GET', '/o/op/1/menu/modifiers', 'orders-api', s.modifiers),
  discounts: endpoint('GET', '/o/op/1/menu/discounts', 'orders-api', s.discounts),
  availability: endpoint('GET', '/o/op/1/itemAvailability', 'orders-api', s.restrictedItemPage),
  availabilityPost: endpoint('POST', '/o/op/1/itemAvailability', 'orders-api', s.restrictedItemPage, {
    request: s.skusRequest,
    idempotent: true,
  }),
  readiness: endpoint('GET', '/o/op/1/onlineOrderReadiness', 'orders-api', s.readiness),
  openChecks: endpoint('GET', '/o/op/1/order/table/getCheck', 'orders-api', s.accountSnapshots),
  tableCheck: endpoint('GET', '/o/op/1/order/table/{tableNumber}/getCheck', 'orders-api', s.accountSnapshot),
  account: endpoint('GET', '/o/op/1/order/accounts/{accountIdentifier}', 'orders-api', s.accountSnapshot),
  // K-Series refuses a repeated thirdPartyReference (409) / thirdPartyPaymentReference (400),
  // so repeating these after a lost response cannot create a second order or payment.
  localOrder: endpoint('POST', '/o/op/1/order/local', 'orders-api', statusResponse, {
    request: s.localOrderRequest,
    idempotent: true,
  }),
  toGoOrder: endpoint('POST', '/o/op/1/order/toGo', 'orders-api', statusResponse, {
    request: s.toGoOrderRequest,
    idempotent: true,
  }),
  pay: endpoint('POST', '/o/op/1/pay', 'orders-api', statusResponse, { request: s.payRequest, idempotent: true }),
  // A repeat prints twice: only retried when K-Series surely did not get it.
  printMsg: endpoint('POST', '/o/op/1/printMsg', 'orders-api', statusResponse, {
    request: s.printMessageRequest,
    idempotent: false,
  }),
};

/** GET takes at most 50 SKUs per request. */
export const AVAILABILITY_SKUS_PER_REQUEST = 50;
const AVAILABILITY_PAGE_SIZE = 50;

export function ordersApi(call: Call) {
  async function getItemAvailability(
    connectionId: string,
    businessLocationId: IdInput,
    skus: readonly string[],
    page: { page?: number; size?: number } = {},
  ) {
    return call(connectionId, ENDPOINTS.availability, {
      path: '/o/op/1/itemAvailability',
      query: { businessLocationId: blq(businessLocationId), skus, page: page.page, size: page.size },
    });
  }

  return {
    getBusinesses: (connectionId: string) =>
      call(connectionId, ENDPOINTS.businesses, { path: '/o/op/data/businesses' }),

    getFloorPlans: (connectionId: string, businessLocationId: IdInput, options: { expandTables?: boolean } = {}) =>
      call(connectionId, ENDPOINTS.floorPlans, {
        path: `/o/op/data/${seg(businessLocationId)}/floorplans`,
        query: { expandTables: options.expandTables },
      }),

    getFloorPlanTables: (connectionId: string, businessLocationId: IdInput, floorPlanId: IdInput) =>
      call(connectionId, ENDPOINTS.tables, {
        path: `/o/op/data/${seg(businessLocationId)}/floorplans/${seg(floorPlanId)}/tables`,
      }),

    getAccountProfiles: (connectionId: string, businessLocationId: IdInput) =>
      call(connectionId, ENDPOINTS.profiles, {
        path: '/o/op/data/account-profiles',
        query: { businessLocationId: blq(businessLocationId) },
      }),

    getAccountProfile: (connectionId: string, businessLocationId: IdInput, tagCode: string) =>
      call(connectionId, ENDPOINTS.profile, {
        path: `/o/op/data/${seg(businessLocationId)}/account-profiles/tagcode/${seg(tagCode)}`,
      }),

    getMenus: (connectionId: string, businessLocationId: IdInput) =>
      call(connectionId, ENDPOINTS.menus, {
        path: '/o/op/1/menu/list',
        query: { businessLocationId: blq(businessLocationId) },
      }),

    /** V2 load: modifier groups and product modifiers; `richContent` adds images, texts and allergens. */
    loadMenu: (
      connectionId: string,
      businessLocationId: IdInput,
      menuId: IdInput,
      options: { accountProfile?: string; richContent?: boolean } = {},
    ) =>
      call(connectionId, ENDPOINTS.menuV2, {
        path: `/o/op/2/menu/load/${seg(menuId)}`,
        query: {
          businessLocationId: blq(businessLocationId),
          accountProfile: options.accountProfile,
          richContent: options.richContent,
        },
      }),

    /** @deprecated K-Series' v1 load; it may answer 503. Use loadMenu. */
    loadMenuV1: (
      connectionId: string,
      businessLocationId: IdInput,
      menuId: IdInput,
      options: { accountProfile?: string; richContent?: boolean } = {},
    ) =>
      call(connectionId, ENDPOINTS.menuV1, {
        path: `/o/op/1/menu/load/${seg(menuId)}`,
        query: {
          businessLocationId: blq(businessLocationId),
          accountProfile: options.accountProfile,
          richContent: options.richContent,
        },
      }),

    getModifiers: (connectionId: string, businessLocationId: IdInput) =>
      call(connectionId, ENDPOINTS.modifiers, {
        path: '/o/op/1/menu/modifiers',
        query: { businessLocationId: blq(businessLocationId) },
      }),

    getDiscounts: (connectionId: string, businessLocationId: IdInput) =>
      call(connectionId, ENDPOINTS.discounts, {
        path: '/o/op/1/menu/discounts',
        query: { businessLocationId: blq(businessLocationId) },
      }),

    /** One page for at most 50 SKUs (GET). Only restricted SKUs are listed; absent means available. */
    getItemAvailability,

    /** One page for at most 50 SKUs in the body (POST; pages of up to 100). */
    postItemAvailability: (
      connectionId: string,
      businessLocationId: IdInput,
      skus: readonly string[],
      page: { page?: number; size?: number } = {},
    ) =>
      call(connectionId, ENDPOINTS.availabilityPost, {
        path: '/o/op/1/itemAvailability',
        query: { businessLocationId: blq(businessLocationId), page: page.page, size: page.size },
        body: { skus },
      }),

    /**
     * Every restriction among any number of SKUs: chunks of 50, every page. K-Series lists only
     * restricted SKUs (with the count left); a SKU missing from the answer is available.
     */
    async getAllItemAvailability(connectionId: string, businessLocationId: IdInput, skus: readonly string[]) {
      const unique = [...new Set(skus)];
      const out: z.infer<typeof s.restrictedItemPage>['data'] = [];
      for (let i = 0; i < unique.length; i += AVAILABILITY_SKUS_PER_REQUEST) {
        const chunk = unique.slice(i, i + AVAILABILITY_SKUS_PER_REQUEST);
        for (let page = 0; ; page += 1) {
          const res = await getItemAvailability(connectionId, businessLocationId, chunk, {
            page,
            size: AVAILABILITY_PAGE_SIZE,
          });
          out.push(...res.data);
          // Only restricted SKUs are listed, so a page may legitimately hold fewer than asked:
          // totalPages decides; without it, an empty page ends the list.
          const totalPages = res.metadata?.totalPages;
          if (totalPages === undefined ? res.data.length === 0 : page + 1 >= totalPages) break;
        }
      }
      return out;
    },

    getOnlineOrderReadiness: (connectionId: string, businessLocationId: IdInput) =>
      call(connectionId, ENDPOINTS.readiness, {
        path: '/o/op/1/onlineOrderReadiness',
        query: { businessLocationId: blq(businessLocationId) },
      }),

    getOpenChecks: (connectionId: string, businessLocationId: IdInput) =>
      call(connectionId, ENDPOINTS.openChecks, {
        path: '/o/op/1/order/table/getCheck',
        query: { businessLocationId: blq(businessLocationId) },
      }),

    getTableCheck: (connectionId: string, businessLocationId: IdInput, tableNumber: number) =>
      call(connectionId, ENDPOINTS.tableCheck, {
        path: `/o/op/1/order/table/${seg(tableNumber)}/getCheck`,
        query: { businessLocationId: blq(businessLocationId) },
      }),

    /** Account lookup by identifier ("A17700.3"): the fallback when an order webhook never came. */
    getAccount: (connectionId: string, businessLocationId: IdInput, accountIdentifier: string) =>
      call(connectionId, ENDPOINTS.account, {
        path: `/o/op/1/order/accounts/${seg(accountIdentifier)}`,
        query: { businessLocationId: blq(businessLocationId) },
      }),

    /** {status:"ok"} means accepted for delivery; the outcome arrives as an ORDER webhook. */
    createLocalOrder: (connectionId: string, order: s.LocalOrderRequest) =>
      call(connectionId, ENDPOINTS.localOrder, { path: '/o/op/1/order/local', body: order }),

    createToGoOrder: (connectionId: string, order: s.ToGoOrderRequest) =>
      call(connectionId, ENDPOINTS.toGoOrder, { path: '/o/op/1/order/toGo', body: order }),

    /** {status:"ok"} means accepted; the outcome arrives as a PAYMENT webhook. */
    pay: (connectionId: string, payment: s.PayRequest) =>
      call(connectionId, ENDPOINTS.pay, { path: '/o/op/1/pay', body: payment }),

    printMessage: (connectionId: string, businessLocationId: IdInput, message: s.PrintMessageRequest) =>
      call(connectionId, ENDPOINTS.printMsg, {
        path: '/o/op/1/printMsg',
        query: { businessLocationId: blq(businessLocationId) },
        body: message,
      }),
  };
}
