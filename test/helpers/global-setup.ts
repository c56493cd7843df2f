// Runs once before all test files: create the test database if needed, and drop schemas left
// behind by an earlier, killed run (schemas are named t_<creation time>_<random>).
import pg from 'pg';
import { ensureDatabase } from '../../src/db/migrate.js';
import { TEST_DATABASE_URL, TEST_SCHEMA_PREFIX } from './env.js';

export default async function setup(): Promise<void> {
  // A developer machine may not have the `test` database yet.
  await ensureDatabase(TEST_DATABASE_URL);
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE $1`, [
      `${TEST_SCHEMA_PREFIX}%`,
    ]);
    // Only schemas older than an hour: another test run may be using younger ones right now.
    const cutoff = Date.now() - 60 * 60 * 1000;
    for (const { nspname } of rows) {
      const created = parseInt(nspname.slice(TEST_SCHEMA_PREFIX.length).split('_')[0] ?? '', 36);
      if (Number.isNaN(created) || created < cutoff) await client.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
    }
  } finally {
    await client.end();
  }
}
