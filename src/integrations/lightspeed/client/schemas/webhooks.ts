// Our webhook endpoint registered at K-Series (lightspeed-order-and-pay-webhook-api-openapi.yml).
import { z } from 'zod';
import { id, timestamp, warning } from './common.js';

const eventResource = z.looseObject({
  name: z.string().optional(),
  resource: z.string().optional(),
});

export const webhookEndpoint = z.looseObject({
  endpointId: z.string(),
  url: z.string(),
  withBasicAuth: z.boolean().optional(),
  username: z.string().optional(),
  // K-Series echoes the Basic Auth password back; callers must not log this object.
  password: z.string().optional(),
  provideAccount: z.boolean().optional(),
  expandTransactions: z.boolean().optional(),
  expandPayments: z.boolean().optional(),
  subscribeTo: z.array(eventResource).optional(),
});
export type WebhookEndpoint = z.infer<typeof webhookEndpoint>;

/** PUT creates, POST replaces: a flag left out of a POST is reset, so always send the whole body. */
export const webhookEndpointRequest = z.object({
  endpointId: z.string().min(1),
  url: z.url({ protocol: /^https?$/ }),
  withBasicAuth: z.boolean().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  provideAccount: z.boolean().optional(),
  expandTransactions: z.boolean().optional(),
  expandPayments: z.boolean().optional(),
  subscribeTo: z
    .array(z.object({ name: z.string().optional(), resource: z.enum(['order', 'payment', 'item', 'order_api']) }))
    .optional(),
});
export type WebhookEndpointRequest = z.input<typeof webhookEndpointRequest>;

export const webhookLocationLink = z.looseObject({
  businessLocationId: id,
  createdAt: timestamp.optional(),
  updatedAt: timestamp.optional(),
  warnings: z.array(warning).optional(),
});
export const webhookLocationLinks = z.array(webhookLocationLink);
export type WebhookLocationLink = z.infer<typeof webhookLocationLink>;
