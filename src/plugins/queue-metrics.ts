// Queue depth, job age and job outcomes on the API's /metrics (the same metrics the worker
// exports; see src/jobs/queue-metrics.ts for what each one means).
import fp from 'fastify-plugin';
import { registerQueueMetrics } from '../jobs/queue-metrics.js';

export default fp(
  async (app) => {
    registerQueueMetrics({
      registry: app.metrics.registry,
      queues: app.queues,
      redis: app.redis,
      redisKey: app.redisKey,
    });
  },
  { name: 'queue-metrics', dependencies: ['metrics', 'queues', 'redis'] },
);
