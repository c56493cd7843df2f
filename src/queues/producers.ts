// The producer side of every queue in ./definitions.ts, for the API and for processors that
// enqueue follow-up work.
import type { QueueSettings } from './typed-queue.js';
import { TypedQueue } from './typed-queue.js';
import { QUEUES, type Queues } from './definitions.js';

export type QueueProducers = { [K in keyof Queues]: TypedQueue<Queues[K]> } & { close(): Promise<void> };

export function createProducers(settings: QueueSettings, onError: (err: Error) => void): QueueProducers {
  const producers = Object.fromEntries(
    Object.entries(QUEUES).map(([key, definition]) => [key, new TypedQueue(definition, settings, onError)]),
  ) as { [K in keyof Queues]: TypedQueue<Queues[K]> };
  return {
    ...producers,
    async close() {
      await Promise.all(Object.values(producers).map((q) => q.close()));
    },
  };
}

export function queueSettings(config: { REDIS_URL: string; REDIS_PREFIX: string }): QueueSettings {
  return { connection: { url: config.REDIS_URL, maxRetriesPerRequest: null }, prefix: config.REDIS_PREFIX };
}
