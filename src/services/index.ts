// The composition root: every service of the domain, built from its dependencies in one place.
// The Fastify app (src/plugins/services.ts), the worker processors (src/jobs/runtime.ts) and the
// CLI take their services from here, so a service has the same settings wherever it runs.
// Services are built on first use: a process builds (and registers metrics for) only what it
// uses, and nothing connects before it is needed.
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import type { PrismaClient } from '../db/prisma.js';
import type { QueueProducers } from '../queues/producers.js';
import { cipherSealer, createCallbackService } from './callbacks/service.js';
import { createCatalogService } from './catalog.js';
import { createConnectionSetup } from './connections/establish-connection.js';
import { createConnectCalls } from './connections/kseries-calls.js';
import { createLightspeedCore, type LightspeedCore } from './connections/lightspeed-core.js';
import { createConnectionService } from './connections/manage-connection.js';
import { createConnectFlow } from './connections/oauth-connect-flow.js';
import { createFinancialService } from './financial/service.js';
import { createHealthService } from './health.js';
import { createLocationService } from './locations.js';
import { createOrderUpdates } from './orders/apply-notifications.js';
import { createMenuSnapshots } from './orders/menu-snapshot.js';
import { createOrderService } from './orders/service.js';
import { createOrderViews } from './orders/views.js';
import { createVendorService } from './vendors.js';

export interface ServiceDeps {
  config: Config;
  prisma: PrismaClient;
  redis: Redis;
  redisKey: (...parts: string[]) => string;
  queues: QueueProducers;
  log: FastifyBaseLogger;
  /** The process's /metrics registry. */
  registry: Registry;
  /** Tells the worker's callback dispatcher a transition wrote a delivery (the API has none: it polls). */
  wakeCallbacks?: () => void;
}

/** A value built on first read, then kept. */
function lazy<T>(build: () => T): () => T {
  let value: { v: T } | undefined;
  return () => {
    value ??= { v: build() };
    return value.v;
  };
}

export function buildServices(deps: ServiceDeps) {
  const { config, prisma, redis, redisKey, queues, log, registry } = deps;
  const lightspeedLog = log.child({ component: 'lightspeed' });
  let built: LightspeedCore | undefined;
  const core = () => {
    built ??= createLightspeedCore({ config, prisma, redis, redisKey, log, registry });
    return built;
  };
  const calls = lazy(() => createConnectCalls({ tokens: core().tokens, kseries: core().kseries }));
  const establish = lazy(() => {
    const { cipher, tokens, integrationLog } = core();
    return createConnectionSetup({
      prisma,
      cipher,
      tokens,
      calls: calls(),
      integrationLog,
      config,
      log: lightspeedLog,
    });
  });
  const connect = lazy(() => {
    const { oauth, integrationLog } = core();
    return createConnectFlow({
      prisma,
      redis,
      redisKey,
      oauth,
      setup: establish(),
      integrationLog,
      config,
      log: lightspeedLog,
    });
  });
  const connections = lazy(() => {
    const { tokens, integrationLog } = core();
    return createConnectionService({ prisma, tokens, calls: calls(), integrationLog, log: lightspeedLog });
  });
  const orders = lazy(() =>
    createOrderService({
      prisma,
      queues,
      log,
      deliveryDeadlineMs: config.ORDER_DELIVERY_DEADLINE_SECONDS * 1000,
      // Availability must show within seconds: a snapshot lives no longer than the live data's TTL.
      menus: createMenuSnapshots(catalog(), {
        freshMs: Math.min(2_000, config.CATALOG_LIVE_TTL_SECONDS * 1000),
        staleMs: 60_000,
      }),
    }),
  );
  const orderViews = lazy(() => createOrderViews({ prisma }));
  const orderUpdates = lazy(() =>
    createOrderUpdates({
      prisma,
      queues,
      log,
      ...(deps.wakeCallbacks ? { wakeCallbacks: deps.wakeCallbacks } : {}),
    }),
  );
  const catalog = lazy(() =>
    createCatalogService({
      prisma,
      redis,
      redisKey,
      kseries: core().kseries,
      registry,
      ttlSeconds: config.CATALOG_CACHE_TTL_SECONDS,
      liveTtlSeconds: config.CATALOG_LIVE_TTL_SECONDS,
      loadTimeoutMs: config.KSERIES_TOTAL_TIMEOUT_MS,
    }),
  );
  const financial = lazy(() => createFinancialService({ prisma, queues }));
  const locations = lazy(() =>
    createLocationService({
      prisma,
      // Mappings are checked against the business the vendor is connected to.
      connectedBusiness: (vendorId) => connections().connectedBusiness(vendorId),
    }),
  );
  const vendors = lazy(() => createVendorService({ prisma }));
  const callbacks = lazy(() =>
    createCallbackService({
      prisma,
      sealer: cipherSealer(core().cipher),
      allowPrivateNetworks: config.CALLBACK_ALLOW_PRIVATE_NETWORKS,
    }),
  );
  const health = lazy(() => createHealthService({ prisma, redis }));

  return {
    /** The K-Series adapter with its tokens, and the connection services (connect, status, ...). */
    get lightspeed() {
      const { oauth, cipher, tokens, integrationLog, kseries } = core();
      return {
        oauth,
        cipher,
        tokens,
        integrationLog,
        kseries,
        calls: calls(),
        connect: connect(),
        connections: connections(),
      };
    },
    /** Just the adapter and tokens, for processes that never run the connect flow. */
    get core() {
      return core();
    },
    get orders() {
      return orders();
    },
    /** Read models of orders for the back office (lists, an order's page). */
    get orderViews() {
      return orderViews();
    },
    /** Every change of an order's state after acceptance: transitions, and applying the POS's ORDER and PAYMENT reports (webhooks and reconciliation alike). */
    get orderUpdates() {
      return orderUpdates();
    },
    get catalog() {
      return catalog();
    },
    get financial() {
      return financial();
    },
    get locations() {
      return locations();
    },
    get vendors() {
      return vendors();
    },
    get callbacks() {
      return callbacks();
    },
    get health() {
      return health();
    },
    async close(): Promise<void> {
      await built?.close();
    },
  };
}

export type Services = ReturnType<typeof buildServices>;
