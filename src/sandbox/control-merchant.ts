// Control API for what a merchant (or time) does to the POS, which tests need to show what the
// vendor and the merchant see: move the sandbox clock, change a price on the POS, take a POS
// offline, remove a payment method, disable the Order & Pay API of a location. Token expiry and
// lost webhooks are in control.ts (tokens/revoke, tokens/expire, faults/webhooks).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { SandboxContext } from './context.js';
import { CONTROL_PREFIX } from './faults.js';
import type { Pos } from './pos.js';

const P = CONTROL_PREFIX;
const location = { businessLocationId: z.number().int() };

const schemas = {
  clock: z.object({
    advanceMs: z
      .number()
      .int()
      .min(0)
      .max(366 * 24 * 3_600_000),
  }),
  price: z.object({ ...location, sku: z.string().min(1), price: z.number().min(0).max(1_000_000) }),
  posOnline: z.object({ ...location, online: z.boolean() }),
  paymentMethod: z.object({ ...location, code: z.string().min(1), configured: z.boolean() }),
  api: z.object({ ...location, enabled: z.boolean() }),
};

export interface MerchantControlDeps {
  ctx: SandboxContext;
  pos: Pos;
  clock: { offsetMs: number };
}

export function registerMerchantControlRoutes(app: FastifyInstance, deps: MerchantControlDeps): void {
  const { ctx, pos, clock } = deps;
  const state = ctx.state;

  function parse<T extends z.ZodType>(schema: T, body: unknown, reply: FastifyReply): z.infer<T> | undefined {
    const result = schema.safeParse(body ?? {});
    if (result.success) {
      const blId = (result.data as { businessLocationId?: number }).businessLocationId;
      if (blId === undefined || state.locations.has(blId)) return result.data;
      void reply.code(404).send({ error: 'not_found', message: `unknown location ${blId}` });
      return undefined;
    }
    void reply.code(400).send({
      error: 'invalid_control_request',
      issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
    return undefined;
  }

  /** Moves the sandbox's clock forward: scheduled orders that fall due reach the POS at once. */
  app.post(`${P}/clock`, async (request, reply) => {
    const b = parse(schemas.clock, request.body, reply);
    if (!b) return reply;
    clock.offsetMs += b.advanceMs;
    pos.delivery.check();
    return { now: new Date(ctx.now()).toISOString(), offsetMs: clock.offsetMs, waiting: pos.delivery.waiting };
  });

  /** A price changed on the POS (menus show it; orders that reach the POS from now on pay it). */
  app.post(`${P}/prices`, async (request, reply) => {
    const b = parse(schemas.price, request.body, reply);
    if (!b) return reply;
    const item = state.itemBySku(b.businessLocationId, b.sku);
    if (!item) return reply.code(404).send({ error: 'not_found', message: `unknown sku ${b.sku}` });
    const previous = item.defaultPrice;
    item.defaultPrice = b.price;
    return { sku: b.sku, previous, price: b.price };
  });

  /** The POS goes offline: orders wait for it until their delivery window ends, then fail. */
  app.post(`${P}/pos-online`, async (request, reply) => {
    const b = parse(schemas.posOnline, request.body, reply);
    if (!b) return reply;
    if (b.online) pos.delivery.offline.delete(b.businessLocationId);
    else pos.delivery.offline.add(b.businessLocationId);
    pos.delivery.check();
    return { businessLocationId: b.businessLocationId, online: b.online, waiting: pos.delivery.waiting };
  });

  /** The merchant removes (or adds back) a payment method, e.g. OOPAYMENT. */
  app.post(`${P}/payment-methods`, async (request, reply) => {
    const b = parse(schemas.paymentMethod, request.body, reply);
    if (!b) return reply;
    pos.merchant.setPaymentMethod(b.businessLocationId, b.code, b.configured);
    return b;
  });

  /** The merchant disables (or enables) the Order & Pay API of a location: the POS refuses orders. */
  app.post(`${P}/order-api`, async (request, reply) => {
    const b = parse(schemas.api, request.body, reply);
    if (!b) return reply;
    if (b.enabled) pos.merchant.apiDisabled.delete(b.businessLocationId);
    else pos.merchant.apiDisabled.add(b.businessLocationId);
    return b;
  });
}
