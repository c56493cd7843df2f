// Prisma 7 talks to Postgres through the node-postgres driver adapter.
import { PrismaPg } from '@prisma/adapter-pg';
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

export function createPrisma(databaseUrl: string, options: { poolSize?: number } = {}): PrismaClient {
  const { connectionString, schema } = parseDatabaseUrl(databaseUrl);
  const adapter = new PrismaPg(
    {
      connectionString,
      max: options.poolSize ?? 10,
      // Raw SQL sees the same schema as the generated queries.
      options: `-c search_path="${schema}"`,
      connectionTimeoutMillis: 5_000,
    },
    { schema },
  );
  return new PrismaClient({ adapter });
}
