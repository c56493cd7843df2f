// Prisma 7 talks to Postgres through the node-postgres driver adapter. The pool is ours, so the
// few hot-path statements written in SQL (src/db/sql.ts) share it instead of opening another.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

export type { PrismaClient };

/**
 * Splits Prisma's `?schema=` parameter off a DATABASE_URL: node-postgres does not know it,
 * the adapter takes it as an option.
 */
export function parseDatabaseUrl(databaseUrl: string): { connectionString: string; schema: string } {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema') ?? 'public';
  url.searchParams.delete('schema');
  return { connectionString: url.toString(), schema };
}

const pools = new WeakMap<PrismaClient, pg.Pool>();

export function createPrisma(databaseUrl: string, options: { poolSize?: number } = {}): PrismaClient {
  const { connectionString, schema } = parseDatabaseUrl(databaseUrl);
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 10,
    // Raw SQL sees the same schema as the generated queries.
    options: `-c search_path="${schema}"`,
    connectionTimeoutMillis: 5_000,
  });
  // A Postgres restart breaks the idle clients, and the pool re-emits their errors on itself:
  // with no listener that is an uncaught 'error' event and the process dies. Prisma's adapter
  // adds one only at its first generated query, and the hot path runs raw SQL on this pool
  // first. The pool has already dropped the broken client; the next query opens a new one.
  pool.on('error', () => undefined);
  // $disconnect() ends the pool.
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { schema, disposeExternalPool: true }) });
  pools.set(prisma, pool);
  return prisma;
}

/** The node-postgres pool under a client made by createPrisma. */
export function poolOf(prisma: PrismaClient): pg.Pool {
  const pool = pools.get(prisma);
  if (!pool) throw new Error('this PrismaClient was not made by createPrisma: it has no pool of ours');
  return pool;
}
