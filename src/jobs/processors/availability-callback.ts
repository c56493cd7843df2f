// Availability push: when an ITEM webhook changes an item's availability at a K-Series location,
// every vendor owning a location mapped to it gets a signed status callback, so kiosks stop
// selling what the kitchen has run out of. Same URL, secret and signature as the vendor's order
// callbacks (X-Signature over "<t>.<raw body>"); retried with backoff by the queue. The body:
//   {type:"item.availability", id, sku, available, count, locationId, occurredAt}
// `count` null = no restriction; `id` is the same on every retry of one change (deduplicate on it).
import type { FastifyBaseLogger } from 'fastify';
import { request } from 'undici';
import { literalProblem, publicOnlyAgent } from '../../services/callbacks/url-guard.js';
import type { PrismaClient } from '../../db/prisma.js';
import type { SecretSealer } from '../../services/callbacks/service.js';
import { signCallback } from '../../services/callbacks/signing.js';
import type { QueueProducers } from '../../queues/producers.js';

const TIMEOUT_MS = 10_000;

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
  /** CALLBACK_ALLOW_PRIVATE_NETWORKS, as for order callbacks (vendor-callback.ts). */
  allowPrivateNetworks: boolean;
}) {
  const { prisma, sealer, log } = deps;
  // The vendor's callback URL: public addresses only, checked at connection time (see url-guard.ts).
  const dispatcher = deps.allowPrivateNetworks ? undefined : publicOnlyAgent();

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
        // An IP literal skips the lookup, so it is checked here. No redirect is followed.
        const literal = dispatcher ? literalProblem(new URL(url)) : null;
        if (literal) throw new Error(`refused: ${literal}`);
        const res = await request(url, {
          ...(dispatcher ? { dispatcher } : {}),
          method: 'POST',
          headers,
          body,
          headersTimeout: TIMEOUT_MS,
          bodyTimeout: TIMEOUT_MS,
        });
        status = res.statusCode;
        await res.body.dump();
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
