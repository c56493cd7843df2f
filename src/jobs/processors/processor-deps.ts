// What every processor factory receives, and what the set of them gives the worker host. Apart
// from ./index.ts so the processor files can use the types without importing index.ts back.
import type { FastifyBaseLogger } from 'fastify';
import type { Registry } from 'prom-client';
import type { Config } from '../../config.js';
import type { PrismaClient } from '../../db/prisma.js';
import type { QueueProducers } from '../../queues/producers.js';
import type { CacheKeys } from '../../services/catalog-cache.js';
import type { Services } from '../../services/index.js';
import type { ProcessorEntry, ScheduleEntry } from '../worker-host.js';

export interface ProcessorDeps {
  config: Config;
  prisma: PrismaClient;
  log: FastifyBaseLogger;
  queues: QueueProducers;
  /** The composition root's services (src/services/index.ts). */
  services: Services;
  /** Redis and the key builder, for the catalog cache the webhook processor invalidates. */
  keys: CacheKeys;
  /** The worker's /metrics registry. */
  registry: Registry;
}

export interface ProcessorSet {
  processors: ProcessorEntry[];
  schedules: ScheduleEntry[];
}
