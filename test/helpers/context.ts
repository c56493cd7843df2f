// Each test file gets its own Postgres schema and Redis key prefix, so files run in parallel
// without sharing state. The app under test is the real one, built with buildApp.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createPrisma, type PrismaClient } from '../../src/db/prisma.js';
import { migrate } from '../../src/db/migrate.js';
import { loggerOptions } from '../../src/lib/logger.js';
import { createRedis, closeRedis } from '../../src/lib/redis.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL, TEST_SCHEMA_PREFIX } from './env.js';
import { throughProxy, type TcpProxy } from './tcp-proxy.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
/** /metrics needs it (src/plugins/metrics.ts): `headers: METRICS_AUTH`. */
export const METRICS_TOKEN = 'test-metrics-token-0123456789';
export const METRICS_AUTH = { authorization: `Bearer ${METRICS_TOKEN}` };

export interface TestDatabase {
  url: string;
  schema: string;
  prisma: PrismaClient;
  drop(): Promise<void>;
}

/** A freshly migrated schema of its own. */
export async function createTestDatabase(): Promise<TestDatabase> {
  // The creation time in the name lets global setup sweep only stale leftovers.
  const schema = `${TEST_SCHEMA_PREFIX}${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const url = `${TEST_DATABASE_URL}?schema=${schema}`;
  await migrate(url);
  const prisma = createPrisma(url, { poolSize: 5 });
  return {
    url,
    schema,
    prisma,
    async drop() {
      await prisma.$disconnect();
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: TEST_DATABASE_URL,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: `test:${randomBytes(6).toString('hex')}`,
    ADMIN_TOKEN,
    METRICS_TOKEN,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...overrides,
  });
}

/** Deletes every Redis key under a prefix (a test's own queues, locks and caches). */
export async function clearRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = createRedis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await closeRedis(redis);
  }
}

export interface TestContext {
  app: FastifyInstance;
  config: Config;
  /** db.prisma talks to Postgres directly: migrations, fixtures and assertions. */
  db: TestDatabase;
  /** What the app and the test's workers use: db.prisma, or a client through options.via.postgres. */
  prisma: PrismaClient;
  close(): Promise<void>;
}

export interface TestContextOptions {
  /** Every log line of the app is pushed here (at the configured LOG_LEVEL). */
  captureLogs?: string[];
  /** Runs before the app is ready: add hooks here. */
  beforeReady?: (app: FastifyInstance) => void;
  /** Outage tests: the app and workers reach Postgres / Redis through these fault proxies. */
  via?: { postgres?: TcpProxy; redis?: TcpProxy };
}

export async function createTestContext(
  overrides: Record<string, string> = {},
  options: TestContextOptions = {},
): Promise<TestContext> {
  const db = await createTestDatabase();
  const { via } = options;
  const databaseUrl = via?.postgres ? throughProxy(db.url, via.postgres) : db.url;
  const config = testConfig({
    ...overrides,
    DATABASE_URL: databaseUrl,
    ...(via?.redis ? { REDIS_URL: throughProxy(overrides.REDIS_URL ?? TEST_REDIS_URL, via.redis) } : {}),
  });
  const prisma = via?.postgres ? createPrisma(databaseUrl, { poolSize: 5 }) : db.prisma;
  const lines = options.captureLogs;
  const logger = lines
    ? pino(
        loggerOptions(config),
        new Writable({
          write(chunk, _enc, done) {
            lines.push(String(chunk));
            done();
          },
        }),
      )
    : undefined;
  const app = await buildApp({ config, prisma, ...(logger ? { logger } : {}) });
  options.beforeReady?.(app);
  await app.ready();
  return {
    app,
    config,
    db,
    prisma,
    async close() {
      await app.close();
      // Directly, not through a proxy that a failed test may have left cut.
      await clearRedisPrefix(
        via?.redis ? (overrides.REDIS_URL ?? TEST_REDIS_URL) : config.REDIS_URL,
        config.REDIS_PREFIX,
      );
      if (prisma !== db.prisma) await prisma.$disconnect();
      await db.drop();
    },
  };
}

/** Creates a vendor through the admin API and returns its id and first key. */
export async function createVendor(app: FastifyInstance, name = 'Vendor'): Promise<{ id: string; apiKey: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/admin/vendors',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    payload: { name },
  });
  if (res.statusCode !== 201) throw new Error(`vendor creation failed: ${res.statusCode} ${res.body}`);
  const body = res.json() as { id: string; apiKey: string };
  return { id: body.id, apiKey: body.apiKey };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
