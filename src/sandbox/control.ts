// The control API (/__sandbox/...): served only by the sandbox, never by the service. Tests and
// benchmarks use it to reset state, inject faults, move the POS along and inspect what the sandbox
// received and sent. Bodies are validated with zod; answers are plain JSON (see README.md).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { SandboxContext } from './context.js';
import { CONTROL_PREFIX, type Faults } from './faults.js';
import type { Notifier } from './notify.js';
import type { Pos } from './pos.js';
import { generateSales } from './sales.js';
import { SANDBOX_SEED } from './seed.js';
import { createGrant, expireAccessTokens, issueTokens, revokeGrants } from './tokens.js';

const P = CONTROL_PREFIX;
const count = z.number().int().min(1).max(1_000_000);
const target = { pathPrefix: z.string().startsWith('/').optional(), method: z.string().min(3).max(7).optional() };

const schemas = {
  status: z.object({
    status: z
      .number()
      .int()
      .refine((s) => s === 429 || (s >= 500 && s <= 599), 'must be 429 or a 5xx'),
    count: count.default(1),
    retryAfterSeconds: z.number().int().min(0).max(86_400).optional(),
    phase: z.enum(['before', 'after']).default('before'),
    ...target,
  }),
  latency: z.object({ ms: z.number().int().min(0).max(120_000), count: count.nullable().default(null), ...target }),
  reset: z.object({ count: count.default(1), ...target }),
  webhook: z.object({
    kind: z.enum(['drop', 'duplicate', 'reorder', 'delay']),
    count: count.default(1),
    type: z.enum(['ORDER', 'PAYMENT', 'ITEM', 'ORDER_API']).optional(),
    delayMs: z.number().int().min(0).max(600_000).optional(),
  }),
  tokens: z.object({
    clientId: z.string().optional(),
    businessId: z.number().int().optional(),
    scopes: z.array(z.string()).min(1).optional(),
  }),
  revoke: z
    .object({
      accessToken: z.string().optional(),
      refreshToken: z.string().optional(),
      businessId: z.number().int().optional(),
      clientId: z.string().optional(),
      all: z.boolean().optional(),
    })
    .refine(
      (v) => Object.values(v).some((x) => x !== undefined && x !== false),
      'give accessToken, refreshToken, businessId, clientId or all:true',
    ),
  expire: z.object({ accessToken: z.string().optional() }),
  readiness: z.object({ businessLocationId: z.number().int(), status: z.enum(['READY', 'NOT_READY']) }),
  availability: z.object({
    businessLocationId: z.number().int(),
    sku: z.string().min(1),
    count: z.number().int().min(0).nullable(),
  }),
  orderStatus: z.object({
    status: z.enum(['IN_DELIVERY', 'READY_FOR_PICKUP', 'CHECK_WAS_UPDATED', 'CLOSED', 'ABANDONED', 'CANCELLED']),
  }),
  sales: z.object({
    businessLocationId: z.number().int(),
    count: z.number().int().min(1).max(100_000),
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    seed: z.number().int().default(1),
  }),
};

export interface ControlDeps {
  ctx: SandboxContext;
  faults: Faults;
  pos: Pos;
  notifier: Notifier;
  reset: () => void;
}

export function registerControlRoutes(app: FastifyInstance, deps: ControlDeps): void {
  const { ctx, faults, pos, notifier } = deps;
  const state = ctx.state;

  /** Parses a body with `schema`; on failure answers 400 with the zod issues. */
  const parse = <T extends z.ZodType>(schema: T, body: unknown, reply: FastifyReply): z.infer<T> | undefined => {
    const result = schema.safeParse(body ?? {});
    if (result.success) return result.data;
    void reply.code(400).send({
      error: 'invalid_control_request',
      issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
    return undefined;
  };
  const notFound = (reply: FastifyReply, message: string) => reply.code(404).send({ error: 'not_found', message });

  app.post(`${P}/reset`, async () => {
    deps.reset();
    return { ok: true };
  });

  app.get(`${P}/seed`, async () => SANDBOX_SEED);

  app.get(`${P}/idle`, async (request) => {
    const timeoutMs = Number((request.query as Record<string, string>).timeoutMs ?? 10_000);
    return { idle: await ctx.tasks.idle(Number.isFinite(timeoutMs) ? timeoutMs : 10_000) };
  });

  // --- faults -----------------------------------------------------------------------------
  app.post(`${P}/faults/status`, async (request, reply) => {
    const b = parse(schemas.status, request.body, reply);
    if (!b) return reply;
    return faults.addHttp({
      kind: 'status',
      status: b.status,
      remaining: b.count,
      phase: b.phase,
      ...(b.retryAfterSeconds !== undefined ? { retryAfterSeconds: b.retryAfterSeconds } : {}),
      ...(b.pathPrefix ? { pathPrefix: b.pathPrefix } : {}),
      ...(b.method ? { method: b.method } : {}),
    });
  });
  app.post(`${P}/faults/latency`, async (request, reply) => {
    const b = parse(schemas.latency, request.body, reply);
    if (!b) return reply;
    return faults.addHttp({
      kind: 'latency',
      ms: b.ms,
      remaining: b.count,
      phase: 'before',
      ...(b.pathPrefix ? { pathPrefix: b.pathPrefix } : {}),
      ...(b.method ? { method: b.method } : {}),
    });
  });
  app.post(`${P}/faults/reset`, async (request, reply) => {
    const b = parse(schemas.reset, request.body, reply);
    if (!b) return reply;
    return faults.addHttp({
      kind: 'reset',
      remaining: b.count,
      phase: 'before',
      ...(b.pathPrefix ? { pathPrefix: b.pathPrefix } : {}),
      ...(b.method ? { method: b.method } : {}),
    });
  });
  app.post(`${P}/faults/webhooks`, async (request, reply) => {
    const b = parse(schemas.webhook, request.body, reply);
    if (!b) return reply;
    return faults.addWebhook({
      kind: b.kind,
      remaining: b.count,
      ...(b.type ? { type: b.type } : {}),
      ...(b.delayMs !== undefined ? { delayMs: b.delayMs } : {}),
    });
  });
  app.get(`${P}/faults`, async () => ({ http: faults.http, webhooks: faults.webhook }));
  app.delete(`${P}/faults`, async () => {
    faults.clear();
    return { ok: true };
  });

  // --- tokens -----------------------------------------------------------------------------
  app.post(`${P}/tokens`, async (request, reply) => {
    const b = parse(schemas.tokens, request.body, reply);
    if (!b) return reply;
    const client = b.clientId ? ctx.clients.get(b.clientId) : ctx.options.clients[0];
    if (!client) return notFound(reply, `unknown client ${b.clientId}`);
    const businessId = b.businessId ?? SANDBOX_SEED.business.id;
    if (!state.business(businessId)) return notFound(reply, `unknown business ${businessId}`);
    return issueTokens(
      ctx,
      createGrant(ctx, client.clientId, businessId, b.scopes ?? ['orders-api', 'financial-api', 'items']),
    );
  });
  app.post(`${P}/tokens/revoke`, async (request, reply) => {
    const b = parse(schemas.revoke, request.body, reply);
    if (!b) return reply;
    return { revokedGrants: revokeGrants(ctx, b) };
  });
  app.post(`${P}/tokens/expire`, async (request, reply) => {
    const b = parse(schemas.expire, request.body, reply);
    if (!b) return reply;
    return { expired: expireAccessTokens(ctx, b.accessToken) };
  });

  // --- the simulated POS --------------------------------------------------------------------
  app.post(`${P}/readiness`, async (request, reply) => {
    const b = parse(schemas.readiness, request.body, reply);
    if (!b) return reply;
    if (!state.locations.has(b.businessLocationId)) return notFound(reply, `unknown location ${b.businessLocationId}`);
    state.readiness.set(b.businessLocationId, { status: b.status, lastUpdatedAt: ctx.now() });
    return {
      businessLocationId: b.businessLocationId,
      status: b.status,
      notified: notifier.readiness(b.businessLocationId),
    };
  });

  app.post(`${P}/availability`, async (request, reply) => {
    const b = parse(schemas.availability, request.body, reply);
    if (!b) return reply;
    const restrictions = state.availability.get(b.businessLocationId);
    if (!restrictions) return notFound(reply, `unknown location ${b.businessLocationId}`);
    const now = ctx.now();
    // count null lifts the restriction: the item is no longer listed by itemAvailability.
    if (b.count === null) restrictions.delete(b.sku);
    else restrictions.set(b.sku, { count: b.count, updatedAt: now });
    const notified = notifier.locationEvent(b.businessLocationId, 'item', {
      sku: b.sku,
      businessLocationId: b.businessLocationId,
      count: b.count,
      countUpdatedAt: new Date(now).toISOString(),
      status: b.count === null ? 'NOT_RESTRICTED' : 'RESTRICTED',
      type: 'ITEM',
    });
    return { sku: b.sku, count: b.count, notified };
  });

  app.post(`${P}/orders/:thirdPartyReference/status`, async (request, reply) => {
    const b = parse(schemas.orderStatus, request.body, reply);
    if (!b) return reply;
    const ref = (request.params as { thirdPartyReference: string }).thirdPartyReference;
    const identifier = state.orderReferences.get(ref)?.accountIdentifier;
    const account = identifier ? state.accounts.get(identifier) : undefined;
    if (!account)
      return notFound(reply, `no POS account for order ${ref} (not received, failed, or not processed yet)`);
    pos.setOrderStatus(account, b.status);
    return { thirdPartyReference: ref, accountIdentifier: account.identifier, status: b.status };
  });

  app.post(`${P}/sales/generate`, async (request, reply) => {
    const b = parse(schemas.sales, request.body, reply);
    if (!b) return reply;
    const location = state.locations.get(b.businessLocationId);
    if (!location) return notFound(reply, `unknown location ${b.businessLocationId}`);
    const from = Date.parse(b.from);
    const to = Date.parse(b.to);
    if (to <= from)
      return reply
        .code(400)
        .send({ error: 'invalid_control_request', issues: [{ path: 'to', message: 'must be after from' }] });
    const created = generateSales(state, location, { count: b.count, from, to, seed: b.seed });
    return {
      generated: created.length,
      firstAccountId: created[0]?.identifier,
      lastAccountId: created.at(-1)?.identifier,
    };
  });

  // --- inspection ---------------------------------------------------------------------------
  app.get(`${P}/orders`, async () => state.orders);
  app.get(`${P}/payments`, async () => state.payments);
  app.get(`${P}/printed-messages`, async () => state.printedMessages);
  app.get(`${P}/webhooks`, async (request) => {
    const q = request.query as Record<string, string | undefined>;
    return state.webhooks.filter(
      (w) =>
        (!q.type || w.type === q.type) &&
        (!q.status || w.status === q.status) &&
        (!q.thirdPartyReference || w.thirdPartyReference === q.thirdPartyReference) &&
        (!q.endpointId || w.endpointId === q.endpointId) &&
        (!q.deliveryStatus || w.deliveryStatus === q.deliveryStatus),
    );
  });
  app.get(`${P}/token-requests`, async () => {
    const byGrantType: Record<string, number> = {};
    for (const r of state.tokenRequests) byGrantType[r.grantType] = (byGrantType[r.grantType] ?? 0) + 1;
    return { total: state.tokenRequests.length, byGrantType, requests: state.tokenRequests };
  });
  app.get(`${P}/requests`, async () => {
    const byEndpoint = Object.fromEntries([...state.requestCounts.entries()].sort(([a], [b]) => a.localeCompare(b)));
    return { total: Object.values(byEndpoint).reduce((s, n) => s + n, 0), byEndpoint };
  });
  app.get(`${P}/accounts/:identifier`, async (request, reply) => {
    const account = state.accounts.get((request.params as { identifier: string }).identifier);
    return account ?? notFound(reply, 'no such account');
  });
}
