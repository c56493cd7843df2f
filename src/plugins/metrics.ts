// Prometheus metrics. Each app gets its own registry so several apps in one process (tests,
// the dev entry) do not collide; other modules add their metrics to `app.metrics.registry`.
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { UnauthorizedError } from '../lib/errors.js';
import { metricsAuthorized } from '../lib/metrics-auth.js';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: { registry: Registry };
  }
}

export default fp(
  async (app) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    app.decorate('metrics', { registry });

    app.addHook('onResponse', async (request, reply) => {
      // The route pattern, not the URL, keeps label cardinality bounded.
      const route = request.routeOptions.url ?? 'unmatched';
      httpDuration.observe(
        { method: request.method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });

    // 700 KB of internals (queues, routes, K-Series errors): only for the scraper holding METRICS_TOKEN.
    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      if (!metricsAuthorized(request.headers.authorization, app.config.METRICS_TOKEN)) {
        throw new UnauthorizedError(
          app.config.METRICS_TOKEN
            ? 'A valid metrics token is required (Authorization: Bearer <METRICS_TOKEN>)'
            : 'Metrics are off on this port: set METRICS_TOKEN and scrape with Authorization: Bearer <METRICS_TOKEN>',
        );
      }
      reply.type(registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'metrics' },
);
