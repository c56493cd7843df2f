// Runs the BullMQ workers of this process and registers the periodic job schedulers.
// Shutdown: stop taking jobs and let running ones finish (worker.close()), then the caller
// closes Redis and Prisma.
import { UnrecoverableError, type Worker } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import { repeatQuietErrorLog } from '../lib/error-log.js';
import type { QueueProducers } from '../queues/producers.js';
import {
  createWorker,
  TypedQueue,
  type JobHandler,
  type PayloadOf,
  type QueueDefinition,
  type QueueSettings,
} from '../queues/typed-queue.js';

export interface ProcessorEntry<D extends QueueDefinition = QueueDefinition> {
  definition: D;
  handler: JobHandler<D>;
  /** Called once a job has failed for the last time (attempts exhausted or unrecoverable). */
  onFinalFailure?: (payload: PayloadOf<D>, err: Error) => Promise<void>;
}

export interface ScheduleEntry<D extends QueueDefinition = QueueDefinition> {
  definition: D;
  everyMs: number;
  payload: PayloadOf<D>;
}

export interface WorkerHost {
  workers: Worker[];
  close(): Promise<void>;
}

export async function startWorkers(deps: {
  settings: QueueSettings;
  queues: QueueProducers;
  log: FastifyBaseLogger;
  processors: ProcessorEntry[];
  schedules: ScheduleEntry[];
  concurrencyCap?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}): Promise<WorkerHost> {
  const workers = deps.processors.map(({ definition, handler, onFinalFailure }) => {
    const log = deps.log.child({ queue: definition.name });
    const concurrency = Math.min(definition.concurrency, deps.concurrencyCap ?? Number.POSITIVE_INFINITY);
    const worker = createWorker(definition, handler, deps.settings, {
      concurrency,
      lockDurationMs: deps.lockDurationMs,
      stalledIntervalMs: deps.stalledIntervalMs,
    });
    worker.on('failed', (job, err) => {
      const final = !job || err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
      log.warn(
        { jobId: job?.id, attemptsMade: job?.attemptsMade, final, err },
        final ? 'job failed for good' : 'job failed, will retry',
      );
      if (final && job && onFinalFailure) {
        onFinalFailure(job.data as never, err).catch((e: unknown) =>
          log.error({ err: e, jobId: job.id }, 'final-failure handler failed'),
        );
      }
    });
    worker.on('error', repeatQuietErrorLog(log, 'worker error'));
    return worker;
  });
  // Job schedulers are idempotent upserts: every worker process may declare them; BullMQ runs
  // each occurrence once across all processes.
  for (const schedule of deps.schedules) {
    // Producers are keyed by their QUEUES property (camelCase), not the queue name.
    const producer = (Object.values(deps.queues) as unknown[]).find(
      (q): q is TypedQueue<QueueDefinition> =>
        q instanceof TypedQueue && q.definition.name === schedule.definition.name,
    );
    if (!producer) continue;
    const declare = () =>
      producer.queue.upsertJobScheduler(
        `${schedule.definition.name}-every`,
        { every: schedule.everyMs },
        {
          name: schedule.definition.name,
          data: schedule.payload as object,
        },
      );
    await declare();
    // A Redis restarted without persistence (or flushed) loses the schedulers with every other
    // key, and nothing would declare them again before a worker restarts: the order sweeper, the
    // outbox's safety net that re-enqueues the lost jobs, would never run again. So declare them
    // again whenever the connection comes back.
    const client = await producer.queue.client;
    client.on('ready', () => {
      declare().catch((err: unknown) =>
        deps.log.warn({ err, queue: schedule.definition.name }, 'could not declare the job scheduler again'),
      );
    });
  }
  deps.log.info({ queues: deps.processors.map((p) => p.definition.name) }, 'workers started');
  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}

/** Pairs a queue with its handler, typing the payload from the queue's schema. */
export function defineProcessor<D extends QueueDefinition>(
  definition: D,
  handler: JobHandler<D>,
  onFinalFailure?: (payload: PayloadOf<D>, err: Error) => Promise<void>,
): ProcessorEntry {
  return { definition, handler, onFinalFailure } as unknown as ProcessorEntry;
}
