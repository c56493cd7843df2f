// Accepting, reading and replaying orders. Accepting stores the order (the outbox) before
// anything else; delivery to K-Series happens in the push-order job, replays in ./replay.ts.
import type { FastifyBaseLogger } from 'fastify';
import type { PrismaClient } from '../../db/prisma.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { OrderStatus } from '../../generated/prisma/enums.js';
import type { QueueProducers } from '../../queues/producers.js';
import { canonicalJson, sha256Hex } from '../../lib/canonical-json.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import { assertTakesOrders, createAcceptingLocations } from './accepting-locations.js';
import { enqueuePush } from './enqueue.js';
import { createOrderInserter, type NewOrder } from './insert.js';
import type { MenuSnapshots } from './menu-snapshot.js';
import { assertPreflight, preflightOrder, type PreflightResult } from './preflight.js';
import { newOrderReferences } from './references.js';
import { createReplay } from './replay.js';
import type { OrderWithEvents } from './order-with-events.js';
import { deliveryDeadline } from './schedule.js';
import type { CreateOrderInput } from './schema.js';
import { ATTENTION_STATUSES } from './state-machine.js';
import { createOrderStore } from './hot-path-queries.js';

export interface OrderServiceDeps {
  prisma: PrismaClient;
  queues: QueueProducers;
  log: FastifyBaseLogger;
  /** How long we keep trying to get an order onto the POS. */
  deliveryDeadlineMs: number;
  /**
   * The location's menus, discounts and restrictions, for pre-flight validation at accept.
   * Only accepting needs it (the CLI builds this service for replays alone).
   */
  menus?: MenuSnapshots;
  /** How long this process remembers that a location takes orders (accepting-locations.ts). */
  locationCacheMs?: number;
}

// Defined apart so insert.ts and replay.ts can use it without importing this file back.
export type { OrderWithEvents } from './order-with-events.js';

const withEvents = { events: { orderBy: { id: 'asc' } } } as const;

export function createOrderService(deps: OrderServiceDeps) {
  const { prisma, queues, log } = deps;
  const store = createOrderStore(prisma);
  const inserter = createOrderInserter(prisma);
  // As fresh as the menu snapshots: the default profile picks the menu (accepting-locations.ts).
  const locations = createAcceptingLocations(store, { ttlMs: deps.locationCacheMs ?? 2_000 });

  async function findExisting(vendorId: string, idempotencyKey: string | null, callerReference: string | null) {
    if (idempotencyKey) {
      return prisma.order.findUnique({
        where: { vendorId_idempotencyKey: { vendorId, idempotencyKey } },
        include: withEvents,
      });
    }
    if (callerReference) {
      return prisma.order.findUnique({
        where: { vendorId_callerReference: { vendorId, callerReference } },
        include: withEvents,
      });
    }
    return null;
  }

  function sameRequestOrConflict(existing: OrderWithEvents, requestHash: string): OrderWithEvents {
    if (existing.requestHash !== requestHash) {
      throw new ConflictError(
        'This Idempotency-Key (or order reference) was already used with a different request body',
        'IDEMPOTENCY_KEY_REUSED',
        { orderId: existing.id },
      );
    }
    return existing;
  }

  async function get(vendorId: string, orderId: string): Promise<OrderWithEvents> {
    const order = await prisma.order.findFirst({ where: { id: orderId, vendorId }, include: withEvents });
    if (!order) throw new NotFoundError('Order');
    return order;
  }

  /**
   * The order as it will be stored, after the checks a 202 promises: the location takes orders
   * (accepting-locations.ts) and every line is sellable at the paid total (preflight.ts).
   */
  async function checkedOrder(
    vendorId: string,
    input: CreateOrderInput,
    keys: { idempotencyKey: string | null; callerReference: string | null; requestHash: string },
  ): Promise<NewOrder> {
    if (!deps.menus) throw new Error('createOrderService: accepting orders needs `menus`');
    const { location, cached } = await locations.get(vendorId, input.locationId);
    let preflight: PreflightResult;
    try {
      // Before the 202: a line the POS would refuse, or a payment that is not the check total,
      // is refused now, while the caller can still tell the customer (see preflight.ts).
      const profile = input.accountProfileCode ?? location.defaultOrderProfile ?? undefined;
      const snapshot = await deps.menus.get(vendorId, location.id, profile);
      preflight = preflightOrder(input, snapshot);
      assertPreflight(preflight, input.payment);
    } catch (err) {
      // An error answered from a remembered location might be the wrong one: the location's
      // own refusal (unmapped, disconnected) comes first, as it would from a fresh read.
      if (cached) await locations.reload(vendorId, input.locationId);
      throw err;
    }
    const { reference, paymentReference } = newOrderReferences();
    return {
      vendorId,
      locationId: location.id,
      reference,
      paymentReference,
      ...keys,
      type: input.type === 'local' ? 'LOCAL' : 'TO_GO',
      // The request as validated, plus each line's menu name and unit price at acceptance
      // (`pricedLines`, one per item; K-Series' order body is built from named fields only).
      payload: { ...input, pricedLines: preflight.lines },
      paymentAmount: input.payment.amount,
      tipAmount: input.payment.tip,
      paymentMethod: input.payment.method,
      deadlineAt: deliveryDeadline(input, deps.deliveryDeadlineMs),
    };
  }

  return {
    get,

    /**
     * Returns the stored order and whether this call created it. A new order costs one SQL
     * statement (insert.ts: the location checks, the idempotency check and the insert at once);
     * a repeat of a stored one (same Idempotency-Key or reference) one more, to read it.
     */
    async accept(
      vendorId: string,
      input: CreateOrderInput,
      idempotencyKey: string | null,
    ): Promise<{ order: OrderWithEvents; created: boolean }> {
      const callerReference = input.reference ?? null;
      const requestHash = sha256Hex(canonicalJson(input));
      // A repeat is answered with the stored order (or 409 for another body under its key),
      // whatever changed since it was stored: menu, mapping, connection. Looked up only when
      // the new order cannot be stored, so a new order pays nothing for it.
      const repeat = async () => {
        if (idempotencyKey === null && callerReference === null) return null;
        const existing = await findExisting(vendorId, idempotencyKey, callerReference);
        return existing && { order: sameRequestOrConflict(existing, requestHash), created: false };
      };

      let candidate: NewOrder;
      try {
        candidate = await checkedOrder(vendorId, input, { idempotencyKey, callerReference, requestHash });
      } catch (err) {
        const stored = await repeat();
        if (stored) return stored;
        throw err;
      }
      const outcome = await inserter.insert(candidate);
      if (outcome.kind !== 'inserted') {
        // Two identical requests raced (the loser answers with the winner's order), a repeat, or
        // the location stopped taking orders after the checks above.
        const stored = await repeat();
        if (stored) return stored;
        if (outcome.kind === 'refused') {
          locations.forget(vendorId, input.locationId);
          assertTakesOrders(outcome.location);
        }
        throw new Error('order insert: a unique reference collided with a stored order');
      }
      const { order } = outcome;
      // Not awaited: the order is stored, which is all a 202 promises. Waiting would hang the
      // request for as long as Redis is away (its client queues commands until it reconnects);
      // a job that never makes it is the sweeper's to enqueue.
      void enqueuePush(queues, order, log);
      return { order, created: true };
    },

    async list(
      vendorId: string,
      filter: { status?: OrderStatus[]; locationId?: string; from?: Date; to?: Date; limit: number; cursor?: string },
    ) {
      const where: Prisma.OrderWhereInput = {
        vendorId,
        ...(filter.status?.length ? { status: { in: filter.status } } : {}),
        ...(filter.locationId ? { locationId: filter.locationId } : {}),
        ...(filter.from || filter.to
          ? { createdAt: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } }
          : {}),
      };
      const rows = await prisma.order.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: filter.limit + 1,
        ...(filter.cursor ? { cursor: { id: filter.cursor }, skip: 1 } : {}),
        include: withEvents,
      });
      const items = rows.slice(0, filter.limit);
      return { items, nextCursor: rows.length > filter.limit ? items[items.length - 1]!.id : null };
    },

    /** Orders waiting for an operator, across vendors unless one is given; most recently changed first. */
    async needingAttention(filter: { limit: number; vendorId?: string; status?: readonly OrderStatus[] }) {
      return prisma.order.findMany({
        where: {
          status: { in: [...(filter.status ?? ATTENTION_STATUSES)] },
          ...(filter.vendorId ? { vendorId: filter.vendorId } : {}),
        },
        orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
        take: filter.limit,
        include: { ...withEvents, vendor: { select: { name: true } }, location: { select: { name: true } } },
      });
    },

    /** Replays a FAILED or NEEDS_ATTENTION order's delivery, or a PAYMENT_FAILED order's payment (see replay.ts). */
    replay: createReplay(deps),
  };
}

export type OrderService = ReturnType<typeof createOrderService>;
