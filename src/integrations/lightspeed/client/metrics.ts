// K-Series call metrics on a registry the caller owns (the app's /metrics, the worker's).
// Labels use endpoint templates ("GET /o/op/1/menu/load/{menuId}"), never ids: bounded cardinality.
import { Counter, Histogram, type Registry } from 'prom-client';

export interface ClientMetrics {
  /** One observation per HTTP attempt. */
  attempts: Histogram<'endpoint' | 'status'>;
  /** One observation per client call (all attempts, limiter waits and backoff included). */
  calls: Histogram<'endpoint' | 'outcome'>;
  retries: Counter<'endpoint' | 'reason'>;
  unauthorizedRefreshes: Counter<'endpoint'>;
  limiterWait: Histogram<'outcome'>;
}

function getOrCreate<T>(registry: Registry, name: string, create: () => T): T {
  // Several clients may share one registry (tests, the dev entry): register each metric once.
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

export function createClientMetrics(registry: Registry): ClientMetrics {
  const registers = [registry];
  return {
    attempts: getOrCreate(
      registry,
      'kseries_request_duration_seconds',
      () =>
        new Histogram({
          name: 'kseries_request_duration_seconds',
          help: 'K-Series HTTP attempts by endpoint template and status (network, timeout when no response)',
          labelNames: ['endpoint', 'status'] as const,
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          registers,
        }),
    ),
    calls: getOrCreate(
      registry,
      'kseries_call_duration_seconds',
      () =>
        new Histogram({
          name: 'kseries_call_duration_seconds',
          help: 'K-Series client calls including retries and waits, by endpoint template and outcome',
          labelNames: ['endpoint', 'outcome'] as const,
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
          registers,
        }),
    ),
    retries: getOrCreate(
      registry,
      'kseries_retries_total',
      () =>
        new Counter({
          name: 'kseries_retries_total',
          help: 'K-Series attempts retried, by endpoint template and reason (429, 503, network, ...)',
          labelNames: ['endpoint', 'reason'] as const,
          registers,
        }),
    ),
    unauthorizedRefreshes: getOrCreate(
      registry,
      'kseries_unauthorized_refreshes_total',
      () =>
        new Counter({
          name: 'kseries_unauthorized_refreshes_total',
          help: 'K-Series 401 answers that made the client refresh the token and retry',
          labelNames: ['endpoint'] as const,
          registers,
        }),
    ),
    limiterWait: getOrCreate(
      registry,
      'kseries_limiter_wait_seconds',
      () =>
        new Histogram({
          name: 'kseries_limiter_wait_seconds',
          help: 'Time spent waiting for the per-connection K-Series limit (outcome: acquired, rejected, bypassed)',
          labelNames: ['outcome'] as const,
          buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
          registers,
        }),
    ),
  };
}
