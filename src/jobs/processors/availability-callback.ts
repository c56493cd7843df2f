// Availability push: when an ITEM webhook changes an item's availability at a K-Series location,
// every vendor owning a location mapped to it gets a signed status callback, so kiosks stop
// selling what the kitchen has run out of. Same URL, secret and signature as the vendor's order
// callbacks (X-Signature over "<t>.<raw body>"); retried with backoff by the queue. The body:
//   {type:"item.availability", id, sku, available, count, locationId, occurredAt}
// `count` null = no restriction; `id` is the same on every retry of one change (deduplicate on it).
import type { FastifyBaseLogger } from 'fastify';
import type { PrismaClient } from '../../db/prisma.js';
import type { CallbackHttp } from '../../services/callbacks/http.js';
import type { SecretSealer } from '../../services/callbacks/service.js';
import { signCallback } from '../../services/callbacks/signing.js';
import type { QueueProducers } from '../../queues/producers.js';

export interface AvailabilityChange {
  sku: string;
  available: boolean;
  count: number | null;
  occurredAt: string;
}

/**
 * An ITEM notification as the spec documents it: `status` RESTRICTED with the `count` left, or
 * NOT_RESTRICTED with `count` null. A RESTRICTED item without a count is read as sold out, the
 * safe reading for the merchant (the same rule as the catalog's availability answer).
 */
export function availabilityChange(payload: unknown, receivedAt: Date): AvailabilityChange | null {
  if (!payload || typeof payload !== 'object') return null;
  const body = payload as Record<string, unknown>;
  if (typeof body.sku !== 'string' || body.sku === '') return null;
  const restricted = body.status === 'RESTRICTED' || (body.status === undefined && typeof body.count === 'number');
  const count = restricted ? (typeof body.count === 'number' ? body.count : 0) : null;
  const reported = typeof body.countUpdatedAt === 'string' ? new Date(body.countUpdatedAt) : null;
  const at = reported && !Number.isNaN(reported.getTime()) ? reported : receivedAt;
  return { sku: body.sku, available: count === null || count > 0, count, occurredAt: at.toISOString() };
}

/**
 * The webhook processor's `pushAvailability`: one job per mapped location whose vendor has a
 * callback URL. The job id makes a re-processed event queue nothing new.
 */
export function availabilityPusher(deps: {
  prisma: PrismaClient;
  queues: Pick<QueueProducers, 'availabilityCallback'>;
}) {
  return async (businessLocationId: bigint, eventId: string): Promise<number> => {
    const locations = await deps.prisma.location.findMany({
      where: { businessLocationId, vendor: { callbackUrl: { not: null } } },
      select: { id: true },
    });
    for (const { id } of locations) {
      await deps.queues.availabilityCallback.add(
        { eventId, locationId: id },
        { jobId: `availability-${eventId}-${id}` },
      );
    }
    return locations.length;
  };
}

export function createAvailabilityCallbackProcessor(deps: {
  prisma: PrismaClient;
  sealer: SecretSealer;
  log: FastifyBaseLogger;
  /** The client every vendor callback goes through (keep-alive, SSRF guard): callbackHttpFor(). */
  http: CallbackHttp;
}) {
  const { prisma, sealer, log, http } = deps;

  return {
    async process({ eventId, locationId }: { eventId: string; locationId: string }): Promise<string> {
      const [event, location] = await Promise.all([
        prisma.webhookEvent.findUnique({ where: { id: eventId }, select: { payload: true, receivedAt: true } }),
        prisma.location.findUnique({
          where: { id: locationId },
          select: { id: true, vendor: { select: { id: true, callbackUrl: true, callbackSecretEnc: true } } },
        }),
      ]);
      // The event aged out, the location went, or the vendor cleared its URL since: nothing to tell.
      const url = location?.vendor.callbackUrl;
      if (!event || !location || !url) return 'nothing to do';
      const change = availabilityChange(event.payload, event.receivedAt);
      if (!change) return 'not an availability change';
      const { vendor } = location;
      const body = JSON.stringify({
        type: 'item.availability',
        id: `${eventId}:${locationId}`,
        sku: change.sku,
        available: change.available,
        count: change.count,
        locationId: location.id,
        occurredAt: change.occurredAt,
      });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (vendor.callbackSecretEnc) {
        const secret = sealer.open(vendor.id, vendor.callbackSecretEnc);
        headers['x-signature'] = signCallback(secret, body, Math.floor(Date.now() / 1000));
      }
      let status: number | null = null;
      let error: string | null = null;
      try {
        status = await http.post(url, headers, body);
      } catch (err) {
        error = (err as Error).message;
      }
      if (status !== null && status >= 200 && status < 300) return 'delivered';
      log.warn({ eventId, locationId, vendorId: vendor.id, status, error }, 'availability callback failed; will retry');
      throw new Error(`availability callback to the vendor failed: ${error ?? `HTTP ${status}`}`);
    },

    async onFinalFailure({ eventId, locationId }: { eventId: string; locationId: string }, err: Error): Promise<void> {
      log.error({ eventId, locationId, err: err.message }, 'availability callback given up after its retries');
    },
  };
}
