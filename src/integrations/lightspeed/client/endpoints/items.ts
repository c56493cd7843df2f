// Items (items scope), rich items, locales and allergens (orders-api scope).
import type { IdInput } from '../schemas/common.js';
import * as s from '../schemas/items.js';
import { blq, endpoint, seg, type Call } from './define.js';

/** Every operation of this group: method, path template, scope, response parser, request schema. */
export const ENDPOINTS = {
  list: endpoint('GET', '/items/v1/items', 'items', s.itemList),
  // Not idempotent: a repeat after a lost response would create a second item.
  create: endpoint('POST', '/items/v1/items', 'items', s.item, { request: s.createItemRequest, idempotent: false }),
  get: endpoint('GET', '/items/v1/items/{id}', 'items', s.item),
  update: endpoint('PUT', '/items/v1/items/{id}', 'items', s.item, { request: s.updateItemRequest }),
  richList: endpoint('GET', '/i/richItem/{businessId}', 'orders-api', s.richItemPage),
  richGet: endpoint('GET', '/i/richItem/{businessId}/{sku}', 'orders-api', s.richItem),
  richPut: endpoint('PUT', '/i/richItem/{businessId}/{sku}', 'orders-api', s.richItem, { request: s.richItemRequest }),
  richPatch: endpoint('PATCH', '/i/richItem/{businessId}/{sku}', 'orders-api', s.richItem, {
    request: s.richItemPictureRequest,
  }),
  richDelete: endpoint('DELETE', '/i/richItem/{businessId}/{sku}', 'orders-api', null),
  richBySkus: endpoint('POST', '/i/richItem/{businessId}/itemsBySkus', 'orders-api', s.richItemPage, {
    idempotent: true,
  }),
  pictureSpec: endpoint('GET', '/i/richItem/{businessId}/pictureSpec', 'orders-api', s.pictureSpec),
  locales: endpoint('GET', '/i/locales/{businessId}', 'orders-api', s.locales),
  localesPut: endpoint('PUT', '/i/locales/{businessId}', 'orders-api', null, { request: s.locales }),
  allergens: endpoint('GET', '/i/allergens', 'orders-api', s.allergens),
};

export interface ItemSearch {
  sku?: string;
  name?: string;
  accountingGroupId?: IdInput;
  itemIds?: readonly IdInput[];
  offset?: number;
  /** Page size, at most 1000. */
  amount?: number;
}

export function itemsApi(call: Call) {
  return {
    listItems: (connectionId: string, businessLocationId: IdInput, q: ItemSearch = {}) =>
      call(connectionId, ENDPOINTS.list, {
        path: '/items/v1/items',
        query: {
          businessLocationId: blq(businessLocationId),
          sku: q.sku,
          name: q.name,
          accountingGroupId: q.accountingGroupId === undefined ? undefined : String(q.accountingGroupId),
          itemIds: q.itemIds?.map(String),
          offset: q.offset,
          amount: q.amount,
        },
      }),

    createItem: (connectionId: string, body: s.CreateItemRequest) =>
      call(connectionId, ENDPOINTS.create, { path: '/items/v1/items', body }),

    getItem: (connectionId: string, businessLocationId: IdInput, itemId: IdInput) =>
      call(connectionId, ENDPOINTS.get, {
        path: `/items/v1/items/${seg(itemId)}`,
        query: { businessLocationId: blq(businessLocationId) },
      }),

    updateItem: (connectionId: string, itemId: IdInput, body: s.UpdateItemRequest) =>
      call(connectionId, ENDPOINTS.update, { path: `/items/v1/items/${seg(itemId)}`, body }),

    listRichItems: (
      connectionId: string,
      businessId: IdInput,
      q: { page?: number; size?: number; sort?: readonly string[] } = {},
    ) =>
      call(connectionId, ENDPOINTS.richList, {
        path: `/i/richItem/${seg(businessId)}`,
        query: { page: q.page, size: q.size, sort: q.sort },
      }),

    /**
     * Every rich item, page by page. The spec's list answer carries only a `self` link: no page
     * count, no next link. So a full page means "ask for the next one" and a short (or empty) page
     * ends the list; `maxPages` bounds a peer that keeps answering full pages.
     */
    async *iterateRichItems(
      connectionId: string,
      businessId: IdInput,
      q: { size?: number; maxPages?: number; sort?: readonly string[] } = {},
    ) {
      const size = q.size ?? 1000;
      const maxPages = q.maxPages ?? 1000;
      for (let page = 0; page < maxPages; page++) {
        const result = await call(connectionId, ENDPOINTS.richList, {
          path: `/i/richItem/${seg(businessId)}`,
          query: { page, size, sort: q.sort },
        });
        yield result.items;
        if (result.items.length < size) return;
      }
    },

    getRichItem: (connectionId: string, businessId: IdInput, sku: string) =>
      call(connectionId, ENDPOINTS.richGet, { path: `/i/richItem/${seg(businessId)}/${seg(sku)}` }),

    putRichItem: (
      connectionId: string,
      businessId: IdInput,
      sku: string,
      body: Omit<s.RichItemRequest, 'businessId' | 'sku'>,
    ) =>
      call(connectionId, ENDPOINTS.richPut, {
        path: `/i/richItem/${seg(businessId)}/${seg(sku)}`,
        body: { ...body, businessId, sku },
      }),

    patchRichItemPicture: (
      connectionId: string,
      businessId: IdInput,
      sku: string,
      body: Omit<s.RichItemPictureRequest, 'businessId' | 'sku'>,
    ) =>
      call(connectionId, ENDPOINTS.richPatch, {
        path: `/i/richItem/${seg(businessId)}/${seg(sku)}`,
        body: { ...body, businessId, sku },
      }),

    deleteRichItem: (connectionId: string, businessId: IdInput, sku: string) =>
      call(connectionId, ENDPOINTS.richDelete, { path: `/i/richItem/${seg(businessId)}/${seg(sku)}` }),

    getRichItemsBySkus: async (connectionId: string, businessId: IdInput, skus: readonly string[]) =>
      (
        await call(connectionId, ENDPOINTS.richBySkus, {
          path: `/i/richItem/${seg(businessId)}/itemsBySkus`,
          body: skus,
        })
      ).items,

    getRichItemPictureSpec: (connectionId: string, businessId: IdInput) =>
      call(connectionId, ENDPOINTS.pictureSpec, { path: `/i/richItem/${seg(businessId)}/pictureSpec` }),

    getLocales: (connectionId: string, businessId: IdInput) =>
      call(connectionId, ENDPOINTS.locales, { path: `/i/locales/${seg(businessId)}` }),

    updateLocales: (connectionId: string, businessId: IdInput, locales: readonly string[]) =>
      call(connectionId, ENDPOINTS.localesPut, { path: `/i/locales/${seg(businessId)}`, body: locales }),

    getAllergens: (connectionId: string) => call(connectionId, ENDPOINTS.allergens, { path: '/i/allergens' }),
  };
}
