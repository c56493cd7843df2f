// Our webhook endpoint at K-Series: PUT creates, POST replaces, plus location links (needed for
// item and order_api events).
import type { IdInput } from '../schemas/common.js';
import * as s from '../schemas/webhooks.js';
import { endpoint, seg, type Call } from './define.js';

/** Every operation of this group: method, path template, scope, response parser, request schema. */
export const ENDPOINTS = {
  create: endpoint('PUT', '/o/wh/1/webhook', 'orders-api', s.webhookEndpoint, { request: s.webhookEndpointRequest }),
  // A full replacement: sending the same body twice leaves the same endpoint.
  update: endpoint('POST', '/o/wh/1/webhook', 'orders-api', s.webhookEndpoint, {
    request: s.webhookEndpointRequest,
    idempotent: true,
  }),
  get: endpoint('GET', '/o/wh/1/webhook/{endpointId}', 'orders-api', s.webhookEndpoint),
  delete: endpoint('DELETE', '/o/wh/1/webhook/{endpointId}', 'orders-api', null),
  locations: endpoint('GET', '/o/wh/1/webhook/{endpointId}/business-locations', 'orders-api', s.webhookLocationLinks),
  link: endpoint(
    'PUT',
    '/o/wh/1/webhook/{endpointId}/business-locations/{businessLocationId}',
    'orders-api',
    s.webhookLocationLink,
  ),
  unlink: endpoint(
    'DELETE',
    '/o/wh/1/webhook/{endpointId}/business-locations/{businessLocationId}',
    'orders-api',
    null,
  ),
};

export function webhooksApi(call: Call) {
  return {
    createWebhookEndpoint: (connectionId: string, body: s.WebhookEndpointRequest) =>
      call(connectionId, ENDPOINTS.create, { path: '/o/wh/1/webhook', body }),

    /** Replaces the endpoint: flags left out are reset, so send the whole configuration. */
    updateWebhookEndpoint: (connectionId: string, body: s.WebhookEndpointRequest) =>
      call(connectionId, ENDPOINTS.update, { path: '/o/wh/1/webhook', body }),

    getWebhookEndpoint: (connectionId: string, endpointId: string) =>
      call(connectionId, ENDPOINTS.get, { path: `/o/wh/1/webhook/${seg(endpointId)}` }),

    deleteWebhookEndpoint: (connectionId: string, endpointId: string) =>
      call(connectionId, ENDPOINTS.delete, { path: `/o/wh/1/webhook/${seg(endpointId)}` }),

    getWebhookLocations: (connectionId: string, endpointId: string) =>
      call(connectionId, ENDPOINTS.locations, { path: `/o/wh/1/webhook/${seg(endpointId)}/business-locations` }),

    linkWebhookLocation: (connectionId: string, endpointId: string, businessLocationId: IdInput) =>
      call(connectionId, ENDPOINTS.link, {
        path: `/o/wh/1/webhook/${seg(endpointId)}/business-locations/${seg(businessLocationId)}`,
      }),

    // The spec documents a link DTO in the answer; nothing here needs it, and an empty 200 is fine.
    unlinkWebhookLocation: (connectionId: string, endpointId: string, businessLocationId: IdInput) =>
      call(connectionId, ENDPOINTS.unlink, {
        path: `/o/wh/1/webhook/${seg(endpointId)}/business-locations/${seg(businessLocationId)}`,
      }),
  };
}
