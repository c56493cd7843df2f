// Every queue of the service, in one place: name, payload schema, job options and job ids.
// Producers import the definition to enqueue;
// the worker entry (src/worker.ts) pairs each with its processor from ./processors/.
// Job data carries ids only: the worker reads the rest (and any credential) itself.
// Pushing orders to K-Series and applying their payments are not queues: the worker claims them
// from the orders table in batches (src/jobs/processors/order-work.ts).
import { z } from 'zod';
import { defineQueue, type QueueDefinition } from './typed-queue.js';

const uuid = z.uuid();
/** The most webhook events one process-webhook job carries. */
export const WEBHOOK_BATCH_MAX = 500;
const keepFinished = { removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 7 * 24 * 3600 } };

export const QUEUES = {
  /**
   * Processes a batch of stored Lightspeed webhook events: those one insert batch stored, or
   * those the sweeper found stuck. One job per batch, not per event: a job costs ~10 Redis
   * commands. Ids are in arrival order, which the processor keeps per order and per location.
   */
  processWebhook: defineQueue({
    name: 'process-webhook',
    payload: z.object({ eventIds: z.array(uuid).min(1).max(WEBHOOK_BATCH_MAX) }),
    jobOptions: { attempts: 8, backoff: { type: 'exponential', delay: 500 }, ...keepFinished },
    concurrency: 50,
  }),
  /** Asks K-Series what became of an order whose outcome never arrived. */
  reconcileOrder: defineQueue({
    name: 'reconcile-order',
    payload: z.object({ orderId: uuid }),
    jobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 5_000 }, ...keepFinished },
    concurrency: 10,
  }),
  /**
   * POSTs one item-availability change (a stored ITEM webhook event) to the vendor owning one
   * mapped location, signed like order callbacks.
   */
  availabilityCallback: defineQueue({
    name: 'vendor-availability-callback',
    payload: z.object({ eventId: uuid, locationId: uuid }),
    jobOptions: { attempts: 10, backoff: { type: 'exponential', delay: 2_000 }, ...keepFinished },
    concurrency: 20,
  }),
  /** Periodic: re-enqueues webhook batches whose job went missing, and times orders out. */
  orderSweeper: defineQueue({
    name: 'order-sweeper',
    payload: z.object({}),
    jobOptions: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 },
    concurrency: 1,
  }),
  /** Periodic: finds Lightspeed connections nearing token expiry (and stale-key ciphertexts). */
  lightspeedTokenSweep: defineQueue({
    name: 'lightspeed-token-sweep',
    payload: z.object({}),
    jobOptions: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 },
    concurrency: 1,
  }),
  /** Refreshes one connection's access token ahead of expiry (ids only, never tokens). */
  lightspeedTokenRefresh: defineQueue({
    name: 'lightspeed-token-refresh',
    payload: z.object({ connectionId: uuid }),
    jobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 10_000 }, ...keepFinished },
    concurrency: 5,
  }),
  /**
   * Syncs one location's financial and item data. `trigger` decides how long a run that finds
   * the location's lock taken waits: a scheduled tick a while, a request until its turn.
   */
  financialSync: defineQueue({
    name: 'financial-sync',
    payload: z.object({ locationId: uuid, trigger: z.enum(['schedule', 'manual', 'backfill']).default('schedule') }),
    jobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 30_000 }, ...keepFinished },
    concurrency: 5,
  }),
  /** Periodic: keeps one financial-sync job scheduler per connected, mapped location. */
  financialSchedules: defineQueue({
    name: 'financial-schedules',
    payload: z.object({}),
    jobOptions: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 },
    concurrency: 1,
  }),
  /** Periodic: deletes processed and ignored webhook events past WEBHOOK_EVENT_RETENTION_DAYS. */
  webhookRetention: defineQueue({
    name: 'webhook-retention',
    payload: z.object({}),
    // A run that failed (Postgres away) is retried within minutes rather than a whole interval
    // later; each batch commits on its own, so a retry just carries on.
    jobOptions: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 60_000 },
      removeOnComplete: 100,
      removeOnFail: 100,
    },
    concurrency: 1,
  }),
} satisfies Record<string, QueueDefinition>;

export type Queues = typeof QUEUES;

/**
 * Job ids, for producers and the sweeper alike. BullMQ ignores an add whose id still exists,
 * which makes each enqueue idempotent within the id's scope.
 */
export const JOB_IDS = {
  /** One reconcile per order per outcome-timeout window. */
  reconcileOrder: (orderId: string, window: number) => `reconcile-${orderId}-${window}`,
  /** A stored batch is named by its first event. */
  processWebhook: (firstEventId: string) => `wh-${firstEventId}`,
  /** What the sweeper re-enqueues, once per minute at most. */
  sweptWebhooks: (minute: number, firstEventId: string) => `wh-sweep-${minute}-${firstEventId}`,
  lightspeedTokenRefresh: (connectionId: string, tick: number) => `token-refresh-${connectionId}-${tick}`,
} as const;
