// The claim loop of the order outbox: one per worker process claims due pushes and payments from
// the orders table in batches (./order-work-queries.ts) and runs each with push-order or
// apply-payment. This replaces a BullMQ job per order per step (about 1 ms of Node and 0.6 ms of
// Redis each): a batch costs one statement, whatever its size.
//
// Exactly once stays with K-Series' references (the order's thirdPartyReference, the payment's
// reference fixed per attempt); the claim only keeps two workers from running the same task side
// by side. A claim is a lease renewed while the task runs: a worker that dies leaves it to run
// out, and another worker takes the task over. The loop claims when woken (the API accepted an
// order, an outcome made a payment due: see src/queues/wake.ts) and every pollMs regardless, so a
// lost wake-up costs latency, never an order.
import type { FastifyBaseLogger } from 'fastify';
import { poolOf, type PrismaClient } from '../../db/prisma.js';
import { startClaimLoop } from '../../lib/claim-loop.js';
import type { OrderTask } from './order-context.js';
import {
  claimDueOrders,
  postponeOrderTask,
  renewOrderLeases,
  retryOrderTask,
  type ClaimedOrder,
} from './order-work-queries.js';

export interface OrderWorkOptions {
  /** Orders claimed per statement. */
  batchSize?: number;
  /** How often an idle loop looks for work nobody announced. */
  pollMs?: number;
  /** How long a claim lasts unless renewed; renewed every half of it while the task runs. */
  leaseMs?: number;
  /** Tasks running at once in this process (the K-Series client still limits each connection). */
  maxInFlight?: number;
  /** Failed attempts (retryable errors) before the order goes to an operator. */
  maxAttempts?: number;
  /** The wait after the first failed attempt, doubling after each further one. */
  baseBackoffMs?: number;
  /** How long a wake-up waits for others to join its claim. */
  batchWindowMs?: number;
}

export interface OrderWork {
  /** Looks for due orders now. */
  wake(): void;
  /** Stops claiming and lets running tasks finish. */
  close(): Promise<void>;
}

/** The wait before attempt `failed + 1`, as BullMQ's exponential backoff counted it. */
export const retryDelayMs = (baseMs: number, failed: number) => baseMs * 2 ** (failed - 1);

export function startOrderWork(
  deps: { prisma: PrismaClient; push: OrderTask; pay: OrderTask; log: FastifyBaseLogger },
  options: OrderWorkOptions = {},
): OrderWork {
  const { log, push, pay } = deps;
  const pool = poolOf(deps.prisma);
  const batchSize = options.batchSize ?? 100;
  const leaseMs = options.leaseMs ?? 30_000;
  const maxInFlight = options.maxInFlight ?? 100;
  const maxAttempts = options.maxAttempts ?? 12;
  const baseBackoffMs = options.baseBackoffMs ?? 1_000;
  const batchWindowMs = options.batchWindowMs ?? 5;

  const running = new Set<Promise<void>>();
  // The tasks whose leases this loop renews: a task leaves before its outcome is written, so a
  // renewal does not undo a retry's backoff.
  const leased = new Map<string, ClaimedOrder>();

  async function fail(task: OrderTask, order: ClaimedOrder, err: Error): Promise<void> {
    const failed = order.workAttempts + 1;
    // Counted first: if giving up fails too, the order comes back after the backoff and gives up then.
    await retryOrderTask(pool, order, retryDelayMs(baseBackoffMs, failed));
    if (failed >= maxAttempts) await task.onFinalFailure(order.id, err);
  }

  async function run(order: ClaimedOrder): Promise<void> {
    const task = order.status === 'RECEIVED' ? push : pay;
    let outcome: Awaited<ReturnType<OrderTask['process']>>;
    try {
      outcome = await task.process(order);
    } catch (err) {
      leased.delete(order.id);
      await fail(task, order, err as Error);
      return;
    }
    leased.delete(order.id);
    if (typeof outcome !== 'string') await postponeOrderTask(pool, order, outcome.postponedMs);
  }

  function start(order: ClaimedOrder): void {
    leased.set(order.id, order);
    const done: Promise<void> = run(order)
      .catch((err: unknown) => {
        // Postgres away while recording the outcome: the lease runs out and the task runs again,
        // which K-Series' references make harmless.
        log.warn({ err, orderId: order.id }, 'could not record an order task; it runs again after its lease');
      })
      .finally(() => {
        leased.delete(order.id);
        running.delete(done);
        loop.released();
      });
    running.add(done);
  }

  function renew(): void {
    if (leased.size === 0) return;
    const orders = [...leased.values()];
    renewOrderLeases(pool, orders, leaseMs).catch((err: unknown) =>
      log.warn({ err }, 'could not renew order leases; another worker may run them again'),
    );
  }

  const loop = startClaimLoop({
    room: () => Math.min(batchSize, maxInFlight - running.size),
    async claim(room) {
      const batch = await claimDueOrders(pool, room, leaseMs);
      for (const order of batch) start(order);
      return batch.length;
    },
    onError: (err) => log.warn({ err }, 'could not claim due orders; will try again'),
    batchWindowMs,
    pollMs: options.pollMs ?? 500,
  });
  const renewal = setInterval(renew, Math.max(100, Math.floor(leaseMs / 2)));
  renewal.unref();

  return {
    wake: loop.wake,
    async close() {
      await loop.close();
      // Running tasks finish (their leases still renewed), as BullMQ's worker.close() let them.
      await Promise.all([...running]);
      clearInterval(renewal);
    },
  };
}
