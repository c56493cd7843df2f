// Prometheus metrics of the financial/items sync, registered once per registry (the worker's
// /metrics). No per-location labels: they would grow with the number of tenants.
import { Counter, Histogram, type Registry } from 'prom-client';

export interface SyncMetrics {
  runs: Counter<'outcome'>;
  duration: Histogram<'outcome'>;
  records: Counter<'dataset' | 'result'>;
  pages: Counter<never>;
  failures: Counter<'dataset'>;
}

const cache = new WeakMap<Registry, SyncMetrics>();

export function syncMetrics(registry: Registry): SyncMetrics {
  const existing = cache.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const metrics: SyncMetrics = {
    runs: new Counter({
      name: 'financial_sync_runs_total',
      help: 'Location syncs by outcome (completed, partial, skipped_locked, skipped_ineligible, failed)',
      labelNames: ['outcome'],
      registers,
    }),
    duration: new Histogram({
      name: 'financial_sync_duration_seconds',
      help: 'Duration of one location sync',
      labelNames: ['outcome'],
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 180, 600],
      registers,
    }),
    records: new Counter({
      name: 'financial_sync_records_total',
      help: 'Records written by the sync, by data set and result (inserted, updated, unchanged, deleted)',
      labelNames: ['dataset', 'result'],
      registers,
    }),
    pages: new Counter({ name: 'financial_sync_pages_total', help: 'Pages of K-Series financials read', registers }),
    failures: new Counter({
      name: 'financial_sync_dataset_failures_total',
      help: 'Data sets that failed to sync',
      labelNames: ['dataset'],
      registers,
    }),
  };
  cache.set(registry, metrics);
  return metrics;
}
