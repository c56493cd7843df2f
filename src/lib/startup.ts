// What every entry point does before and around its real work: check that PostgreSQL and Redis
// answer, listen on a port that may be taken, and turn the expected start-up failures (bad
// configuration, a dependency not running, a taken port) into ONE line that says what to do,
// instead of a stack trace or a reconnect loop that never ends.
import { Redis } from 'ioredis';
import pg from 'pg';

/** An expected start-up failure: its message is the whole story, no stack trace. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

const DOCKER_HINT = 'start it, or run `docker compose up -d postgres redis`';
// Long enough for a slow local connect, short enough that a newcomer is not left waiting.
const CHECK_TIMEOUT_MS = 3_000;

function hostPort(url: string, defaultPort: number): string {
  try {
    const u = new URL(url);
    return `${u.hostname || '127.0.0.1'}:${u.port || defaultPort}`;
  } catch {
    return url;
  }
}

// Errors that mean "nothing answers there", as opposed to "it answered and refused us".
const UNREACHABLE = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNRESET', 'EAI_AGAIN']);

function isUnreachable(err: unknown): boolean {
  const e = err as { code?: string; message?: string; errors?: unknown[] };
  if (e?.code && UNREACHABLE.has(e.code)) return true;
  // Node's happy-eyeballs connect reports an AggregateError of the per-address attempts.
  if (Array.isArray(e?.errors)) return e.errors.some(isUnreachable);
  return /timeout|terminated unexpectedly/i.test(e?.message ?? '');
}

/**
 * Connects once to DATABASE_URL's server. A database that does not exist yet counts as reachable
 * (migrate creates it); anything else that stops us is reported naming DATABASE_URL.
 */
export async function checkPostgres(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  url.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: CHECK_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === '3D000') return; // database does not exist: migrate creates it
    const where = hostPort(databaseUrl, 5432);
    if (isUnreachable(err))
      throw new StartupError(`PostgreSQL is not reachable at ${where} (DATABASE_URL): ${DOCKER_HINT}.`);
    throw new StartupError(`PostgreSQL at ${where} refused us (DATABASE_URL): ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** One connection attempt and a PING to REDIS_URL, no retries. */
export async function checkRedis(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: CHECK_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => undefined);
  const where = hostPort(redisUrl, 6379);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    if (isUnreachable(err) || redis.status !== 'ready')
      throw new StartupError(`Redis is not reachable at ${where} (REDIS_URL): ${DOCKER_HINT}.`);
    throw new StartupError(`Redis at ${where} refused us (REDIS_URL): ${(err as Error).message}`);
  } finally {
    redis.disconnect();
  }
}

/** Both checks at once: start-up fails within CHECK_TIMEOUT_MS, naming the first culprit. */
export async function checkDependencies(config: { DATABASE_URL: string; REDIS_URL: string }): Promise<void> {
  const [pgResult, redisResult] = await Promise.allSettled([
    checkPostgres(config.DATABASE_URL),
    checkRedis(config.REDIS_URL),
  ]);
  if (pgResult.status === 'rejected') throw pgResult.reason;
  if (redisResult.status === 'rejected') throw redisResult.reason;
}

/** `listen` that explains a taken port (or one we may not use) by the variable that chose it. */
export async function listenOn<T>(listen: () => Promise<T>, port: number, variable: string): Promise<T> {
  try {
    return await listen();
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE')
      throw new StartupError(
        `Port ${port} is already in use (${variable}): stop the process using it, or set ${variable} to a free port.`,
      );
    if (code === 'EACCES')
      throw new StartupError(`Port ${port} may not be used by this user (${variable}): choose a port above 1023.`);
    throw err;
  }
}

/**
 * Runs an entry point's start-up. Expected failures (a StartupError, or an error whose name
 * says it is a configuration problem) print their message alone and exit 1; anything else is a
 * bug and keeps its stack.
 */
export async function startOrExit(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    const e = err as Error;
    const expected = e instanceof StartupError || /ConfigError$/.test(e?.name ?? '');
    process.stderr.write(`${expected ? e.message : (e?.stack ?? String(err))}\n`);
    process.exit(1);
  }
}
