// The worker's own small HTTP surface: /healthz for the orchestrator and /metrics for
// Prometheus (queue and K-Series metrics are recorded in the worker process).
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { metricsAuthorized } from '../lib/metrics-auth.js';
import type { WorkerHost } from './worker-host.js';

export async function startWorkerHttp(options: {
  host: string;
  port: number;
  log: Logger;
  workers: WorkerHost;
  registry?: Registry;
  /** When set, /metrics requires it as a bearer token; unset, the (internal) port serves it openly. */
  metricsToken?: string | undefined;
}): Promise<FastifyInstance> {
  const registry = options.registry ?? new Registry();
  collectDefaultMetrics({ register: registry });
  const app = Fastify({
    loggerInstance: options.log as FastifyBaseLogger,
    logController: new Fastify.LogController({ disableRequestLogging: true }),
  });
  app.get('/healthz', async (_request, reply) => {
    const running = options.workers.workers.every((w) => w.isRunning());
    return reply.status(running ? 200 : 503).send({ status: running ? 'ok' : 'workers_stopped' });
  });
  app.get('/metrics', async (request, reply) => {
    if (options.metricsToken && !metricsAuthorized(request.headers.authorization, options.metricsToken)) {
      return reply.status(401).send({ error: { code: 'UNAUTHORIZED', message: 'A valid metrics token is required' } });
    }
    reply.type(registry.contentType);
    return registry.metrics();
  });
  await app.listen({ host: options.host, port: options.port });
  return app;
}
