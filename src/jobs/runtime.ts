// Everything a worker process runs, built from config: Prisma, queue producers, the services (from
// the composition root, src/services/index.ts), processors and schedules. Used by the worker
// entry, the dev entry and tests that need real workers.
import type { FastifyBaseLogger } from 'fastify';
import { Registry } from 'prom-client';
import type { Config } from '../config.js';
import { createPrisma, type PrismaClient } from '../db/prisma.js';
import { buildServices, type Services } from '../services/index.js';
import { repeatQuietErrorLog } from '../lib/error-log.js';
import { closeRedis, createRedis, redisKey } from '../lib/redis.js';
import { createProcessors } from './processors/index.js';
import { createProducers, queueSettings, type QueueProducers } from '../queues/producers.js';
import { recordJobOutcomes, registerQueueMetrics } from './queue-metrics.js';
import { startWorkers, type WorkerHost } from './worker-host.js';

export interface WorkerRuntime {
  host: WorkerHost;
  queues: QueueProducers;
  prisma: PrismaClient;
  registry: Registry;
  services: Services;
  close(): Promise<void>;
}

export async function startWorkerRuntime(options: {
  config: Config;
  log: FastifyBaseLogger;
  /** A Prisma client owned by the caller; it is then left open on close. */
  prisma?: PrismaClient;
}): Promise<WorkerRuntime> {
  const { config, log } = options;
  const prisma = options.prisma ?? createPrisma(config.DATABASE_URL);
  const registry = new Registry();
  const settings = queueSettings(config);
  const queues = createProducers(settings, repeatQuietErrorLog(log, 'queue connection error'));
  const redis = createRedis(config.REDIS_URL);
  redis.on('error', repeatQuietErrorLog(log, 'redis connection error'));
  const keys = { redis, redisKey: (...parts: string[]) => redisKey(config.REDIS_PREFIX, ...parts) };
  // The outcome handlers wake this process's callback dispatcher, which the processors build.
  let wakeCallbacks: (() => void) | undefined;
  const services = buildServices({
    config,
    prisma,
    ...keys,
    queues,
    log,
    registry,
    wakeCallbacks: () => wakeCallbacks?.(),
  });
  const { processors, schedules, callbacks, orderWork } = createProcessors({
    config,
    prisma,
    log,
    queues,
    services,
    keys,
    registry,
  });
  wakeCallbacks = callbacks.wake;
  const host = await startWorkers({
    settings,
    queues,
    log,
    processors,
    schedules,
    concurrencyCap: config.WORKER_CONCURRENCY,
    lockDurationMs: config.WORKER_LOCK_DURATION_MS,
    stalledIntervalMs: config.WORKER_STALLED_INTERVAL_MS,
  });
  // Queue depth, job age and job outcomes on the worker's /metrics (see ./queue-metrics.ts).
  registerQueueMetrics({ registry, queues, ...keys });
  const outcomes = recordJobOutcomes({
    workers: host.workers,
    ...keys,
    onError: (err) => log.warn({ err }, 'could not record job outcomes'),
  });
  return {
    host,
    queues,
    prisma,
    registry,
    services,
    async close() {
      await callbacks.close();
      await orderWork.close();
      await host.close();
      await outcomes.close();
      await queues.close();
      await services.close();
      await closeRedis(redis);
      if (!options.prisma) await prisma.$disconnect();
    },
  };
}
