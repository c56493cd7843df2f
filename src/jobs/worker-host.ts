// Runs the BullMQ workers of this process. Shutdown: stop taking jobs and let running ones
// finish (worker.close()), then the caller closes Redis and Prisma.
import type { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { PrismaClient } from '../db/prisma.js';
import { createWorker, type JobHandler, type QueueDefinition, type QueueSettings } from './registry.js';

export interface ProcessorEntry<D extends QueueDefinition = QueueDefinition> {
  definition: D;
  handler: JobHandler<D>;
}

export interface WorkerHostDeps {
  config: Config;
  prisma: PrismaClient;
  log: Logger;
  processors: ProcessorEntry[];
}

export interface WorkerHost {
  workers: Worker[];
  close(): Promise<void>;
}

export function startWorkers(deps: WorkerHostDeps): WorkerHost {
  const settings: QueueSettings = {
    connection: { url: deps.config.REDIS_URL, maxRetriesPerRequest: null },
    prefix: deps.config.REDIS_PREFIX,
  };
  const workers = deps.processors.map(({ definition, handler }) => {
    const log = deps.log.child({ queue: definition.name });
    const worker = createWorker(definition, handler, settings);
    worker.on('failed', (job, err) => {
      log.warn({ jobId: job?.id, attemptsMade: job?.attemptsMade, err }, 'job failed');
    });
    worker.on('error', (err) => log.error({ err }, 'worker error'));
    return worker;
  });
  deps.log.info({ queues: deps.processors.map((p) => p.definition.name) }, 'workers started');
  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
