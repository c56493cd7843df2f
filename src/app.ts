// The whole HTTP service as a Fastify instance that does not listen: entry points listen,
// tests use `inject` or listen on port 0.
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import cookie from '@fastify/cookie';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import type { PrismaClient } from './db/prisma.js';
import { loggerOptions } from './lib/logger.js';
import authPlugin from './plugins/auth.js';
import csrfPlugin from './plugins/csrf.js';
import errorHandlerPlugin from './plugins/error-handler.js';
import inputGuardPlugin from './plugins/input-guard.js';
import metricsPlugin from './plugins/metrics.js';
import prismaPlugin from './plugins/prisma.js';
import orderMetricsPlugin from './plugins/order-metrics.js';
import queueDashboard, { QUEUE_DASHBOARD_PATH } from './plugins/queue-dashboard.js';
import queueMetricsPlugin from './plugins/queue-metrics.js';
import queuesPlugin from './plugins/queues.js';
import rateLimitPlugin, { trustProxyOption } from './plugins/rate-limit.js';
import redisPlugin from './plugins/redis.js';
import securityHeadersPlugin from './plugins/security-headers.js';
import swaggerPlugin from './plugins/swagger.js';
import servicesPlugin from './plugins/services.js';
import backofficeRoutes from './routes/backoffice/index.js';
import lightspeedCallbackRoutes from './routes/lightspeed-callback.js';
import adminRoutes from './routes/admin/index.js';
import healthRoutes from './routes/health.js';
import v1Routes from './routes/v1/index.js';
import webhookRoutes from './webhooks/verify-and-acknowledge.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
}

export interface AppDependencies {
  config: Config;
  /** Shared Prisma client; when given, the app does not disconnect it on close. */
  prisma?: PrismaClient;
  /** A ready pino logger (e.g. one writing to a chosen stream); default: built from config. */
  logger?: Logger;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger as FastifyBaseLogger } : { logger: loggerOptions(config) }),
    bodyLimit: config.BODY_LIMIT_BYTES,
    // A caller's X-Request-Id is kept when it is sane, so logs correlate across systems.
    genReqId: (req) => {
      const header = req.headers['x-request-id'];
      return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    },
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    // Behind a load balancer the client's address comes from X-Forwarded-For, as far as
    // TRUST_PROXY says to believe it (entries further left are whatever the client sent).
    trustProxy: trustProxyOption(config.TRUST_PROXY),
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('config', config);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(errorHandlerPlugin);
  // First hooks of every request: NUL / lone surrogates are a 400 before anything reads them.
  await app.register(inputGuardPlugin);
  await app.register(metricsPlugin);
  await app.register(prismaPlugin, { databaseUrl: config.DATABASE_URL, client: deps.prisma });
  await app.register(redisPlugin, { url: config.REDIS_URL, prefix: config.REDIS_PREFIX });
  await app.register(queuesPlugin);
  await app.register(cookie, { secret: config.SESSION_SECRET });
  // Before any route: refuses cross-site back-office form posts (sign-in included).
  await app.register(csrfPlugin);
  await app.register(authPlugin, { adminToken: config.ADMIN_TOKEN });
  await app.register(swaggerPlugin, { publicUrl: config.PUBLIC_URL });
  await app.register(servicesPlugin);
  // Operator tooling: queue and order metrics on /metrics; rate limits and the pages' security headers
  // attach to the routes registered below (they must come first).
  await app.register(queueMetricsPlugin);
  await app.register(orderMetricsPlugin);
  await app.register(rateLimitPlugin);
  await app.register(securityHeadersPlugin);

  await app.register(healthRoutes);
  await app.register(adminRoutes, { prefix: '/admin' });
  await app.register(queueDashboard, { prefix: QUEUE_DASHBOARD_PATH });
  await app.register(v1Routes, { prefix: '/v1' });
  await app.register(lightspeedCallbackRoutes);
  await app.register(backofficeRoutes, { prefix: '/backoffice' });
  await app.register(webhookRoutes);

  return app;
}
