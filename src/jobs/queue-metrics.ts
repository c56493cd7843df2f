// Queue metrics for /metrics, the same in the API and the worker process.
// - Gauges read from Redis at scrape time, so they describe the whole deployment (every process
//   reports the same numbers: aggregate with max(), not sum()): jobs per state, and the age of
//   the oldest job waiting to be picked up.
// - Job outcomes (completed, retried, failed for good, stalled) happen in the worker processes;
//   each counts them in memory and adds them to one Redis hash every second, so every process
//   exports deployment-wide totals as well.
// A scrape never hangs on a lost Redis: after SCRAPE_TIMEOUT_MS the gauges are dropped and
// queue_metrics_up says 0.
import { UnrecoverableError, type Job, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { Counter, Gauge, type Registry } from 'prom-client';
import { reportOnceQuiet } from '../lib/error-log.js';
import type { QueueProducers } from '../queues/producers.js';
import { TypedQueue, type QueueDefinition } from '../queues/typed-queue.js';

export const JOB_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'paused',
  'failed',
  'completed',
] as const;
export const JOB_OUTCOMES = ['completed', 'retried', 'failed', 'stalled'] as const;
export type JobOutcome = (typeof JOB_OUTCOMES)[number];

const SCRAPE_TIMEOUT_MS = 2_000;
/** One Redis read serves every metric of a scrape (and scrapes in quick succession). */
const SNAPSHOT_TTL_MS = 1_000;
const FLUSH_INTERVAL_MS = 1_000;

/** The Redis hash (under REDIS_PREFIX) holding "queue|outcome" -> count. */
export const outcomesKey = (redisKey: (...parts: string[]) => string) => redisKey('queue-metrics', 'outcomes');

interface QueueSnapshot {
  counts: Record<string, number>;
  oldestWaitingSeconds: number;
}

interface Snapshot {
  queues: Map<string, QueueSnapshot>;
  outcomes: Map<string, number>;
}

/** Every queue of the registry, as its producer. */
export function typedQueues(queues: QueueProducers): TypedQueue<QueueDefinition>[] {
  return (Object.values(queues) as unknown[]).filter((q): q is TypedQueue<QueueDefinition> => q instanceof TypedQueue);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`queue metrics: Redis did not answer within ${ms} ms`)), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** Seconds since the oldest waiting job became runnable (created, plus any delay it asked for). */
function waitingAge(job: Job | undefined, now: number): number {
  if (!job) return 0;
  const runnableAt = job.timestamp + (job.opts.delay ?? 0);
  return Math.max(0, (now - runnableAt) / 1000);
}

async function readQueue(queue: TypedQueue<QueueDefinition>): Promise<QueueSnapshot> {
  const [counts, oldest] = await Promise.all([
    queue.queue.getJobCounts(...JOB_STATES),
    // Waiting jobs are pushed on the left and taken from the right: ascending order = oldest first.
    queue.queue.getJobs(['wait'], 0, 0, true),
  ]);
  return { counts, oldestWaitingSeconds: waitingAge(oldest[0], Date.now()) };
}

/** Registers the queue gauges and outcome counters on `registry`. */
export function registerQueueMetrics(deps: {
  registry: Registry;
  queues: QueueProducers;
  /** A connection used for the outcome hash only. */
  redis: Redis;
  redisKey: (...parts: string[]) => string;
}): void {
  const { registry } = deps;
  if (registry.getSingleMetric('queue_jobs')) return;
  const queues = typedQueues(deps.queues);
  const hash = outcomesKey(deps.redisKey);

  let cached: { at: number; value: Promise<Snapshot | null> } | null = null;
  const scrapeErrors = new Counter({
    name: 'queue_metrics_scrape_errors_total',
    help: 'Scrapes whose queue metrics could not be read from Redis (the gauges were left out)',
    registers: [registry],
    // Reported after this scrape's read, so a failing scrape counts itself.
    async collect() {
      await snapshot();
    },
  });

  async function read(): Promise<Snapshot> {
    const [perQueue, raw] = await Promise.all([Promise.all(queues.map(readQueue)), deps.redis.hgetall(hash)]);
    const outcomes = new Map(Object.entries(raw).map(([field, value]) => [field, Number(value)]));
    return { queues: new Map(queues.map((q, i) => [q.definition.name, perQueue[i]!])), outcomes };
  }

  /** At most one Redis read in flight; a failed or slow read yields null. */
  function snapshot(): Promise<Snapshot | null> {
    if (cached && Date.now() - cached.at < SNAPSHOT_TTL_MS) return cached.value;
    const value = withTimeout(read(), SCRAPE_TIMEOUT_MS).catch(() => {
      scrapeErrors.inc();
      return null;
    });
    cached = { at: Date.now(), value };
    return value;
  }

  new Gauge({
    name: 'queue_metrics_up',
    help: '1 when the last scrape could read the queues from Redis, 0 when it could not',
    registers: [registry],
    async collect() {
      this.set((await snapshot()) ? 1 : 0);
    },
  });

  new Gauge({
    name: 'queue_jobs',
    help: 'Jobs per queue and state, deployment-wide (failed/completed: those still kept)',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const snap = await snapshot();
      for (const [queue, q] of snap?.queues ?? []) {
        for (const state of JOB_STATES) this.set({ queue, state }, q.counts[state] ?? 0);
      }
    },
  });

  new Gauge({
    name: 'queue_oldest_waiting_job_age_seconds',
    help: 'How long the oldest job waiting for a worker has been runnable, per queue (0 when none waits)',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const snap = await snapshot();
      for (const [queue, q] of snap?.queues ?? []) this.set({ queue }, q.oldestWaitingSeconds);
    },
  });

  new Counter({
    name: 'queue_job_outcomes_total',
    help: 'Job attempts by outcome, deployment-wide: completed, retried (failed, will retry), failed (for good), stalled (worker lost)',
    labelNames: ['queue', 'outcome'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const snap = await snapshot();
      for (const [field, value] of snap?.outcomes ?? []) {
        const [queue, outcome] = field.split('|');
        if (queue && outcome && Number.isFinite(value)) this.inc({ queue, outcome }, value);
      }
    },
  });
}

export interface OutcomeRecorder {
  /** Writes what is still counted in memory; call before closing Redis. */
  close(): Promise<void>;
}

/** Counts the outcomes of this process's workers into the shared Redis hash. */
export function recordJobOutcomes(deps: {
  workers: Worker[];
  redis: Redis;
  redisKey: (...parts: string[]) => string;
  onError: (err: Error) => void;
}): OutcomeRecorder {
  const hash = outcomesKey(deps.redisKey);
  let pending = new Map<string, number>();
  // Redis is away: report once per distinct error (and again after a success).
  const onError = reportOnceQuiet(deps.onError);
  const count = (queue: string, outcome: JobOutcome) => {
    const field = `${queue}|${outcome}`;
    pending.set(field, (pending.get(field) ?? 0) + 1);
  };

  for (const worker of deps.workers) {
    worker.on('completed', () => count(worker.name, 'completed'));
    worker.on('failed', (job, err) => {
      const final = !job || err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
      count(worker.name, final ? 'failed' : 'retried');
    });
    worker.on('stalled', () => count(worker.name, 'stalled'));
  }

  async function flush(): Promise<void> {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    const multi = deps.redis.multi();
    for (const [field, n] of batch) multi.hincrby(hash, field, n);
    try {
      await multi.exec();
      onError.reset();
    } catch (err) {
      // Redis is away: keep the counts for the next flush.
      for (const [field, n] of batch) pending.set(field, (pending.get(field) ?? 0) + n);
      onError(err instanceof Error ? err : new Error(String(err)));
    }
  }

  let flushing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    flushing = flushing.then(flush);
  }, FLUSH_INTERVAL_MS);
  timer.unref();

  return {
    async close() {
      clearInterval(timer);
      // Bounded: a lost Redis must not hold up the shutdown.
      await withTimeout(flushing.then(flush), SCRAPE_TIMEOUT_MS).catch(() => {});
    },
  };
}
