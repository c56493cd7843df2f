// vendor-callback: POSTs one order status change to the vendor's callback URL, signed with the
// vendor's secret. Non-2xx and network errors are retried with backoff (see src/queues/definitions.ts); every
// attempt is recorded on the delivery row, which the vendor can read through the API.
import type { FastifyBaseLogger } from 'fastify';
import { request } from 'undici';
import type { PrismaClient } from '../../db/prisma.js';
import type { SecretSealer } from '../../services/callbacks/service.js';
import { signCallback } from '../../services/callbacks/signing.js';
import { literalProblem, publicOnlyAgent } from '../../services/callbacks/url-guard.js';

const TIMEOUT_MS = 10_000;

export function createVendorCallbackProcessor(deps: {
  prisma: PrismaClient;
  sealer: SecretSealer;
  log: FastifyBaseLogger;
  /** CALLBACK_ALLOW_PRIVATE_NETWORKS: off, every delivery connects to public addresses only. */
  allowPrivateNetworks: boolean;
}) {
  const { prisma, sealer, log } = deps;
  // Checks each resolved address when connecting: the URL was checked at registration, but its
  // name may resolve elsewhere now.
  const dispatcher = deps.allowPrivateNetworks ? undefined : publicOnlyAgent();

  return {
    async process({ deliveryId }: { deliveryId: string }): Promise<string> {
      const delivery = await prisma.callbackDelivery.findUnique({
        where: { id: deliveryId },
        include: { order: { include: { vendor: { select: { id: true, callbackSecretEnc: true } } } } },
      });
      if (delivery?.status !== 'PENDING') return 'nothing to do';
      const event = await prisma.orderEvent.findUniqueOrThrow({ where: { id: delivery.orderEventId } });
      const { order } = delivery;
      const body = JSON.stringify({
        type: 'order.status_changed',
        deliveryId: delivery.id,
        // Callbacks can arrive out of order: the sequence orders them.
        sequence: Number(event.id),
        orderId: order.id,
        reference: order.reference,
        callerReference: order.callerReference,
        status: event.toStatus,
        previousStatus: event.fromStatus,
        reason: event.reason,
        accountIdentifier: order.accountIdentifier,
        occurredAt: event.createdAt.toISOString(),
      });
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-delivery-id': delivery.id };
      if (order.vendor.callbackSecretEnc) {
        const secret = sealer.open(order.vendor.id, order.vendor.callbackSecretEnc);
        headers['x-signature'] = signCallback(secret, body, Math.floor(Date.now() / 1000));
      }
      let status: number | null = null;
      let error: string | null = null;
      try {
        // An IP literal skips the lookup, so it is checked here. No redirect is followed.
        const literal = dispatcher ? literalProblem(new URL(delivery.url)) : null;
        if (literal) throw new Error(`refused: ${literal}`);
        const res = await request(delivery.url, {
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
      const ok = status !== null && status >= 200 && status < 300;
      await prisma.callbackDelivery.update({
        where: { id: delivery.id },
        data: {
          attempts: { increment: 1 },
          lastStatusCode: status,
          lastError: ok ? null : (error ?? `HTTP ${status}`),
          ...(ok ? { status: 'DELIVERED', deliveredAt: new Date() } : {}),
        },
      });
      if (!ok) {
        log.warn({ deliveryId, orderId: order.id, status, error }, 'vendor callback failed; will retry');
        throw new Error(`callback to the vendor failed: ${error ?? `HTTP ${status}`}`);
      }
      return 'delivered';
    },

    async onFinalFailure({ deliveryId }: { deliveryId: string }): Promise<void> {
      await prisma.callbackDelivery.updateMany({
        where: { id: deliveryId, status: 'PENDING' },
        data: { status: 'FAILED' },
      });
    },
  };
}
