// Test-only K-Series plumbing: a listening sandbox, an AccessTokenProvider that gets its tokens
// from the sandbox's OAuth over HTTP (authorize form approve -> code -> token, refresh on 401),
// and a client wired to both.
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import type { Redis } from 'ioredis';
import type { Dispatcher } from 'undici';
import {
  ConnectionUnavailableError,
  type AccessTokenProvider,
  type ConnectionAccess,
} from '../../src/integrations/lightspeed/access-token-provider.js';
import {
  createKSeriesClient,
  type KSeriesClient,
  type RetryPolicy,
} from '../../src/integrations/lightspeed/client/index.js';
import { buildSandbox, SANDBOX_SEED, type SandboxInstance } from '../../src/sandbox/app.js';

export { SANDBOX_SEED };

export const SANDBOX_CLIENT = {
  clientId: 'client-tests',
  clientSecret: 'client-tests-secret',
  redirectUri: 'http://127.0.0.1:9/lightspeed/callback',
};

export interface RunningSandbox {
  app: SandboxInstance;
  url: string;
  close(): Promise<void>;
  /** Calls to the control API (/__sandbox/...). */
  control<T = unknown>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T>;
  /** How many requests the sandbox received for "METHOD /route/template". */
  requestCount(endpoint: string): Promise<number>;
}

export async function startSandbox(): Promise<RunningSandbox> {
  const app = await buildSandbox({
    clients: [{ ...SANDBOX_CLIENT, redirectUris: [SANDBOX_CLIENT.redirectUri], name: 'Client tests' }],
    webhookDelayMs: 5,
    webhookRetryDelayMs: 10,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  async function control<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${url}/__sandbox${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`sandbox control ${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
  return {
    app,
    url,
    close: () => app.close(),
    control,
    async requestCount(endpoint) {
      const counts = await control<{ byEndpoint: Record<string, number> }>('GET', '/requests');
      return counts.byEndpoint[endpoint] ?? 0;
    },
  };
}

interface Held {
  access: ConnectionAccess;
  refreshToken: string;
}

export interface SandboxTokenProvider extends AccessTokenProvider {
  /** refreshAfterUnauthorized calls that rotated the token. */
  refreshes: number;
  /** The access currently held for a connection (after at least one getAccess). */
  current(connectionId: string): ConnectionAccess | undefined;
}

/**
 * Each connection id gets its own grant, obtained the way a merchant would: the authorize form
 * approved, the code exchanged at the token endpoint with HTTP Basic client authentication.
 */
export function createSandboxTokenProvider(
  baseUrl: string,
  options: { scopes?: string[]; username?: string; password?: string } = {},
): SandboxTokenProvider {
  const scopes = options.scopes ?? ['orders-api', 'financial-api', 'items'];
  const held = new Map<string, Promise<Held>>();
  const basic = `Basic ${Buffer.from(`${SANDBOX_CLIENT.clientId}:${SANDBOX_CLIENT.clientSecret}`).toString('base64')}`;

  async function token(form: Record<string, string>, connectionId: string): Promise<Held> {
    const res = await fetch(`${baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
    const body = (await res.json()) as {
      access_token?: string;
      refresh_token?: string;
      scope?: string;
      error?: string;
    };
    if (!res.ok || !body.access_token || !body.refresh_token) {
      throw new ConnectionUnavailableError(
        connectionId,
        'RECONNECT_REQUIRED',
        `sandbox token endpoint: ${res.status} ${body.error ?? ''}`,
      );
    }
    return {
      access: {
        accessToken: body.access_token,
        baseUrl,
        scopes: (body.scope ?? scopes.join(' ')).split(/\s+/).filter(Boolean),
      },
      refreshToken: body.refresh_token,
    };
  }

  async function authorize(connectionId: string): Promise<Held> {
    const res = await fetch(`${baseUrl}/oauth/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        response_type: 'code',
        client_id: SANDBOX_CLIENT.clientId,
        redirect_uri: SANDBOX_CLIENT.redirectUri,
        scope: scopes.join(' '),
        state: connectionId,
        username: options.username ?? SANDBOX_SEED.merchant.username,
        password: options.password ?? SANDBOX_SEED.merchant.password,
        decision: 'approve',
      }),
    });
    const location = res.headers.get('location');
    const code = location ? new URL(location).searchParams.get('code') : null;
    if (res.status !== 302 || !code)
      throw new Error(`sandbox authorize did not redirect with a code: ${res.status} ${await res.text()}`);
    return token({ grant_type: 'authorization_code', code, redirect_uri: SANDBOX_CLIENT.redirectUri }, connectionId);
  }

  const latest = new Map<string, ConnectionAccess>();
  const provider: SandboxTokenProvider = {
    refreshes: 0,
    current: (connectionId) => latest.get(connectionId),
    async getAccess(connectionId) {
      let entry = held.get(connectionId);
      if (!entry) {
        entry = authorize(connectionId);
        held.set(connectionId, entry);
      }
      const { access } = await entry;
      latest.set(connectionId, access);
      return access;
    },
    async refreshAfterUnauthorized(connectionId, rejectedAccessToken) {
      const entry = held.get(connectionId);
      if (!entry) return provider.getAccess(connectionId);
      const current = await entry;
      // Another caller already rotated it: use theirs.
      if (current.access.accessToken !== rejectedAccessToken) return current.access;
      const next = token({ grant_type: 'refresh_token', refresh_token: current.refreshToken }, connectionId);
      held.set(connectionId, next);
      provider.refreshes += 1;
      const { access } = await next;
      latest.set(connectionId, access);
      return access;
    },
  };
  return provider;
}

export interface LogLine {
  level: 'info' | 'warn';
  obj: Record<string, unknown>;
  msg: string;
}

export const FAST_RETRY: RetryPolicy = {
  attemptTimeoutMs: 2_000,
  totalTimeoutMs: 10_000,
  maxAttempts: 4,
  backoffBaseMs: 20,
  backoffMaxMs: 200,
  maxRetryAfterMs: 5_000,
};

/** A client on the sandbox with a recording logger and its own metrics registry. */
export function createTestClient(deps: {
  tokens: AccessTokenProvider;
  redis: Redis;
  prefix: string;
  retry?: Partial<RetryPolicy>;
  limits?: { maxConcurrent?: number; ratePerSecond?: number; burst?: number; trimMs?: number };
  dispatcher?: Dispatcher;
}): { client: KSeriesClient; logs: LogLine[]; registry: Registry } {
  const logs: LogLine[] = [];
  const registry = new Registry();
  const client = createKSeriesClient({
    tokens: deps.tokens,
    redis: deps.redis,
    redisKey: (...parts: string[]) => [deps.prefix, ...parts].join(':'),
    registry,
    logger: {
      info: (obj, msg) => logs.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
      warn: (obj, msg) => logs.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
    },
    retry: { ...FAST_RETRY, ...deps.retry },
    limits: { maxConcurrent: 20, ratePerSecond: 1000, burst: 1000, redisTimeoutMs: 500, ...deps.limits },
    connectionsPerOrigin: 16,
    connectTimeoutMs: 2_000,
    ...(deps.dispatcher ? { dispatcher: deps.dispatcher } : {}),
  });
  return { client, logs, registry };
}
