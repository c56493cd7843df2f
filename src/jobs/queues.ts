// Every queue of the service, in one place. Producers import the definition to enqueue;
// the worker entry (src/worker.ts) pairs each with its processor from ./processors/.
// Later features add their queues here.
import type { QueueDefinition } from './registry.js';

export const QUEUES = {} satisfies Record<string, QueueDefinition>;

export type QueueName = keyof typeof QUEUES;
