// Rate limits, counted in Redis by @fastify/rate-limit so every API process shares them, in fixed
// windows of RATE_LIMIT_WINDOW_SECONDS (a limit of 0 turns its rule off):
// - /v1: requests per vendor API key (after authentication, so the key is known), counted in
//   leases of several requests (./rate-limit-lease.ts) so a request rarely waits for Redis;
// - GET /lightspeed/callback, POST /backoffice/sign-in: requests per client IP;
// - /v1 and /admin: refused (401) authentications per client IP (key and token guessing);
// - POST /webhook/lightspeed: refused (401) calls per client IP. Lightspeed's own, authenticated
//   traffic costs nothing here (the webhook is the hottest route); an address that keeps failing
//   is answered 429 until the window ends, whatever it sends. Each process remembers the
//   addresses it has seen go over the shared count, so the check needs no Redis round trip.
// Over a limit: 429 in the usual error shape with Retry-After. Redis unreachable: requests pass
// (fail open) rather than wait, and the outage is logged once.
import fp from 'fastify-plugin';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Config } from '../config.js';
import { reportOnceQuiet } from '../lib/error-log.js';
import { AppError } from '../lib/errors.js';
import { closeRedis, createRedis } from '../lib/redis.js';
import { createLeasedLimiter } from './rate-limit-lease.js';

export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number, limit: number) {
    super(429, 'RATE_LIMITED', `Too many requests; retry in ${retryAfterSeconds} s`, { retryAfterSeconds, limit });
  }
}

/**
 * Fastify's trustProxy from TRUST_PROXY. A hop count becomes a function: Fastify itself trusts
 * nothing when given a bare number.
 */
export function trustProxyOption(value: string): boolean | string | ((address: string, hop: number) => boolean) {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops === 0 ? false : (_address: string, hop: number) => hop < hops;
  }
  return value;
}

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

interface Rule {
  name: string;
  max: number;
  /** requests: every request counts; failures: only answers with this status count. */
  counts: 'requests' | { status: number };
  applies(route: Pick<RouteOptions, 'url' | 'method'>): boolean;
  /** The counter's key; null = not counted (e.g. no vendor on the request). */
  key(request: FastifyRequest): string | null;
  /**
   * Where the hooks go: on the matching routes (default), or on the root, ahead of the scopes'
   * own hooks -- needed when the scope's hook (authentication) is what fails: a blocked address
   * must get its 429 before the key lookup runs.
   */
  stage?: 'route' | 'root';
  /** Counted through leases of several requests (rate-limit-lease.ts): no Redis call per request. */
  leased?: boolean;
}

const methodsOf = (route: Pick<RouteOptions, 'method'>) =>
  Array.isArray(route.method) ? route.method : [route.method];
const byIp = (name: string) => (request: FastifyRequest) => `${name}:${normalizeIP(request.ip)}`;

export function rateLimitRules(config: Config): Rule[] {
  const rules: Rule[] = [
    {
      name: 'api-key',
      max: config.RATE_LIMIT_PER_API_KEY,
      counts: 'requests',
      applies: (route) => route.url === '/v1' || route.url.startsWith('/v1/'),
      key: (request) => (request.vendor ? `api-key:${request.vendor.apiKeyId}` : null),
      // Every vendor request passes here, order accepts included: leased, not a round trip each.
      leased: true,
    },
    {
      name: 'auth',
      max: config.RATE_LIMIT_AUTH_FAILURES_PER_IP,
      counts: { status: 401 },
      applies: (route) => /^\/(v1|admin)(\/|$)/.test(route.url),
      key: byIp('auth'),
      stage: 'root',
    },
    {
      name: 'webhook',
      max: config.RATE_LIMIT_WEBHOOK_FAILURES_PER_IP,
      counts: { status: 401 },
      applies: (route) => route.url === '/webhook/lightspeed',
      key: byIp('webhook'),
    },
    {
      name: 'callback',
      max: config.RATE_LIMIT_CALLBACK_PER_IP,
      counts: 'requests',
      applies: (route) => route.url === '/lightspeed/callback',
      key: byIp('callback'),
    },
    {
      name: 'sign-in',
      max: config.RATE_LIMIT_SIGN_IN_PER_IP,
      counts: 'requests',
      applies: (route) => route.url === '/backoffice/sign-in' && methodsOf(route).includes('POST'),
      key: byIp('sign-in'),
    },
  ];
  return rules.filter((rule) => rule.max > 0);
}

/** Keys over their limit in this process, until their window ends. */
function blockList(maxEntries = 10_000) {
  const until = new Map<string, number>();
  return {
    /** Seconds left, or 0 when the key is not blocked. */
    secondsLeft(key: string): number {
      const end = until.get(key);
      if (end === undefined) return 0;
      if (end <= Date.now()) {
        until.delete(key);
        return 0;
      }
      return Math.max(1, Math.ceil((end - Date.now()) / 1000));
    },
    block(key: string, ms: number): void {
      if (until.size >= maxEntries) {
        const now = Date.now();
        for (const [k, end] of until) if (end <= now) until.delete(k);
        // Still full (a flood from many addresses): forget the oldest.
        for (const k of until.keys()) {
          if (until.size < maxEntries) break;
          until.delete(k);
        }
      }
      until.set(key, Date.now() + ms);
    },
  };
}

export default fp(
  async (app) => {
    const { config } = app;
    const rules = rateLimitRules(config);
    if (rules.length === 0) return;

    // Its own connection, failing fast: with the shared one (which waits out Redis restarts)
    // every request would hang while Redis is down.
    const redis = createRedis(config.REDIS_URL, {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      commandTimeout: 500,
    });
    const onError = reportOnceQuiet((err) =>
      app.log.warn({ err }, 'rate limiting unavailable (Redis); requests pass unlimited'),
    );
    redis.on('error', onError);
    redis.on('ready', () => onError.reset());
    app.addHook('onClose', async () => closeRedis(redis));

    const windowMs = config.RATE_LIMIT_WINDOW_SECONDS * 1000;
    // global: false -- no route is limited by the plugin itself; the rules below pick them.
    await app.register(rateLimit, {
      global: false,
      redis,
      nameSpace: `${config.REDIS_PREFIX}:rate-limit:`,
      skipOnError: true,
      timeWindow: windowMs,
    });

    function refuse(request: FastifyRequest, reply: FastifyReply, rule: Rule, retryAfter: number): never {
      reply.header('retry-after', retryAfter);
      request.log.warn({ rateLimit: rule.name, limit: rule.max }, 'rate limit exceeded');
      throw new RateLimitedError(retryAfter, rule.max);
    }

    function hooksFor(rule: Rule): { onRequest: Hook; onResponse?: Hook } {
      if (rule.leased) {
        const leased = createLeasedLimiter(redis, {
          max: rule.max,
          windowMs,
          keyPrefix: `${config.REDIS_PREFIX}:rate-limit:lease:`,
        });
        return {
          async onRequest(request, reply) {
            const key = rule.key(request);
            if (key === null) return;
            const answer = await leased.take(key).catch((err: Error) => {
              onError(err);
              return null;
            });
            if (!answer) return;
            const resetSeconds = Math.max(1, Math.ceil(answer.ttlMs / 1000));
            reply.header('x-ratelimit-limit', rule.max);
            reply.header('x-ratelimit-remaining', answer.remaining);
            reply.header('x-ratelimit-reset', resetSeconds);
            if (!answer.allowed) refuse(request, reply, rule, resetSeconds);
          },
        };
      }
      const limiter = app.createRateLimit({
        max: rule.max,
        timeWindow: windowMs,
        keyGenerator: (req) => rule.key(req) ?? '',
      });
      if (rule.counts === 'requests') {
        return {
          async onRequest(request, reply) {
            if (rule.key(request) === null) return;
            const result = await limiter(request);
            if (result.isAllowed) return;
            reply.header('x-ratelimit-limit', result.max);
            reply.header('x-ratelimit-remaining', result.remaining);
            reply.header('x-ratelimit-reset', result.ttlInSeconds);
            if (result.isExceeded) refuse(request, reply, rule, Math.max(1, result.ttlInSeconds));
          },
        };
      }
      const { status } = rule.counts;
      const blocked = blockList();
      return {
        async onRequest(request, reply) {
          const key = rule.key(request);
          const left = key === null ? 0 : blocked.secondsLeft(key);
          if (left > 0) refuse(request, reply, rule, left);
        },
        async onResponse(request, reply) {
          const key = rule.key(request);
          if (reply.statusCode !== status || key === null) return;
          const result = await limiter(request);
          // The limit-th failure closes the window for this address (shared count, so the
          // other processes close it at their next failure from it).
          if (!result.isAllowed && result.remaining === 0 && result.ttl > 0) blocked.block(key, result.ttl);
        },
      };
    }

    const hooks = rules.map((rule) => ({ rule, ...hooksFor(rule) }));
    // Root hooks see every request, matched or not: the route pattern when there is one, else the path.
    const routeOf = (request: FastifyRequest) => ({
      url: request.routeOptions.url ?? request.url.split('?')[0] ?? '',
      method: request.method,
    });
    for (const { rule, onRequest, onResponse } of hooks) {
      if (rule.stage !== 'root') continue;
      app.addHook('onRequest', async (request, reply) => {
        if (rule.applies(routeOf(request))) await onRequest(request, reply);
      });
      if (onResponse) {
        app.addHook('onResponse', async (request, reply) => {
          if (rule.applies(routeOf(request))) await onResponse(request, reply);
        });
      }
    }
    const asList = <T>(value: T | T[] | undefined): T[] =>
      value === undefined ? [] : Array.isArray(value) ? value : [value];

    // Route-level onRequest hooks, first in line: they run after the scope's own hooks (the /v1
    // scope authenticates the key there) and before a route's hooks (the webhook's credential check).
    app.addHook('onRoute', (route) => {
      for (const { rule, onRequest, onResponse } of hooks) {
        if (rule.stage === 'root' || !rule.applies(route)) continue;
        route.onRequest = [onRequest, ...asList(route.onRequest)];
        if (onResponse) route.onResponse = [...asList(route.onResponse), onResponse];
      }
    });
  },
  { name: 'rate-limit', dependencies: ['auth'] },
);
