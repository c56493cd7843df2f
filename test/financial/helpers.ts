// A test app connected (through the real connect flow) to a listening sandbox, with a recording
// proxy in between so tests can see every K-Series request our code made and when: which pages,
// with which nextPageToken, and how many ran at once for a location.
import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { Registry } from 'prom-client';
import { createLightspeedCore, type LightspeedCore } from '../../src/services/connections/lightspeed-core.js';
import { closeRedis, createRedis, redisKey } from '../../src/lib/redis.js';
import { createFinancialSync, type FinancialSync } from '../../src/services/financial/sync.js';
import type { LightMyRequestResponse } from 'fastify';
import { FAST_KSERIES_ENV } from '../catalog/helpers.js';
import { CLIENT_ID, CLIENT_SECRET, connectedVendor, startSandbox, type Sandbox } from '../connect/helpers.js';
import { bearer, createTestContext, type TestContext } from '../helpers/context.js';
import { SANDBOX_SEED } from '../../src/sandbox/app.js';

export { SANDBOX_SEED };
export const AMS = SANDBOX_SEED.locations.amsterdam;
export const NYC = SANDBOX_SEED.locations.newYork;

export interface Recorded {
  method: string;
  url: string;
  start: number;
  end: number;
}

export interface RecordingProxy {
  url: string;
  target: string;
  requests: Recorded[];
  close(): Promise<void>;
}

export async function startRecordingProxy(): Promise<RecordingProxy> {
  const proxy: RecordingProxy = { url: '', target: '', requests: [], close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const start = Date.now();
    const target = new URL(req.url ?? '/', proxy.target);
    const upstream = httpRequest(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    res.on('finish', () =>
      proxy.requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', start, end: Date.now() }),
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}

/** The most requests matching `filter` that were in flight at the same moment. */
export function maxInFlight(requests: readonly Recorded[], filter: (r: Recorded) => boolean): number {
  const events = requests.filter(filter).flatMap((r) => [
    { t: r.start, d: 1 },
    { t: r.end, d: -1 },
  ]);
  // Ends sort before starts at the same millisecond: back-to-back requests do not overlap.
  events.sort((a, b) => a.t - b.t || a.d - b.d);
  let current = 0;
  let max = 0;
  for (const e of events) {
    current += e.d;
    max = Math.max(max, current);
  }
  return max;
}

export interface FinancialContext {
  ctx: TestContext;
  sandbox: Sandbox;
  proxy: RecordingProxy;
  vendor: { id: string; apiKey: string; connectionId: string };
  /** Mapped to the sandbox's Amsterdam and New York business locations. */
  locationId: string;
  nycLocationId: string;
  /** A sync service like the worker's, called directly. */
  sync: FinancialSync;
  core: LightspeedCore;
  /** Where `sync` records its metrics. */
  registry: Registry;
  get(path: string): Promise<LightMyRequestResponse>;
  post(path: string, payload?: unknown): Promise<LightMyRequestResponse>;
  control<T = unknown>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T>;
  /** A K-Series access token of our client, for checking the sandbox independently. */
  sandboxToken(scopes?: string[]): Promise<string>;
  generate(businessLocationId: number, count: number, from: Date, to: Date, seed?: number): Promise<void>;
  /** Environment for a worker process sharing this app's database, Redis prefix and sandbox. */
  workerEnv(extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

const PUBLIC_URL = 'http://127.0.0.1:3999';

/**
 * The connect tests' building blocks (sandbox, test context, OAuth dance), with the recording
 * proxy as the app's K-Series base URL. `LIGHTSPEED_SCOPES` in `env` decides what is granted.
 */
export async function createFinancialContext(env: Record<string, string> = {}): Promise<FinancialContext> {
  const proxy = await startRecordingProxy();
  const sandbox = await startSandbox({ redirectUri: `${PUBLIC_URL}/lightspeed/callback` });
  proxy.target = sandbox.url;
  const settings = {
    ...FAST_KSERIES_ENV,
    FINANCIAL_SYNC_INITIAL_DAYS: '7',
    FINANCIAL_SYNC_LOCK_TTL_SECONDS: '5',
    ...env,
  };
  const ctx = await createTestContext({
    PUBLIC_URL,
    LIGHTSPEED_ENV: 'sandbox',
    LIGHTSPEED_SANDBOX_URL: proxy.url,
    LIGHTSPEED_CLIENT_ID: CLIENT_ID,
    LIGHTSPEED_CLIENT_SECRET: CLIENT_SECRET,
    ...settings,
  });
  const { app, config, db } = ctx;
  const vendor = await connectedVendor(ctx, 'Financial vendor');
  const auth = bearer(vendor.apiKey);
  async function createLocation(businessLocationId: number): Promise<string> {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: auth,
      payload: { name: `Location ${businessLocationId}`, businessLocationId },
    });
    if (res.statusCode !== 201) throw new Error(`location creation failed: ${res.statusCode} ${res.body}`);
    return (res.json() as { id: string }).id;
  }
  async function control<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${sandbox.url}/__sandbox${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`sandbox control ${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
  const locationId = await createLocation(AMS.id);
  const nycLocationId = await createLocation(NYC.id);
  const redis = createRedis(config.REDIS_URL);
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) as unknown as FastifyBaseLogger;
  const keys = { redis, redisKey: (...parts: string[]) => redisKey(config.REDIS_PREFIX, ...parts) };
  const registry = new Registry();
  const core = createLightspeedCore({ config, prisma: db.prisma, ...keys, log, registry });
  const sync = createFinancialSync({
    prisma: db.prisma,
    ...keys,
    kseries: core.kseries,
    integrationLog: core.integrationLog,
    log,
    registry,
    settings: {
      initialDays: config.FINANCIAL_SYNC_INITIAL_DAYS,
      lookbackMs: config.FINANCIAL_SYNC_LOOKBACK_HOURS * 3600_000,
      lockTtlMs: config.FINANCIAL_SYNC_LOCK_TTL_SECONDS * 1000,
    },
  });
  return {
    ctx,
    sandbox,
    proxy,
    vendor,
    locationId,
    nycLocationId,
    sync,
    core,
    registry,
    control,
    get: (path) => app.inject({ method: 'GET', url: path, headers: auth }),
    post: (path, payload) =>
      app.inject({
        method: 'POST',
        url: path,
        headers: auth,
        ...(payload === undefined ? {} : { payload: payload as object }),
      }),
    async sandboxToken(scopes = ['financial-api', 'items']) {
      return (await control<{ access_token: string }>('POST', '/tokens', { clientId: CLIENT_ID, scopes })).access_token;
    },
    async generate(businessLocationId, count, from, to, seed = 1) {
      await control('POST', '/sales/generate', {
        businessLocationId,
        count,
        from: from.toISOString(),
        to: to.toISOString(),
        seed,
      });
    },
    workerEnv(extra = {}) {
      return {
        NODE_ENV: 'test',
        DATABASE_URL: db.url,
        REDIS_URL: config.REDIS_URL,
        REDIS_PREFIX: config.REDIS_PREFIX,
        PUBLIC_URL,
        LIGHTSPEED_ENV: 'sandbox',
        LIGHTSPEED_SANDBOX_URL: proxy.url,
        LIGHTSPEED_CLIENT_ID: CLIENT_ID,
        LIGHTSPEED_CLIENT_SECRET: CLIENT_SECRET,
        WORKER_METRICS_PORT: '0',
        LOG_LEVEL: 'info',
        ...settings,
        ...extra,
      };
    },
    async close() {
      await core.close();
      await closeRedis(redis);
      await ctx.close();
      await sandbox.close();
      await proxy.close();
    },
  };
}

/** Sandbox financial reads with our own token, independent of the code under test. */
export async function sandboxGet<T>(ctx: FinancialContext, token: string, path: string): Promise<T> {
  const res = await fetch(`${ctx.sandbox.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Parses RFC 4180 CSV (quoted fields, CRLF) into rows of named cells. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ''])));
}
