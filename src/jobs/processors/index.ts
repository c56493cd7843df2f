// Pairs every queue in src/queues/definitions.ts with its processor, and declares the periodic
// schedules.
import { catalogInvalidator } from '../../services/catalog.js';
import { startCallbackDispatcher, type CallbackDispatcher } from '../../services/callbacks/dispatcher.js';
import { callbackHttpFor } from '../../services/callbacks/http.js';
import { cipherSealer } from '../../services/callbacks/service.js';
import { createWebhookProcessor, markWebhookFailed } from './apply-webhook-events.js';
import { QUEUES } from '../../queues/definitions.js';
import { subscribeToWake, wakeChannelName } from '../../queues/wake.js';
import { repeatQuietErrorLog } from '../../lib/error-log.js';
import { defineProcessor, type ProcessorEntry, type ScheduleEntry } from '../worker-host.js';
import { createApplyPaymentProcessor } from './apply-payment.js';
import { availabilityPusher, createAvailabilityCallbackProcessor } from './availability-callback.js';
import { financialJobs } from './financial-sync.js';
import type { ProcessorDeps, ProcessorSet } from './processor-deps.js';
import { createTokenJobs } from './lightspeed-tokens.js';
import { createOrderSweeper } from './order-sweeper.js';
import { startOrderWork, type OrderWork } from './order-work.js';
import { createPushOrderProcessor } from './push-order.js';
import { createReconcileProcessor } from './reconcile-order.js';
import { createWebhookRetention } from './webhook-retention.js';

export type { ProcessorDeps, ProcessorSet } from './processor-deps.js';

export interface WorkerProcessors extends ProcessorSet {
  /** Delivers vendor callbacks from the outbox; not a queue (see services/callbacks/dispatcher.ts). */
  callbacks: CallbackDispatcher;
  /** Claims due order pushes and payments from Postgres; not a queue (see ./order-work.ts). */
  orderWork: OrderWork;
}

export function createProcessors(deps: ProcessorDeps): WorkerProcessors {
  const { config, prisma, log, queues } = deps;
  const { kseries, cipher, tokens } = deps.services.core;
  const orderUpdates = deps.services.orderUpdates;
  // Every vendor callback (order status and item availability) goes through this one client.
  const callbackHttp = callbackHttpFor(config.CALLBACK_ALLOW_PRIVATE_NETWORKS);
  const callbacks = startCallbackDispatcher({ prisma, sealer: cipherSealer(cipher), log, http: callbackHttp });
  const processWebhook = createWebhookProcessor({
    prisma,
    orderUpdates,
    log,
    invalidateLocationCache: catalogInvalidator(deps.keys),
    pushAvailability: availabilityPusher({ prisma, queues }),
  });
  const push = createPushOrderProcessor({ prisma, kseries, orderUpdates, log });
  const pay = createApplyPaymentProcessor({ prisma, kseries, orderUpdates, log });
  const claimer = startOrderWork(
    { prisma, push, pay, log },
    // A claim is held as long as a BullMQ job lock was, and as many tasks run as both queues ran.
    { leaseMs: config.WORKER_LOCK_DURATION_MS, maxInFlight: 2 * Math.min(50, config.WORKER_CONCURRENCY) },
  );
  const wakeSubscription = subscribeToWake(
    deps.keys.redis.duplicate(),
    wakeChannelName(config.REDIS_PREFIX, 'order-work'),
    claimer.wake,
    repeatQuietErrorLog(log, 'order wake-up subscription error'),
  );
  const orderWork = {
    wake: claimer.wake,
    async close() {
      await wakeSubscription.close();
      await claimer.close();
    },
  };
  const reconcile = createReconcileProcessor({
    prisma,
    kseries,
    orderUpdates,
    log,
    giveUpAfterMs: config.ORDER_DELIVERY_DEADLINE_SECONDS * 1000,
  });
  const availabilityCallback = createAvailabilityCallbackProcessor({
    prisma,
    sealer: cipherSealer(cipher),
    log,
    http: callbackHttp,
  });
  const sweep = createOrderSweeper({
    prisma,
    queues,
    log,
    outcomeTimeoutMs: config.ORDER_OUTCOME_TIMEOUT_SECONDS * 1000,
  });

  const tokenJobs = createTokenJobs({
    prisma,
    queues,
    tokens,
    cipher,
    log,
    refreshAheadMs: config.LIGHTSPEED_TOKEN_REFRESH_AHEAD_SECONDS * 1000,
    sweepIntervalMs: config.LIGHTSPEED_TOKEN_SWEEP_SECONDS * 1000,
  });

  const financial = financialJobs(deps);
  const webhookRetention = createWebhookRetention({
    prisma,
    log,
    registry: deps.registry,
    retentionDays: config.WEBHOOK_EVENT_RETENTION_DAYS,
  });

  const processors: ProcessorEntry[] = [
    defineProcessor(
      QUEUES.processWebhook,
      async ({ eventIds }) => processWebhook(eventIds),
      async ({ eventIds }, err) => markWebhookFailed(prisma, eventIds, err.message),
    ),
    defineProcessor(QUEUES.reconcileOrder, reconcile),
    defineProcessor(QUEUES.availabilityCallback, availabilityCallback.process, availabilityCallback.onFinalFailure),
    defineProcessor(QUEUES.orderSweeper, async () => sweep()),
    defineProcessor(QUEUES.lightspeedTokenSweep, async () => tokenJobs.sweep()),
    defineProcessor(QUEUES.lightspeedTokenRefresh, async (payload) => tokenJobs.refresh(payload)),
    ...financial.processors,
    defineProcessor(QUEUES.webhookRetention, async () => webhookRetention()),
  ];
  const schedules: ScheduleEntry[] = [
    { definition: QUEUES.orderSweeper, everyMs: config.ORDER_SWEEP_INTERVAL_SECONDS * 1000, payload: {} },
    { definition: QUEUES.lightspeedTokenSweep, everyMs: config.LIGHTSPEED_TOKEN_SWEEP_SECONDS * 1000, payload: {} },
    ...financial.schedules,
    {
      definition: QUEUES.webhookRetention,
      everyMs: config.WEBHOOK_EVENT_RETENTION_INTERVAL_SECONDS * 1000,
      payload: {},
    },
  ];
  return { processors, schedules, callbacks, orderWork };
}
