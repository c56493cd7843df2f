// What the order jobs need to talk to K-Series about one order, and the waiting rule they share.
import { DelayedError, type Job } from 'bullmq';
import type { PrismaClient } from '../../db/prisma.js';

/** How often a job waiting for a vendor's reconnect looks again. */
export const RECONNECT_POLL_MS = 5_000;

export async function loadOrderContext(prisma: PrismaClient, orderId: string) {
  const order = await prisma.order.findUnique({ where: { id: orderId }, include: { location: true } });
  if (!order) return null;
  const connection = await prisma.lightspeedConnection.findUnique({ where: { vendorId: order.vendorId } });
  const usable = connection?.status === 'CONNECTED' && connection.webhookEndpointId ? connection : null;
  return { order, connection: usable, endpointId: usable?.webhookEndpointId ?? null };
}

/**
 * The vendor is disconnected: park the job and look again shortly (a reconnect resumes it
 * within RECONNECT_POLL_MS). Throws BullMQ's DelayedError, which ends this run without
 * counting an attempt.
 */
export async function waitForReconnect(job: Job, token: string | undefined): Promise<never> {
  await job.moveToDelayed(Date.now() + RECONNECT_POLL_MS, token);
  throw new DelayedError();
}
