// The typed K-Series client. One instance per process (it owns the keep-alive pool); every
// method takes the connection id first and asks the AccessTokenProvider for a token per call.
//
//   const kseries = createKSeriesClient({ tokens, redis, redisKey, registry, logger, ...kseriesClientSettings(config) });
//   const menus = await kseries.getMenus(connectionId, businessLocationId);
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { Agent, type Dispatcher } from 'undici';
import type { AccessTokenProvider } from '../access-token-provider.js';
import { financialApi } from './endpoints/financial.js';
import { itemsApi } from './endpoints/items.js';
import { ordersApi } from './endpoints/orders-api.js';
import { webhooksApi } from './endpoints/webhooks.js';
import { createConnectionLimiter, type LimiterOptions } from './limiter.js';
import { createClientMetrics } from './metrics.js';
import { createTransport, type ClientLogger, type RetryPolicy } from './transport.js';

export interface KSeriesClientSettings {
  retry: RetryPolicy;
  limits: Omit<LimiterOptions, 'leaseTtlMs'>;
  /** Sockets per K-Series origin in this process. */
  connectionsPerOrigin: number;
  connectTimeoutMs: number;
}

export interface KSeriesClientOptions extends KSeriesClientSettings {
  tokens: AccessTokenProvider;
  /** For the per-connection limit shared by every process. */
  redis: Redis;
  /** Namespaces keys under the deployment's REDIS_PREFIX (app.redisKey). */
  redisKey: (...parts: string[]) => string;
  /** Where kseries_* metrics are registered (app.metrics.registry). */
  registry: Registry;
  logger: ClientLogger;
  /** Defaults to a keep-alive undici Agent owned (and closed) by the client. */
  dispatcher?: Dispatcher;
}

/** Client settings from the validated configuration (KSERIES_* variables). */
/** The settings the client reads (its own view of src/config.ts, which it never imports). */
export interface KSeriesClientConfig {
  KSERIES_TIMEOUT_MS: number;
  KSERIES_TOTAL_TIMEOUT_MS: number;
  KSERIES_MAX_ATTEMPTS: number;
  KSERIES_BACKOFF_BASE_MS: number;
  KSERIES_BACKOFF_MAX_MS: number;
  KSERIES_MAX_RETRY_AFTER_MS: number;
  KSERIES_MAX_CONCURRENT_PER_CONNECTION: number;
  KSERIES_RATE_PER_CONNECTION: number;
  KSERIES_BURST_PER_CONNECTION: number;
  KSERIES_CONNECTIONS_PER_ORIGIN: number;
}

export function kseriesClientSettings(config: KSeriesClientConfig): KSeriesClientSettings {
  return {
    retry: {
      attemptTimeoutMs: config.KSERIES_TIMEOUT_MS,
      totalTimeoutMs: config.KSERIES_TOTAL_TIMEOUT_MS,
      maxAttempts: config.KSERIES_MAX_ATTEMPTS,
      backoffBaseMs: config.KSERIES_BACKOFF_BASE_MS,
      backoffMaxMs: config.KSERIES_BACKOFF_MAX_MS,
      maxRetryAfterMs: config.KSERIES_MAX_RETRY_AFTER_MS,
    },
    limits: {
      maxConcurrent: config.KSERIES_MAX_CONCURRENT_PER_CONNECTION,
      ratePerSecond: config.KSERIES_RATE_PER_CONNECTION,
      burst: config.KSERIES_BURST_PER_CONNECTION,
      redisTimeoutMs: 500,
    },
    connectionsPerOrigin: config.KSERIES_CONNECTIONS_PER_ORIGIN,
    connectTimeoutMs: Math.min(5_000, config.KSERIES_TIMEOUT_MS),
  };
}

export function createKSeriesClient(options: KSeriesClientOptions) {
  const ownsDispatcher = !options.dispatcher;
  const dispatcher =
    options.dispatcher ??
    new Agent({
      connections: options.connectionsPerOrigin,
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
      connect: { timeout: options.connectTimeoutMs },
    });
  const limiter = createConnectionLimiter(options.redis, options.redisKey, {
    ...options.limits,
    // A lease outlives any attempt, then frees itself if its process died mid-call.
    leaseTtlMs: options.retry.attemptTimeoutMs + 5_000,
  });
  const call = createTransport({
    tokens: options.tokens,
    limiter,
    metrics: createClientMetrics(options.registry),
    logger: options.logger,
    dispatcher,
    policy: options.retry,
  });

  return {
    ...ordersApi(call),
    ...webhooksApi(call),
    ...financialApi(call),
    ...itemsApi(call),
    /** Gives this process's limiter slots back and closes the keep-alive pool (when the client created it). */
    async close(): Promise<void> {
      await limiter.close();
      if (ownsDispatcher) await dispatcher.close();
    },
  };
}

export type KSeriesClient = ReturnType<typeof createKSeriesClient>;

export { KSeriesApiError, isReferenceAlreadyUsed, parseUpstreamError, type KSeriesErrorKind } from './errors.js';
export { saleExternalReference, type FinancialsQuery } from './endpoints/financial.js';
export type { ItemSearch } from './endpoints/items.js';
export type { ClientLogger, RetryPolicy } from './transport.js';
export type {
  Business,
  FloorPlan,
  Table,
  AccountProfile,
  AccountProfiles,
  MenuSummary,
  ModifierGroup,
  Discount,
  RestrictedItemPage,
  Readiness,
  AccountSnapshot,
  LocalOrderRequest,
  ToGoOrderRequest,
  PayRequest,
  PrintMessageRequest,
} from './schemas/orders-api.js';
export type { Menu, MenuEntry, MenuSelectionGroup } from './schemas/menu.js';
export type { WebhookEndpoint, WebhookEndpointRequest, WebhookLocationLink } from './schemas/webhooks.js';
export type {
  FinancialBusiness,
  TaxRate,
  PaymentMethod,
  AccountingGroup,
  Sale,
  FinancialPage,
} from './schemas/financial.js';
export type {
  Item,
  CreateItemRequest,
  UpdateItemRequest,
  RichItem,
  RichItemPage,
  RichItemRequest,
  Allergen,
} from './schemas/items.js';
export type { IdInput, StatusResponse } from './schemas/common.js';
