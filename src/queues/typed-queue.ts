// Typed queue registry: every queue's name, payload schema and job options live in
// ./definitions.ts, shared by producers (API) and consumers (worker). Job data carries ids only,
// never tokens or secrets; payloads are validated on both sides.
import {
  Queue,
  RedisConnection,
  Worker,
  type ConnectionOptions,
  type Job,
  type JobsOptions,
  type Processor,
} from 'bullmq';
import type { z } from 'zod';

export interface QueueDefinition<Name extends string = string, Payload extends z.ZodType = z.ZodType> {
  name: Name;
  payload: Payload;
  /** Attempts, backoff and removal: explicit for every queue. */
  jobOptions: JobsOptions;
  /** How many jobs one worker process runs at once. */
  concurrency: number;
}

export function defineQueue<const Name extends string, Payload extends z.ZodType>(
  definition: QueueDefinition<Name, Payload>,
): QueueDefinition<Name, Payload> {
  return definition;
}

export type PayloadOf<D> = D extends QueueDefinition<string, infer P> ? z.infer<P> : never;

export interface QueueSettings {
  connection: ConnectionOptions;
  /** BullMQ key prefix: REDIS_PREFIX, so deployments and tests never share queues. */
  prefix: string;
}

/**
 * BullMQ's connection, but a failure that arrives after close() is dropped instead of thrown.
 * RedisConnection.close() removes every listener at once, while its start-up (init: the wait for
 * "ready", then the INFO of its version check) may still be in flight; that start-up then fails
 * ("Connection is closed.", or the socket's EPIPE / ECONNRESET when Redis was cut) into
 * `emit('error')` with no listener, which throws inside BullMQ's own `initializing.catch(...)`:
 * an unhandled rejection, seen when a queue closes while Redis is away or slow to answer.
 */
export class ClosingSafeRedisConnection extends RedisConnection {
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'error' && this.closing && this.listenerCount('error') === 0) return false;
    return super.emit(event, ...args);
  }
}

/** The producer side of one queue, with its payload type. */
export class TypedQueue<D extends QueueDefinition> {
  readonly queue: Queue;

  constructor(
    readonly definition: D,
    settings: QueueSettings,
    onError: (err: Error) => void,
  ) {
    this.queue = new Queue(
      definition.name,
      { connection: settings.connection, prefix: settings.prefix, defaultJobOptions: definition.jobOptions },
      ClosingSafeRedisConnection,
    );
    this.queue.on('error', onError);
  }

  async add(payload: PayloadOf<D>, options: JobsOptions & { jobId?: string } = {}): Promise<Job> {
    const data = this.definition.payload.parse(payload) as object;
    return this.queue.add(this.definition.name, data, options);
  }

  async close(): Promise<void> {
    // Closing a queue whose connection is still starting rejects its start-up commands with
    // "Connection is closed" where nobody listens; let it finish starting (bounded: Redis may
    // be down) before closing.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.queue.waitUntilReady().catch(() => undefined),
      new Promise((resolve) => {
        timer = setTimeout(resolve, 1_000);
      }),
    ]);
    clearTimeout(timer);
    await this.queue.close();
  }
}

/** `token` is the worker's lock token, needed to move a running job back to delayed. */
export type JobHandler<D extends QueueDefinition> = (
  payload: PayloadOf<D>,
  job: Job,
  token?: string,
) => Promise<unknown>;

/** The consumer side: validates the payload, then runs the handler. */
export function createWorker<D extends QueueDefinition>(
  definition: D,
  handler: JobHandler<D>,
  settings: QueueSettings,
  options: { concurrency?: number; lockDurationMs?: number; stalledIntervalMs?: number } = {},
): Worker {
  const processor: Processor = async (job, token) =>
    handler(definition.payload.parse(job.data) as PayloadOf<D>, job, token);
  return new Worker(
    definition.name,
    processor,
    {
      connection: settings.connection,
      prefix: settings.prefix,
      concurrency: options.concurrency ?? definition.concurrency,
      ...(options.lockDurationMs ? { lockDuration: options.lockDurationMs } : {}),
      ...(options.stalledIntervalMs ? { stalledInterval: options.stalledIntervalMs } : {}),
    },
    ClosingSafeRedisConnection,
  );
}
