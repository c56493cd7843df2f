// Liveness and readiness probes.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const checkSchema = z.object({ status: z.enum(['up', 'down']), error: z.string().optional() });
const readySchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({ postgres: checkSchema, redis: checkSchema }),
});

const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/healthz', {
    schema: {
      tags: ['health'],
      summary: 'The process is alive',
      response: { 200: z.object({ status: z.literal('ok') }) },
    },
    handler: async () => ({ status: 'ok' as const }),
  });

  app.get('/readyz', {
    schema: {
      tags: ['health'],
      summary: 'Postgres and Redis are reachable (503 names the one that is not)',
      response: { 200: readySchema, 503: readySchema },
    },
    handler: async (request, reply) => {
      const { postgres, redis } = await app.services.health.dependencies();
      const view = (c: { ok: boolean; error?: string }) =>
        c.ok ? { status: 'up' as const } : { status: 'down' as const, error: c.error };
      const ready = postgres.ok && redis.ok;
      if (!ready) request.log.warn({ postgres, redis }, 'not ready');
      return reply
        .status(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not_ready', checks: { postgres: view(postgres), redis: view(redis) } });
    },
  });
};

export default healthRoutes;
