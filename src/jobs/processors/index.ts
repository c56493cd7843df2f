// Pairs every queue in ../queues.ts with its processor, and declares the periodic schedules.
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import type { PrismaClient } from '../../db/prisma.js';
import { createOutcomeHandlers } from '../../services/orders/outcomes.js';
import { createWebhookProcessor, markWebhookFailed } from '../../webhooks/process-event.js';
import type { QueueProducers } from '../producers.js';
import { QUEUES } from '../queues.js';
import { defineProcessor, type ProcessorEntry, type ScheduleEntry } from '../worker-host.js';
import { createOrderSweeper } from './order-sweeper.js';

export interface ProcessorDeps {
  config: Config;
  prisma: PrismaClient;
  log: FastifyBaseLogger;
  queues: QueueProducers;
}

export interface ProcessorSet {
  processors: ProcessorEntry[];
  schedules: ScheduleEntry[];
}

export function createProcessors(deps: ProcessorDeps): ProcessorSet {
  const { config, prisma, log, queues } = deps;
  const outcomes = createOutcomeHandlers({ prisma, queues, log });
  const processWebhook = createWebhookProcessor({
    prisma,
    outcomes,
    log,
    // Catalog caches are invalidated here once the catalog service exists.
    invalidateLocationCache: async () => {},
  });
  const sweep = createOrderSweeper({ prisma, queues, log, outcomeTimeoutMs: config.ORDER_OUTCOME_TIMEOUT_SECONDS * 1000 });

  const processors: ProcessorEntry[] = [
    defineProcessor(
      QUEUES.processWebhook,
      async ({ eventId }) => processWebhook(eventId),
      async ({ eventId }, err) => markWebhookFailed(prisma, eventId, err.message),
    ),
    defineProcessor(QUEUES.orderSweeper, async () => sweep()),
  ];
  const schedules: ScheduleEntry[] = [
    { definition: QUEUES.orderSweeper, everyMs: config.ORDER_SWEEP_INTERVAL_SECONDS * 1000, payload: {} },
  ];
  return { processors, schedules };
}
