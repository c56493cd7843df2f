// Runs once before all test files: drop schemas left behind by an earlier, killed run.
import pg from 'pg';
import { TEST_DATABASE_URL, TEST_SCHEMA_PREFIX } from './env.js';

export default async function setup(): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(
      `SELECT nspname FROM pg_namespace WHERE nspname LIKE $1`,
      [`${TEST_SCHEMA_PREFIX}%`],
    );
    for (const { nspname } of rows) await client.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
  } finally {
    await client.end();
  }
}
