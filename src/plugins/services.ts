// Every domain service on `app.services`, built by the composition root (src/services/index.ts)
// from the app's Prisma, Redis, queue producers, logger and metrics registry. Routes take their
// services from here and nowhere else.
import fp from 'fastify-plugin';
import { buildServices, type Services } from '../services/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

export default fp(
  async (app) => {
    const services = buildServices({
      config: app.config,
      prisma: app.prisma,
      redis: app.redis,
      redisKey: (...parts: string[]) => app.redisKey(...parts),
      queues: app.queues,
      log: app.log,
      registry: app.metrics.registry,
    });
    app.decorate('services', services);
    app.addHook('onClose', async () => {
      await services.close();
    });
  },
  { name: 'services', dependencies: ['prisma', 'redis', 'metrics', 'queues'] },
);
