// One K-Series call: token, scope check, shared per-connection limit, HTTP with timeouts,
// retries with backoff (honouring Retry-After), one refresh on 401, validation, logs and metrics.
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import type { AccessTokenProvider, ConnectionAccess } from '../access-token-provider.js';
import { KSeriesApiError, parseUpstreamError } from './errors.js';
import type { ConnectionLimiter } from './limiter.js';
import type { ClientMetrics } from './metrics.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type KSeriesScope = 'orders-api' | 'financial-api' | 'items';

export interface Endpoint<T> {
  method: HttpMethod;
  /** Path template, e.g. "/o/op/2/menu/load/{menuId}": the label in logs, metrics and errors. */
  template: string;
  scope: KSeriesScope;
  /** null: no body expected (DELETE). */
  response: z.ZodType<T> | null;
  request?: z.ZodType;
  /**
   * Safe to send again when the outcome is unknown (5xx, timeout, reset): reads, full
   * replacements, and orders/payments, which K-Series deduplicates by reference.
   */
  idempotent: boolean;
}

export type QueryValue = string | number | boolean | readonly (string | number)[] | undefined;

export interface CallInput {
  /** Concrete path with encoded parameters. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
}

export interface ClientLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface RetryPolicy {
  /** Per HTTP attempt (connect + headers + body). */
  attemptTimeoutMs: number;
  /** Whole call: limiter waits, attempts and backoff. */
  totalTimeoutMs: number;
  /** HTTP attempts, not counting the one retry after a 401 refresh. */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A Retry-After longer than this ends the call (retryable, with retryAfterMs) instead of waiting. */
  maxRetryAfterMs: number;
}

export interface TransportDeps {
  tokens: AccessTokenProvider;
  limiter: ConnectionLimiter;
  metrics: ClientMetrics;
  logger: ClientLogger;
  dispatcher: Dispatcher;
  policy: RetryPolicy;
}

type Outcome =
  | { type: 'response'; status: number; headers: Record<string, string | string[] | undefined>; text: string }
  | { type: 'network'; code: string; sent: boolean }
  | { type: 'timeout' };

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
// Failures that happen before a byte of the request left: safe to repeat even for non-idempotent calls.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else params.append(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Retry-After as milliseconds: delta-seconds or an HTTP-date. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential backoff with "equal jitter": half fixed, half random, so waits spread but grow. */
export function backoffDelay(retryIndex: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** retryIndex);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function errorCode(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown; cause?: { code?: unknown } };
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  return typeof e?.name === 'string' ? e.name : 'UNKNOWN';
}

function formatPath(path: PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

export function createTransport(deps: TransportDeps) {
  const { tokens, limiter, metrics, logger, dispatcher, policy } = deps;
  // A process talks to one or two K-Series base URLs: parse each once, not per attempt.
  const bases = new Map<string, { origin: string; basePath: string }>();
  function baseOf(baseUrl: string): { origin: string; basePath: string } {
    let base = bases.get(baseUrl);
    if (base === undefined) {
      const url = new URL(baseUrl);
      base = { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
      if (bases.size > 100) bases.clear();
      bases.set(baseUrl, base);
    }
    return base;
  }

  async function attempt(
    access: ConnectionAccess,
    ep: Endpoint<unknown>,
    input: CallInput,
    body: string | undefined,
    timeoutMs: number,
  ): Promise<Outcome> {
    const { origin, basePath } = baseOf(access.baseUrl);
    const headers: Record<string, string> = {
      authorization: `Bearer ${access.accessToken}`,
      accept: 'application/json, application/hal+json;q=0.9',
      'user-agent': 'kseries-ordering-integration',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      const res = await dispatcher.request({
        origin,
        path: `${basePath}${input.path}${buildQuery(input.query)}`,
        method: ep.method,
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = await res.body.text();
      return { type: 'response', status: res.statusCode, headers: res.headers, text };
    } catch (err) {
      const code = errorCode(err);
      if (code === 'TimeoutError' || code === 'AbortError' || TIMEOUT_CODES.has(code)) return { type: 'timeout' };
      return { type: 'network', code, sent: !NOT_SENT_CODES.has(code) };
    }
  }

  function parseSuccess<T>(ep: Endpoint<T>, endpoint: string, status: number, text: string): T {
    if (ep.response === null) return undefined as T;
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new KSeriesApiError({
        kind: 'invalid_response',
        endpoint,
        status,
        upstreamMessage: 'body is not JSON',
        retryable: false,
      });
    }
    const parsed = ep.response.safeParse(json);
    if (parsed.success) return parsed.data;
    const fields = parsed.error.issues.slice(0, 10).map((i) => ({ field: formatPath(i.path), message: i.message }));
    const message = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    throw new KSeriesApiError({
      kind: 'invalid_response',
      endpoint,
      status,
      upstreamMessage: message,
      retryable: false,
      fields,
    });
  }

  function failure(endpoint: string, outcome: Outcome, timeoutMs: number): KSeriesApiError {
    if (outcome.type === 'timeout') {
      return new KSeriesApiError({
        kind: 'timeout',
        endpoint,
        status: null,
        upstreamMessage: `no response within ${Math.max(0, timeoutMs)} ms`,
        retryable: true,
      });
    }
    if (outcome.type === 'network') {
      return new KSeriesApiError({
        kind: 'network',
        endpoint,
        status: null,
        upstreamMessage: `connection failed (${outcome.code})`,
        retryable: true,
      });
    }
    const { message, fields } = parseUpstreamError(outcome.status, outcome.text);
    const retryAfterMs = parseRetryAfter(outcome.headers['retry-after']);
    return new KSeriesApiError({
      kind: 'http',
      endpoint,
      status: outcome.status,
      upstreamMessage: message,
      retryable: RETRYABLE_STATUS.has(outcome.status) || outcome.status >= 500,
      fields,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }

  function shouldRetry(ep: Endpoint<unknown>, outcome: Outcome): string | null {
    if (outcome.type === 'response') {
      if (outcome.status === 429) return '429';
      return ep.idempotent && RETRYABLE_STATUS.has(outcome.status) ? String(outcome.status) : null;
    }
    if (outcome.type === 'timeout') return ep.idempotent ? 'timeout' : null;
    return ep.idempotent || !outcome.sent ? 'network' : null;
  }

  // While Redis is down every call would say so; once per 10 s is enough to notice.
  let limiterWarnedAt = 0;
  function limiterTrouble(err: unknown): void {
    if (Date.now() - limiterWarnedAt < 10_000) return;
    limiterWarnedAt = Date.now();
    logger.warn({ err }, 'kseries limiter unavailable (Redis); calling without a slot');
  }

  return async function call<T>(connectionId: string, ep: Endpoint<T>, input: CallInput): Promise<T> {
    const endpoint = `${ep.method} ${ep.template}`;
    const started = Date.now();
    const deadline = started + policy.totalTimeoutMs;
    let outcomeLabel = 'error';
    try {
      let body: string | undefined;
      if (input.body !== undefined) {
        const checked = ep.request ? ep.request.safeParse(input.body) : { success: true as const, data: input.body };
        if (!checked.success) {
          const fields = checked.error.issues
            .slice(0, 10)
            .map((i) => ({ field: formatPath(i.path), message: i.message }));
          throw new KSeriesApiError({
            kind: 'invalid_request',
            endpoint,
            status: null,
            retryable: false,
            fields,
            upstreamMessage: fields.map((f) => `${f.field}: ${f.message}`).join('; '),
          });
        }
        body = JSON.stringify(checked.data);
      }
      let access = await tokens.getAccess(connectionId);
      if (!access.scopes.includes(ep.scope)) {
        throw new KSeriesApiError({
          kind: 'missing_scope',
          endpoint,
          status: null,
          scope: ep.scope,
          retryable: false,
          upstreamMessage: `scope ${ep.scope} not granted`,
        });
      }
      let refreshed = false;
      let attempts = 0;
      let failures = 0;
      for (;;) {
        attempts += 1;
        const slot = await limiter.acquire(connectionId, deadline, limiterTrouble);
        metrics.limiterWait.observe(
          { outcome: !slot.ok ? 'rejected' : slot.bypassed ? 'bypassed' : 'acquired' },
          slot.waitedMs / 1000,
        );
        const timeoutMs = Math.min(policy.attemptTimeoutMs, deadline - Date.now());
        // No slot, or one that came too late to send anything: the limit used up the budget.
        if (!slot.ok || (timeoutMs <= 0 && slot.waitedMs > 0)) {
          if (slot.ok) await slot.release();
          outcomeLabel = 'rate_limited';
          throw new KSeriesApiError({
            kind: 'rate_limited',
            endpoint,
            status: null,
            retryable: true,
            attempts: attempts - 1,
            upstreamMessage: `the per-connection K-Series limit had no free slot within ${slot.waitedMs} ms`,
          });
        }
        const t0 = performance.now();
        let outcome: Outcome;
        try {
          outcome =
            timeoutMs > 0
              ? await attempt(access, ep as Endpoint<unknown>, input, body, timeoutMs)
              : { type: 'timeout' };
        } finally {
          await slot.release();
        }
        const durationMs = Math.round((performance.now() - t0) * 10) / 10;
        const status = outcome.type === 'response' ? String(outcome.status) : outcome.type;
        metrics.attempts.observe({ endpoint, status }, durationMs / 1000);
        const logFields = {
          kseries: { endpoint, path: input.path, connectionId, status, durationMs, attempt: attempts },
        };
        if (outcome.type === 'response' && outcome.status >= 200 && outcome.status < 300) {
          logger.info(logFields, 'kseries call');
          let result: T;
          try {
            result = parseSuccess(ep, endpoint, outcome.status, outcome.text);
          } catch (err) {
            throw err instanceof KSeriesApiError ? err.withAttempts(attempts) : err;
          }
          outcomeLabel = 'ok';
          return result;
        }
        if (outcome.type === 'response' && outcome.status === 401 && !refreshed) {
          logger.warn(logFields, 'kseries call unauthorized; refreshing the token once');
          metrics.unauthorizedRefreshes.inc({ endpoint });
          refreshed = true;
          access = await tokens.refreshAfterUnauthorized(connectionId, access.accessToken);
          continue;
        }
        const error = failure(endpoint, outcome, timeoutMs);
        logger.warn(
          { ...logFields, kseries: { ...logFields.kseries, error: error.upstreamMessage } },
          'kseries call failed',
        );
        const reason = shouldRetry(ep as Endpoint<unknown>, outcome);
        failures += 1;
        if (!reason || failures >= policy.maxAttempts) throw error.withAttempts(attempts);
        const retryAfter = error.retryAfterMs;
        if (retryAfter !== undefined && retryAfter > policy.maxRetryAfterMs) throw error.withAttempts(attempts);
        // Honour Retry-After as a floor; a little jitter keeps many waiters from returning together.
        const delay =
          retryAfter !== undefined
            ? retryAfter + Math.round(Math.random() * Math.min(250, retryAfter * 0.1))
            : backoffDelay(failures - 1, policy.backoffBaseMs, policy.backoffMaxMs);
        if (Date.now() + delay >= deadline) throw error.withAttempts(attempts);
        metrics.retries.inc({ endpoint, reason });
        await sleep(delay);
      }
    } catch (err) {
      if (outcomeLabel === 'error') outcomeLabel = err instanceof KSeriesApiError ? err.kind : 'unavailable';
      throw err;
    } finally {
      metrics.calls.observe({ endpoint, outcome: outcomeLabel }, (Date.now() - started) / 1000);
    }
  };
}

export type Transport = ReturnType<typeof createTransport>;
