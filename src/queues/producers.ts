// The producer side of every queue in ./definitions.ts, for the API and for processors that
// enqueue follow-up work, and the wake-up signals of the worker's outbox loops (./wake.ts).
import type { Redis } from 'ioredis';
import { closeRedis, createRedis } from '../lib/redis.js';
import type { QueueSettings } from './typed-queue.js';
import { TypedQueue } from './typed-queue.js';
import { QUEUES, type Queues } from './definitions.js';
import { wakeChannelName, wakePublisher, type WakeSignal } from './wake.js';

export type QueueProducers = { [K in keyof Queues]: TypedQueue<Queues[K]> } & {
  /** Tells the worker processes that order pushes or payments are due (see ./wake.ts). */
  wake: { orderWork: WakeSignal };
  close(): Promise<void>;
};

export function createProducers(settings: QueueSettings, onError: (err: Error) => void): QueueProducers {
  const producers = Object.fromEntries(
    Object.entries(QUEUES).map(([key, definition]) => [key, new TypedQueue(definition, settings, onError)]),
  ) as { [K in keyof Queues]: TypedQueue<Queues[K]> };
  // One connection for the signals, opened with the first one (most CLI commands send none).
  let publisher: Redis | undefined;
  const client = () => {
    if (!publisher) {
      publisher = createRedis((settings.connection as { url: string }).url);
      publisher.on('error', onError);
    }
    return publisher;
  };
  return {
    ...producers,
    wake: { orderWork: wakePublisher(client, wakeChannelName(settings.prefix, 'order-work'), onError) },
    async close() {
      await Promise.all(Object.values(producers).map((q) => q.close()));
      if (publisher) await closeRedis(publisher);
    },
  };
}

export function queueSettings(config: { REDIS_URL: string; REDIS_PREFIX: string }): QueueSettings {
  return { connection: { url: config.REDIS_URL, maxRetriesPerRequest: null }, prefix: config.REDIS_PREFIX };
}
