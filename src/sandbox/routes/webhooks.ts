// Webhook endpoint registration (/o/wh/1/webhook): PUT creates (409 if the id exists), POST
// updates (404 if it does not; omitted flags reset to false, as documented), GET / DELETE by id,
// and per-location links, needed for ITEM and ORDER_API events.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authOf, checkLocation, requireScope } from '../auth.js';
import type { SandboxContext } from '../context.js';
import { Constraints, pathOf, sendSpring, validationBody } from '../errors.js';
import { endpointKey, type WebhookEndpoint } from '../state.js';
import { springTimestamp } from '../util.js';
import { isObject, params, parseLongParam } from './common.js';

function endpointJson(e: WebhookEndpoint) {
  // The password is write-only: it is never echoed back.
  return {
    endpointId: e.endpointId,
    url: e.url,
    withBasicAuth: e.withBasicAuth,
    ...(e.username !== undefined ? { username: e.username } : {}),
    provideAccount: e.provideAccount,
    expandTransactions: e.expandTransactions,
    expandPayments: e.expandPayments,
    subscribeTo: e.subscribeTo,
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

export function registerWebhookRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const ordersApi = { preHandler: requireScope(ctx, 'orders-api') };
  const state = ctx.state;

  const keyFor = (request: FastifyRequest, endpointId: string): string => {
    const { grant } = authOf(request);
    return endpointKey(grant.clientId, grant.businessId, endpointId);
  };

  const upsert = (mode: 'create' | 'update') => async (request: FastifyRequest, reply: FastifyReply) => {
    const body = isObject(request.body) ? request.body : undefined;
    if (!body) return sendSpring(reply, 400, 'Required request body is missing or is not a JSON object', ctx.now());
    const c = new Constraints();
    const endpointId = typeof body.endpointId === 'string' ? body.endpointId : undefined;
    const url = typeof body.url === 'string' ? body.url : undefined;
    if (c.notNull('endpointId', endpointId)) c.size('endpointId', endpointId, 1, 255);
    if (c.notNull('url', url) && !isHttpUrl(url as string)) {
      c.errors.push({ field: 'url', code: 'Pattern', message: 'must be a valid URL', javaType: 'java.lang.String' });
    }
    const withBasicAuth = body.withBasicAuth === true;
    if (withBasicAuth) {
      c.notNull('username', typeof body.username === 'string' ? body.username : undefined);
      c.notNull('password', typeof body.password === 'string' ? body.password : undefined);
    }
    const subscribeTo = Array.isArray(body.subscribeTo) ? body.subscribeTo.filter(isObject) : [];
    subscribeTo.forEach((s, i) => {
      if (s.resource !== undefined && !['order', 'payment', 'item', 'order_api'].includes(String(s.resource))) {
        c.errors.push({
          field: `subscribeTo[${i}].resource`,
          code: 'Pattern',
          message: 'must be one of order, payment, item, order_api',
          javaType: 'java.lang.String',
        });
      }
    });
    if (!c.ok)
      return reply.code(400).send(validationBody('webhookEndpointDto', c.errors, pathOf(request.url), ctx.now()));

    const key = keyFor(request, endpointId as string);
    const existing = state.endpoints.get(key);
    if (mode === 'create' && existing) {
      return sendSpring(reply, 409, `A webhook with the endpoint ID ${endpointId} already exists`, ctx.now());
    }
    if (mode === 'update' && !existing)
      return sendSpring(reply, 404, `endpoint ID not found for ${endpointId}`, ctx.now());
    const { grant } = authOf(request);
    const endpoint: WebhookEndpoint = {
      clientId: grant.clientId,
      businessId: grant.businessId,
      endpointId: endpointId as string,
      url: url as string,
      withBasicAuth,
      ...(typeof body.username === 'string' ? { username: body.username } : {}),
      ...(typeof body.password === 'string' ? { password: body.password } : {}),
      provideAccount: body.provideAccount === true,
      expandTransactions: body.expandTransactions === true,
      expandPayments: body.expandPayments === true,
      subscribeTo: subscribeTo.map((s) => ({
        ...(typeof s.resource === 'string' ? { resource: s.resource } : {}),
        ...(typeof s.name === 'string' ? { name: s.name } : {}),
      })),
      locations: existing?.locations ?? new Map(),
    };
    state.endpoints.set(key, endpoint);
    return endpointJson(endpoint);
  };

  app.put('/o/wh/1/webhook', ordersApi, upsert('create'));
  app.post('/o/wh/1/webhook', ordersApi, upsert('update'));

  const found = (request: FastifyRequest, reply: FastifyReply): WebhookEndpoint | undefined => {
    const endpointId = params(request).endpointId ?? '';
    const endpoint = state.endpoints.get(keyFor(request, endpointId));
    if (!endpoint) void sendSpring(reply, 404, `endpoint ID not found for ${endpointId}`, ctx.now());
    return endpoint;
  };

  app.get('/o/wh/1/webhook/:endpointId', ordersApi, async (request, reply) => {
    const endpoint = found(request, reply);
    return endpoint ? endpointJson(endpoint) : reply;
  });

  app.delete('/o/wh/1/webhook/:endpointId', ordersApi, async (request, reply) => {
    const endpoint = found(request, reply);
    if (!endpoint) return reply;
    state.endpoints.delete(keyFor(request, endpoint.endpointId));
    return reply.code(200).send();
  });

  const linkJson = (locationId: number, link: { createdAt: number; updatedAt: number }) => ({
    businessLocationId: locationId,
    createdAt: springTimestamp(link.createdAt),
    updatedAt: springTimestamp(link.updatedAt),
    warnings: [],
  });

  app.get('/o/wh/1/webhook/:endpointId/business-locations', ordersApi, async (request, reply) => {
    const endpoint = found(request, reply);
    if (!endpoint) return reply;
    return [...endpoint.locations.entries()].map(([id, link]) => linkJson(id, link));
  });

  const linkTarget = (request: FastifyRequest, reply: FastifyReply) => {
    const endpoint = found(request, reply);
    if (!endpoint) return undefined;
    const locationId = parseLongParam(ctx, reply, 'businessLocationId', params(request).businessLocationId ?? '');
    if (locationId === undefined || !checkLocation(ctx, request, reply, locationId)) return undefined;
    return { endpoint, locationId };
  };

  app.put('/o/wh/1/webhook/:endpointId/business-locations/:businessLocationId', ordersApi, async (request, reply) => {
    const target = linkTarget(request, reply);
    if (!target) return reply;
    const now = ctx.now();
    const link = { createdAt: target.endpoint.locations.get(target.locationId)?.createdAt ?? now, updatedAt: now };
    target.endpoint.locations.set(target.locationId, link);
    return linkJson(target.locationId, link);
  });

  app.delete(
    '/o/wh/1/webhook/:endpointId/business-locations/:businessLocationId',
    ordersApi,
    async (request, reply) => {
      const target = linkTarget(request, reply);
      if (!target) return reply;
      const link = target.endpoint.locations.get(target.locationId);
      if (!link)
        return sendSpring(
          reply,
          404,
          `Business location ${target.locationId} is not linked to ${target.endpoint.endpointId}`,
          ctx.now(),
        );
      target.endpoint.locations.delete(target.locationId);
      return linkJson(target.locationId, { ...link, updatedAt: ctx.now() });
    },
  );
}
