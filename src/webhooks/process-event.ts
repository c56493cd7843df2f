// The process-webhook job: one stored Lightspeed event, dispatched by kind. Safe to run twice:
// order and payment handlers are idempotent, and a processed event is skipped.
import type { FastifyBaseLogger } from 'fastify';
import type { PrismaClient } from '../db/prisma.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { OutcomeHandlers, OutcomeResult } from '../services/orders/outcomes.js';
import type { WebhookKind } from './classify.js';

export interface WebhookProcessorDeps {
  prisma: PrismaClient;
  outcomes: OutcomeHandlers;
  log: FastifyBaseLogger;
  /** Item availability or readiness changed at a K-Series location: drop cached catalog data. */
  invalidateLocationCache: (businessLocationId: bigint, kind: 'availability' | 'readiness') => Promise<void>;
}

type Body = Record<string, unknown>;

export function createWebhookProcessor(deps: WebhookProcessorDeps) {
  const { prisma, outcomes, log } = deps;

  /**
   * Readiness events can be processed out of order: the newest by K-Series' own `lastUpdatedAt`
   * (our receipt time when absent) wins, and on a tie the conservative NOT_READY does.
   */
  async function readiness(body: Body, receivedAt: Date): Promise<OutcomeResult> {
    const blId = toBigInt(body.businessLocationId);
    const status = typeof body.status === 'string' ? body.status : null;
    if (blId === null || !status) return { applied: false, orderId: null, vendorId: null, note: 'readiness without location or status' };
    const reported = typeof body.lastUpdatedAt === 'string' ? new Date(body.lastUpdatedAt) : null;
    const at = reported && !Number.isNaN(reported.getTime()) ? reported : receivedAt;
    const updated = await prisma.location.updateMany({
      where: {
        businessLocationId: blId,
        OR: [
          { readinessUpdatedAt: null },
          { readinessUpdatedAt: { lt: at } },
          ...(status === 'NOT_READY' ? [{ readinessUpdatedAt: at }] : []),
        ],
      },
      data: { readiness: status, readinessUpdatedAt: at },
    });
    await deps.invalidateLocationCache(blId, 'readiness');
    return { applied: updated.count > 0, orderId: null, vendorId: null, note: `${updated.count} location(s) now ${status}` };
  }

  async function itemAvailability(body: Body): Promise<OutcomeResult> {
    const blId = toBigInt(body.businessLocationId);
    if (blId === null) return { applied: false, orderId: null, vendorId: null, note: 'item event without location' };
    await deps.invalidateLocationCache(blId, 'availability');
    return { applied: true, orderId: null, vendorId: null, note: `availability of ${String(body.sku)} changed` };
  }

  async function dispatch(kind: WebhookKind, body: Body, receivedAt: Date): Promise<OutcomeResult> {
    switch (kind) {
      case 'ORDER':
        return outcomes.applyOrderNotification(body);
      case 'PAYMENT':
        return outcomes.applyPaymentNotification(body);
      case 'ORDER_API':
        return readiness(body, receivedAt);
      case 'ITEM':
        return itemAvailability(body);
      case 'RESERVATION':
        // Reservations-platform notifications are kept for the record; no feature consumes them yet.
        return { applied: false, orderId: null, vendorId: null, note: `reservation ${String(body.notificationType)} stored` };
      default:
        return { applied: false, orderId: null, vendorId: null, note: 'unknown notification shape stored' };
    }
  }

  return async function processWebhookEvent(eventId: string): Promise<void> {
    const event = await prisma.webhookEvent.findUnique({ where: { id: eventId } });
    if (!event || event.status === 'PROCESSED' || event.status === 'IGNORED') return;
    const body = (event.payload ?? {}) as Body;
    try {
      const result = await dispatch(event.type as WebhookKind, body, event.receivedAt);
      const ignored = result.orderId === null && (event.type === 'ORDER' || event.type === 'PAYMENT' || event.type === 'UNKNOWN');
      await prisma.webhookEvent.update({
        where: { id: eventId },
        data: {
          status: ignored ? 'IGNORED' : 'PROCESSED',
          processedAt: new Date(),
          attempts: { increment: 1 },
          error: result.note ?? null,
          ...(result.vendorId && !event.vendorId ? { vendorId: result.vendorId } : {}),
        },
      });
      const line = { eventId, type: event.type, orderId: result.orderId, applied: result.applied, note: result.note };
      if (ignored) log.warn(line, 'webhook event did not match anything of ours; kept');
      else log.info(line, 'webhook event processed');
    } catch (err) {
      await prisma.webhookEvent
        .update({ where: { id: eventId }, data: { attempts: { increment: 1 }, error: (err as Error).message.slice(0, 1000) } })
        .catch(() => {});
      throw err;
    }
  };
}

/** Marks an event that exhausted its retries, so an operator can find it. */
export async function markWebhookFailed(prisma: PrismaClient, eventId: string, error: string): Promise<void> {
  const data: Prisma.WebhookEventUpdateInput = { status: 'FAILED', error: error.slice(0, 1000) };
  await prisma.webhookEvent.update({ where: { id: eventId }, data });
}

function toBigInt(value: unknown): bigint | null {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value);
  return null;
}
