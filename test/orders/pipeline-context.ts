// An app listening on a real port (the sandbox POSTs its webhooks there), real workers, a
// vendor connected to the sandbox through the OAuth flow, and a mapped Amsterdam location.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import pino from 'pino';
import { createReconcileProcessor } from '../../src/jobs/processors/reconcile-order.js';
import type { WorkerRuntime } from '../../src/jobs/runtime.js';
import { SANDBOX_SEED } from '../../src/sandbox/app.js';
import {
  connectedVendor,
  createConnectContext,
  freePort,
  type ConnectContext,
  type SandboxTuning,
} from '../connect/helpers.js';
import { bearer, type TestContextOptions } from '../helpers/context.js';
import { startTestWorkers, waitFor } from '../helpers/workers.js';

export const AMS = SANDBOX_SEED.locations.amsterdam;
export const BURGER_AND_COLA = {
  items: [
    { sku: SANDBOX_SEED.skus.classicBurger, quantity: 1 },
    { sku: SANDBOX_SEED.skus.cola, quantity: 1 },
  ],
  // Amsterdam prices are in EUR, tax included: 14.50 + 3.20.
  amount: 17.7,
};

/**
 * What passes pre-flight validation (the menu knows nothing of tables) but the POS refuses with
 * an ORDER FAILURE: a dine-in order at a table the floor plan does not have.
 */
export const NO_SUCH_TABLE = {
  type: 'local',
  tableNumber: '999',
  accountProfileCode: SANDBOX_SEED.orderProfiles.dineIn,
};

/** A paid takeaway burger and cola: the order body most pipeline tests send. */
export function takeawayOrder(locationId: string) {
  return {
    locationId,
    type: 'toGo',
    customer: { firstName: 'Ada', lastName: 'Lovelace' },
    items: BURGER_AND_COLA.items,
    payment: { method: SANDBOX_SEED.paymentMethods.online, amount: BURGER_AND_COLA.amount },
  };
}

/** POST /v1/orders with a vendor's key, as a kiosk would (headers: Idempotency-Key and the like). */
export function postOrder(
  app: FastifyInstance,
  apiKey: string,
  payload: unknown,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method: 'POST',
    url: '/v1/orders',
    headers: { ...bearer(apiKey), ...headers },
    payload: payload as object,
  });
}

export interface PipelineContext extends ConnectContext {
  workers: WorkerRuntime | null;
  vendor: { id: string; apiKey: string; connectionId: string };
  locationId: string;
  startWorkers(): Promise<WorkerRuntime>;
  placeOrder(
    overrides?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ id: string; reference: string; status: string }>;
  waitForStatus(
    orderId: string,
    statuses: string[],
    timeoutMs?: number,
  ): Promise<{ status: string; paidAt: Date | null; failureReason: string | null }>;
  sandboxControl<T = unknown>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T>;
  /** Before each test: the sandbox has finished the last test's work, and no faults are armed. */
  resetSandbox(): Promise<void>;
}

export async function createPipelineContext(
  options: {
    env?: Record<string, string>;
    workers?: boolean;
    sandbox?: SandboxTuning;
    context?: TestContextOptions;
  } = {},
): Promise<PipelineContext> {
  const port = await freePort();
  const cc = await createConnectContext({
    publicUrl: `http://127.0.0.1:${port}`,
    env: { ORDER_SWEEP_INTERVAL_SECONDS: '1', ORDER_OUTCOME_TIMEOUT_SECONDS: '2', ...options.env },
    ...(options.sandbox ? { sandbox: options.sandbox } : {}),
    ...(options.context ? { context: options.context } : {}),
  });
  await cc.ctx.app.listen({ host: '127.0.0.1', port });
  const vendor = await connectedVendor(cc.ctx);
  const location = await cc.ctx.app.inject({
    method: 'POST',
    url: '/v1/locations',
    headers: bearer(vendor.apiKey),
    payload: {
      name: 'Amsterdam',
      businessLocationId: AMS.id,
      defaultOrderProfile: SANDBOX_SEED.orderProfiles.takeaway,
    },
  });
  if (location.statusCode !== 201) throw new Error(`location: ${location.body}`);
  const ctx: PipelineContext = {
    ...cc,
    workers: null,
    vendor,
    locationId: location.json().id,
    async startWorkers() {
      ctx.workers = await startTestWorkers(cc.ctx);
      return ctx.workers;
    },
    async placeOrder(overrides = {}, headers = {}) {
      const res = await cc.ctx.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: { ...bearer(vendor.apiKey), ...headers },
        payload: { ...takeawayOrder(ctx.locationId), ...overrides },
      });
      if (res.statusCode !== 202 && res.statusCode !== 200) throw new Error(`order: ${res.statusCode} ${res.body}`);
      return res.json();
    },
    async waitForStatus(orderId, statuses, timeoutMs = 20_000) {
      return waitFor(
        async () => {
          const order = await cc.ctx.db.prisma.order.findUniqueOrThrow({ where: { id: orderId } });
          return statuses.includes(order.status) ? order : null;
        },
        `order ${orderId} to reach ${statuses.join('/')}`,
        timeoutMs,
      );
    },
    async sandboxControl<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
      const res = await fetch(`${cc.sandbox.url}/__sandbox${path}`, {
        method,
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      if (!res.ok) throw new Error(`sandbox ${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    async resetSandbox() {
      await this.sandboxControl('GET', '/idle?timeoutMs=5000');
      await this.sandboxControl('DELETE', '/faults');
    },
    async close() {
      await ctx.workers?.close();
      await cc.close();
    },
  };
  if (options.workers !== false) await ctx.startWorkers();
  return ctx;
}

/** What the sandbox (the POS) received for one reference. */
export async function posRecords(ctx: PipelineContext, reference: string, paymentReference: string) {
  const orders = await ctx.sandboxControl<{ thirdPartyReference: string; status: string }[]>('GET', '/orders');
  const payments = await ctx.sandboxControl<{ thirdPartyPaymentReference: string; status: string }[]>(
    'GET',
    '/payments',
  );
  return {
    orders: orders.filter((o) => o.thirdPartyReference === reference),
    payments: payments.filter((p) => p.thirdPartyPaymentReference === paymentReference),
  };
}

/**
 * The service's reconciler for one order, as the sweeper runs it; `giveUpAfterMs: 0` acts as if
 * the order's outcome timeout had passed.
 */
export function reconcileOnce(ctx: PipelineContext, orderId: string, giveUpAfterMs = 0): Promise<string> {
  const log = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;
  const reconcile = createReconcileProcessor({
    prisma: ctx.ctx.prisma,
    kseries: ctx.ctx.app.services.lightspeed.kseries,
    orderUpdates: ctx.ctx.app.services.orderUpdates,
    log,
    giveUpAfterMs,
  });
  return reconcile({ orderId });
}
