// orders_needing_attention{status} on the API's /metrics: how many orders wait for an operator
// (NEEDS_ATTENTION, FAILED, PAYMENT_FAILED), deployment-wide, counted at scrape time (one indexed
// query). A scrape never hangs on a lost Postgres: the gauge is left out after 2 s.
import fp from 'fastify-plugin';
import { Gauge } from 'prom-client';
import { ATTENTION_STATUSES } from '../services/orders/state-machine.js';

const TIMEOUT_MS = 2_000;

export default fp(
  async (app) => {
    const registry = app.metrics.registry;
    if (registry.getSingleMetric('orders_needing_attention')) return;
    new Gauge({
      name: 'orders_needing_attention',
      help: 'Orders waiting for an operator, by status (see docs/RUNBOOK.md; `./cli orders attention` lists them)',
      labelNames: ['status'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<null>((resolve) => {
          timer = setTimeout(() => resolve(null), TIMEOUT_MS);
          timer.unref();
        });
        const counts = await Promise.race([
          app.prisma.order
            .groupBy({ by: ['status'], where: { status: { in: [...ATTENTION_STATUSES] } }, _count: { _all: true } })
            .catch(() => null),
          timeout,
        ]);
        clearTimeout(timer);
        if (!counts) return;
        for (const status of ATTENTION_STATUSES) {
          this.set({ status }, counts.find((c) => c.status === status)?._count._all ?? 0);
        }
      },
    });
  },
  { name: 'order-metrics', dependencies: ['metrics', 'prisma'] },
);
