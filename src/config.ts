// The only place that reads process.env. Everything else receives a validated Config.
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';

const LOCAL_ADMIN_TOKEN = 'dev-admin-token-change-me';
// 32 zero bytes: fine for a laptop, refused in production.
const LOCAL_ENCRYPTION_KEY = Buffer.alloc(32).toString('base64');
const LOCAL_SESSION_SECRET = 'dev-session-secret-change-me-0123456789';
const LOCAL_CLIENT_SECRET = 'dev-secret';
const LOCAL_WEBHOOK_PASSWORD = 'dev-webhook-password';

// Every secret value that is published (here, in .env.example, README, the sandbox's defaults):
// anyone can read them, so a production process holding one is as good as unprotected.
// test/config.test.ts checks that .env.example's secrets are all in this list.
export const PUBLISHED_SECRETS: ReadonlySet<string> = new Set([
  LOCAL_ADMIN_TOKEN,
  LOCAL_SESSION_SECRET,
  LOCAL_ENCRYPTION_KEY,
  LOCAL_CLIENT_SECRET,
  LOCAL_WEBHOOK_PASSWORD,
  'dev-metrics-token-change-me',
]);

const base64Key = z.string().refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64 encoded');

const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const httpUrl = z.url({ protocol: /^https?$/ });

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // Unset: http://localhost:PORT, so changing PORT alone keeps the OAuth callback working.
  PUBLIC_URL: httpUrl.optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .default('postgresql://postgres@127.0.0.1:5432/kseries'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
  // Every Redis key and BullMQ queue lives under this prefix, so several deployments
  // (or parallel test files) can share one Redis without seeing each other.
  REDIS_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_:-]+$/)
    .default('kseries'),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').default(LOCAL_ADMIN_TOKEN),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').default(LOCAL_SESSION_SECRET),
  TOKEN_ENCRYPTION_KEY: base64Key.default(LOCAL_ENCRYPTION_KEY),
  TOKEN_ENCRYPTION_KEY_VERSION: z.coerce.number().int().min(1).default(1),
  // Keys of earlier versions, still needed to read old ciphertexts: "1:base64,2:base64".
  TOKEN_ENCRYPTION_PREVIOUS_KEYS: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const keys = new Map<number, Buffer>();
      for (const part of v
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const [version, key] = part.split(':');
        const buf = Buffer.from(key ?? '', 'base64');
        if (!/^\d+$/.test(version ?? '') || buf.length !== 32) {
          ctx.addIssue({ code: 'custom', message: 'expected "version:base64key" pairs separated by commas' });
          return z.NEVER;
        }
        keys.set(Number(version), buf);
      }
      return keys;
    }),
  LIGHTSPEED_ENV: z.enum(['sandbox', 'trial', 'production']).default('sandbox'),
  LIGHTSPEED_CLIENT_ID: z.string().min(1).default('dev-client'),
  LIGHTSPEED_CLIENT_SECRET: z.string().min(1).default(LOCAL_CLIENT_SECRET),
  LIGHTSPEED_SCOPES: z.string().min(1).default('orders-api financial-api items'),
  // Unset: http://127.0.0.1:SANDBOX_PORT, so every process (API, worker, CLI) finds a sandbox
  // that was moved with SANDBOX_PORT alone.
  LIGHTSPEED_SANDBOX_URL: httpUrl.optional(),
  // One K-Series business belongs to one vendor at a time. true lets several vendors connect the
  // same business: the built-in sandbox has two businesses for all of a developer's vendors.
  // Refused with NODE_ENV=production.
  LIGHTSPEED_SHARED_BUSINESS_ALLOWED: booleanFlag.default(false),
  LIGHTSPEED_WEBHOOK_USER: z.string().min(1).default('lightspeed'),
  LIGHTSPEED_WEBHOOK_PASSWORD: z.string().min(12, 'must be at least 12 characters').default(LOCAL_WEBHOOK_PASSWORD),
  // The previous pair stays valid while Lightspeed's registration is being rotated.
  LIGHTSPEED_WEBHOOK_USER_PREVIOUS: z.string().min(1).optional(),
  LIGHTSPEED_WEBHOOK_PASSWORD_PREVIOUS: z.string().min(1).optional(),
  // K-Series client: timeouts, retries (429/502/503/504/network) and the per-connection limit
  // shared by all processes. K-Series publishes no rate limits; these protect it from one vendor.
  KSERIES_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  KSERIES_TOTAL_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  KSERIES_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
  KSERIES_BACKOFF_BASE_MS: z.coerce.number().int().min(1).default(200),
  KSERIES_BACKOFF_MAX_MS: z.coerce.number().int().min(1).default(5_000),
  KSERIES_MAX_RETRY_AFTER_MS: z.coerce.number().int().min(0).default(15_000),
  KSERIES_MAX_CONCURRENT_PER_CONNECTION: z.coerce.number().int().min(0).default(20),
  KSERIES_RATE_PER_CONNECTION: z.coerce.number().min(0).default(100),
  KSERIES_BURST_PER_CONNECTION: z.coerce.number().int().min(1).default(200),
  KSERIES_CONNECTIONS_PER_ORIGIN: z.coerce.number().int().min(1).default(64),
  // Catalog cache: rarely-changing data (menus, taxes, ...) and live data (availability, readiness).
  CATALOG_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).default(300),
  CATALOG_LIVE_TTL_SECONDS: z.coerce.number().int().min(1).default(10),
  // Idle connections: a scheduled sweep refreshes access tokens that expire within the window.
  LIGHTSPEED_TOKEN_SWEEP_SECONDS: z.coerce.number().int().min(1).default(60),
  LIGHTSPEED_TOKEN_REFRESH_AHEAD_SECONDS: z.coerce.number().int().min(60).default(600),
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: booleanFlag.optional(),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  // How long we keep trying to get an order onto the POS before flagging it for an operator.
  ORDER_DELIVERY_DEADLINE_SECONDS: z.coerce.number().int().min(60).default(900),
  // An order submitted without an outcome webhook for this long is reconciled with K-Series.
  ORDER_OUTCOME_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(120),
  // How often the sweeper looks for orders whose job went missing or timed out.
  ORDER_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(30),
  // Processed and ignored webhook events are deleted this many days after processing (received
  // and failed ones never are); how often that clean-up runs. The upper bound keeps the cutoff a
  // valid date.
  WEBHOOK_EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(30),
  WEBHOOK_EVENT_RETENTION_INTERVAL_SECONDS: z.coerce.number().int().min(60).default(3600),
  // The worker process serves /healthz and /metrics here (0 = any free port).
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  // A job whose worker died (kill -9, lost host) is taken over after its lock expires: BullMQ's
  // lock duration and stalled-job check interval. Shorter = faster recovery, more Redis traffic.
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(500).default(30_000),
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(30_000),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(20),
  // Rate limits (fixed window, counted in Redis so every API process shares them; 0 = no limit):
  // requests per vendor API key on /v1; refused (401) webhook calls per client IP; requests per
  // client IP on the OAuth callback and the back-office sign-in. A 429 carries Retry-After.
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  RATE_LIMIT_PER_API_KEY: z.coerce.number().int().min(0).default(3000),
  RATE_LIMIT_WEBHOOK_FAILURES_PER_IP: z.coerce.number().int().min(0).default(30),
  RATE_LIMIT_CALLBACK_PER_IP: z.coerce.number().int().min(0).default(60),
  RATE_LIMIT_SIGN_IN_PER_IP: z.coerce.number().int().min(0).default(20),
  // Refused (401) authentications on /v1 and /admin per client IP: guessing keys or the admin
  // token costs the guesser, not the vendors (their own limit is per key).
  RATE_LIMIT_AUTH_FAILURES_PER_IP: z.coerce.number().int().min(0).default(30),
  // Which X-Forwarded-For entries to believe (the client IP, for per-IP limits and logs): the
  // addresses/CIDRs of our proxies ("10.0.0.0/8,loopback"; best), a number of proxy hops ("1":
  // the entry the last proxy appended), "true" (all: forgeable) or "false" (the peer's address).
  // Off by default: a service exposed directly would otherwise take a forged header as the
  // client's address, and every per-IP limit would be one header away from bypassed.
  TRUST_PROXY: z
    .string()
    .trim()
    .regex(
      /^(true|false|\d{1,2}|(loopback|linklocal|uniquelocal|[0-9a-fA-F:.]+(\/\d{1,3})?)(\s*,\s*(loopback|linklocal|uniquelocal|[0-9a-fA-F:.]+(\/\d{1,3})?))*)$/,
      'expected true, false, a number of hops, or proxy addresses/CIDRs separated by commas',
    )
    .default('false'),
  // Bearer token Prometheus sends to /metrics (API, and the worker's port when set). Unset: the
  // API does not serve /metrics at all (it lists internals); the worker's port stays open, as
  // it is an internal port that must not be exposed.
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  // Vendor callbacks may go to loopback, private and link-local addresses (a developer's local
  // receiver). Unset: allowed in development and test, refused in production (SSRF).
  CALLBACK_ALLOW_PRIVATE_NETWORKS: booleanFlag.optional(),
  // The queue dashboard (/admin/queues) without retry/clean/remove/obliterate buttons.
  QUEUE_DASHBOARD_READ_ONLY: booleanFlag.default(false),
  // Financial and item sync (custom integrations poll: no webhooks). Per-location interval; how
  // often workers reconcile the per-location schedules with connected, mapped locations; how far
  // back a location's first sync reads; how much each run re-reads before where the last stopped
  // (K-Series dates late changes to the original day); the per-location lock's lease.
  FINANCIAL_SYNC_INTERVAL_SECONDS: z.coerce.number().int().min(10).default(3600),
  FINANCIAL_SCHEDULE_REFRESH_SECONDS: z.coerce.number().int().min(1).default(300),
  FINANCIAL_SYNC_INITIAL_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  FINANCIAL_SYNC_LOOKBACK_HOURS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 31)
    .default(24),
  FINANCIAL_SYNC_LOCK_TTL_SECONDS: z.coerce.number().int().min(1).default(120),
});

type Env = z.infer<typeof envSchema>;

export type Config = Omit<Env, 'PUBLIC_URL' | 'LIGHTSPEED_SANDBOX_URL' | 'CALLBACK_ALLOW_PRIVATE_NETWORKS'> & {
  CALLBACK_ALLOW_PRIVATE_NETWORKS: boolean;
  /** Without a trailing slash; http://localhost:PORT when unset. */
  PUBLIC_URL: string;
  /** http://127.0.0.1:SANDBOX_PORT when unset. */
  LIGHTSPEED_SANDBOX_URL: string;
  /** Scopes requested at connect, split. */
  lightspeedScopes: string[];
  /** The OAuth redirect URI registered at Lightspeed. */
  oauthRedirectUri: string;
};

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function isPublished(value: string): boolean {
  if (PUBLISHED_SECRETS.has(value.trim())) return true;
  // Any all-zero key (base64 with or without padding) is the published local key.
  return /^A+=*$/.test(value.trim()) && Buffer.from(value, 'base64').every((b) => b === 0);
}

/** Values that are fine on a laptop and dangerous anywhere else. */
function productionProblems(env: Env, raw: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (env.NODE_ENV === 'production') {
    for (const name of [
      'ADMIN_TOKEN',
      'SESSION_SECRET',
      'TOKEN_ENCRYPTION_KEY',
      'LIGHTSPEED_WEBHOOK_PASSWORD',
    ] as const) {
      if (!raw[name]) problems.push(`${name}: must be set explicitly when NODE_ENV=production`);
    }
    if (env.LIGHTSPEED_SHARED_BUSINESS_ALLOWED) {
      problems.push('LIGHTSPEED_SHARED_BUSINESS_ALLOWED: must be false when NODE_ENV=production');
    }
    // The sandbox registers the published client secret; real Lightspeed environments never should.
    const secrets: (keyof Env)[] = [
      'ADMIN_TOKEN',
      'SESSION_SECRET',
      'TOKEN_ENCRYPTION_KEY',
      'LIGHTSPEED_WEBHOOK_PASSWORD',
      'LIGHTSPEED_WEBHOOK_PASSWORD_PREVIOUS',
      'METRICS_TOKEN',
      ...(env.LIGHTSPEED_ENV === 'sandbox' ? [] : (['LIGHTSPEED_CLIENT_SECRET'] as const)),
    ];
    for (const name of secrets) {
      const value = raw[name];
      if (value !== undefined && isPublished(value)) {
        problems.push(`${name}: is a published development value; generate a secret of your own for production`);
      }
    }
    for (const [version, key] of env.TOKEN_ENCRYPTION_PREVIOUS_KEYS) {
      if (isPublished(key.toString('base64'))) {
        problems.push(`TOKEN_ENCRYPTION_PREVIOUS_KEYS: key ${version} is a published development value`);
      }
    }
  }
  if (env.LIGHTSPEED_ENV !== 'sandbox' && !env.PUBLIC_URL?.startsWith('https://')) {
    problems.push(
      `PUBLIC_URL: must be https:// when LIGHTSPEED_ENV=${env.LIGHTSPEED_ENV} (Lightspeed only accepts HTTPS redirect URIs)`,
    );
  }
  if (Boolean(env.LIGHTSPEED_WEBHOOK_USER_PREVIOUS) !== Boolean(env.LIGHTSPEED_WEBHOOK_PASSWORD_PREVIOUS)) {
    problems.push('LIGHTSPEED_WEBHOOK_USER_PREVIOUS / LIGHTSPEED_WEBHOOK_PASSWORD_PREVIOUS: set both or neither');
  }
  return problems;
}

/**
 * The process environment over `.env` (of the working directory, if there is one): a real
 * environment variable always wins, as with Node's --env-file. Read here rather than with
 * --env-file-if-exists because that flag prints a notice on every run without a .env, and
 * every entry point (dev, start, worker, migrate, cli) goes through loadConfig anyway.
 */
export function environment(envFile = '.env'): Record<string, string | undefined> {
  let text: string;
  try {
    text = readFileSync(envFile, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return process.env;
    throw new ConfigError([`${envFile}: cannot be read (${(err as Error).message})`]);
  }
  return { ...parseEnv(text), ...process.env };
}

/** Parses and validates the environment. Throws ConfigError naming every bad variable. */
export function loadConfig(raw: Record<string, string | undefined> = environment()): Config {
  // An empty string means "not set", as in a .env file with `NAME=`.
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
  }
  const env = parsed.data;
  const problems = productionProblems(env, cleaned);
  if (problems.length > 0) throw new ConfigError(problems);
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  return {
    ...env,
    PUBLIC_URL: publicUrl,
    LIGHTSPEED_SANDBOX_URL: env.LIGHTSPEED_SANDBOX_URL ?? `http://127.0.0.1:${env.SANDBOX_PORT}`,
    CALLBACK_ALLOW_PRIVATE_NETWORKS: env.CALLBACK_ALLOW_PRIVATE_NETWORKS ?? env.NODE_ENV !== 'production',
    lightspeedScopes: env.LIGHTSPEED_SCOPES.split(/\s+/).filter(Boolean),
    oauthRedirectUri: `${publicUrl}/lightspeed/callback`,
  };
}
