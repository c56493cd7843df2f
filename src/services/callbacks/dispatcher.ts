// Delivers the callback outbox: one loop per worker process claims due deliveries in batches
// (callback_claim), POSTs them grouped by vendor endpoint over kept-alive connections, and
// records each group's attempts in one statement. Per order, callbacks go out one after another
// in sequence order, and a failure holds back the order's later callbacks until it is retried
// (backoff doubling from 2 s, FAILED after 10 attempts, as the BullMQ job it replaces did).
// Delivery is at least once: a worker that dies mid-batch leaves its lease to expire, and the
// callbacks may be sent again; vendors de-duplicate by X-Delivery-Id.
import type { FastifyBaseLogger } from 'fastify';
import { poolOf, type PrismaClient } from '../../db/prisma.js';
import { startClaimLoop } from '../../lib/claim-loop.js';
import { createCallbackHttp, type CallbackHttp } from './http.js';
import { claimDueCallbacks, recordCallbackAttempts, type CallbackAttempt, type DueCallback } from './outbox.js';
import type { SecretSealer } from './service.js';
import { signCallback } from './signing.js';

export interface CallbackDispatcherOptions {
  /** Deliveries claimed per statement. */
  batchSize?: number;
  /** How often an idle dispatcher looks for work that no local transition announced. */
  pollMs?: number;
  /** How long a claimed delivery stays with this dispatcher before another may take it. */
  leaseMs?: number;
  maxAttempts?: number;
  baseBackoffMs?: number;
  /** Deliveries in flight at once, all endpoints together. */
  maxInFlight?: number;
  /** How long a wake-up waits for others to join its claim. */
  batchWindowMs?: number;
  /** Orders sent side by side to one endpoint (its kept-alive connections). */
  perEndpoint?: number;
}

export interface CallbackDispatcher {
  /** Looks for due deliveries now (a transition just wrote one). */
  wake(): void;
  close(): Promise<void>;
}

export function startCallbackDispatcher(
  deps: { prisma: PrismaClient; sealer: SecretSealer; log: FastifyBaseLogger; http?: CallbackHttp },
  options: CallbackDispatcherOptions = {},
): CallbackDispatcher {
  const { log, sealer } = deps;
  const pool = poolOf(deps.prisma);
  const http = deps.http ?? createCallbackHttp({ connectionsPerEndpoint: options.perEndpoint ?? 32 });
  const batchSize = options.batchSize ?? 200;
  const leaseMs = options.leaseMs ?? 120_000;
  const maxAttempts = options.maxAttempts ?? 10;
  const baseBackoffMs = options.baseBackoffMs ?? 2_000;
  const maxInFlight = options.maxInFlight ?? 1_000;
  const perEndpoint = options.perEndpoint ?? 32;

  let inFlight = 0;
  const lanes = new Set<Promise<void>>();
  // Decrypting a secret per callback would cost an AES-GCM open each; the sealed value changes
  // whenever the vendor's secret does, so it keys the cache.
  const secrets = new Map<string, string>();

  function secretOf(c: DueCallback): string | null {
    if (!c.sealedSecret) return null;
    let secret = secrets.get(c.sealedSecret);
    if (secret === undefined) {
      if (secrets.size >= 1_000) secrets.clear();
      secret = sealer.open(c.vendorId, c.sealedSecret);
      secrets.set(c.sealedSecret, secret);
    }
    return secret;
  }

  async function send(c: DueCallback): Promise<CallbackAttempt> {
    const body = JSON.stringify({
      type: 'order.status_changed',
      deliveryId: c.id,
      // Callbacks can arrive out of order: the sequence orders them.
      sequence: c.sequence,
      orderId: c.orderId,
      reference: c.reference,
      callerReference: c.callerReference,
      status: c.status,
      previousStatus: c.previousStatus,
      reason: c.reason,
      accountIdentifier: c.accountIdentifier,
      occurredAt: c.occurredAt.toISOString(),
    });
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-delivery-id': c.id };
    const secret = secretOf(c);
    if (secret) headers['x-signature'] = signCallback(secret, body, Math.floor(Date.now() / 1000));
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      statusCode = await http.post(c.url, headers, body);
    } catch (err) {
      error = (err as Error).message;
    }
    const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
    if (!ok) {
      log.warn(
        { deliveryId: c.id, orderId: c.orderId, status: statusCode, error },
        'vendor callback failed; will retry',
      );
    }
    return {
      id: c.id,
      ok,
      statusCode,
      error: ok ? null : (error ?? `HTTP ${statusCode}`),
      retryInMs: ok ? 0 : baseBackoffMs * 2 ** c.attempts,
    };
  }

  /** One endpoint's share of a batch: orders side by side, each order's callbacks in sequence. */
  async function deliverToEndpoint(group: DueCallback[]): Promise<void> {
    const byOrder = new Map<string, DueCallback[]>();
    for (const c of group) {
      const chain = byOrder.get(c.orderId);
      if (chain) chain.push(c);
      else byOrder.set(c.orderId, [c]);
    }
    const chains = [...byOrder.values()];
    const attempts: CallbackAttempt[] = [];
    let next = 0;
    async function runChains() {
      while (next < chains.length) {
        const chain = chains[next++]!;
        let failed = false;
        for (const c of chain) {
          if (failed) {
            attempts.push({ id: c.id, ok: null, statusCode: null, error: null, retryInMs: 0 });
            continue;
          }
          const attempt = await send(c);
          attempts.push(attempt);
          failed = !attempt.ok;
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(perEndpoint, chains.length) }, runChains));
    try {
      await recordCallbackAttempts(pool, attempts, maxAttempts);
    } catch (err) {
      // The lease runs out and the deliveries are sent again: at least once, never lost.
      log.warn({ err, deliveries: attempts.length }, 'could not record vendor callback attempts');
    }
  }

  function dispatch(batch: DueCallback[]) {
    const byEndpoint = new Map<string, DueCallback[]>();
    for (const c of batch) {
      const group = byEndpoint.get(c.url);
      if (group) group.push(c);
      else byEndpoint.set(c.url, [c]);
    }
    for (const group of byEndpoint.values()) {
      inFlight += group.length;
      const lane: Promise<void> = deliverToEndpoint(group).finally(() => {
        inFlight -= group.length;
        lanes.delete(lane);
        loop.released();
      });
      lanes.add(lane);
    }
  }

  // Under load every transition wakes the dispatcher: the loop lets the wake-ups of a short
  // window share one claim, which would otherwise be a statement per callback again.
  const loop = startClaimLoop({
    room: () => Math.min(batchSize, maxInFlight - inFlight),
    async claim(room) {
      const batch = await claimDueCallbacks(pool, room, leaseMs);
      if (batch.length > 0) dispatch(batch);
      return batch.length;
    },
    onError: (err) => log.warn({ err }, 'could not claim vendor callbacks; will try again'),
    batchWindowMs: options.batchWindowMs ?? 20,
    pollMs: options.pollMs ?? 250,
  });

  return {
    wake: loop.wake,
    async close() {
      await loop.close();
      await Promise.all([...lanes]);
      await http.close();
    },
  };
}
