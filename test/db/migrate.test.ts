import { mkdtemp, mkdir, writeFile, cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS_DIR } from '../../src/db/migrate.js';
import { TEST_DATABASE_URL, TEST_SCHEMA_PREFIX } from '../helpers/env.js';

const schemas: string[] = [];
function freshUrl(): { url: string; schema: string } {
  const schema = `${TEST_SCHEMA_PREFIX}${Date.now().toString(36)}_mig${Math.random().toString(36).slice(2, 8)}`;
  schemas.push(schema);
  return { url: `${TEST_DATABASE_URL}?schema=${schema}`, schema };
}

describe('migration runner', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
  });
  afterAll(async () => {
    for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await client.end();
  });

  it('applies every migration once and records it the way Prisma does', async () => {
    const { url, schema } = freshUrl();
    const first = await migrate(url);
    expect(first.applied.length).toBeGreaterThan(0);
    const second = await migrate(url);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(first.applied);
    const { rows } = await client.query(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "${schema}"."_prisma_migrations"`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(first.applied);
    for (const row of rows) {
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('two runners started together apply each migration exactly once', async () => {
    const { url, schema } = freshUrl();
    const [a, b] = await Promise.all([migrate(url), migrate(url)]);
    expect([...a.applied, ...b.applied].sort()).toEqual([...a.alreadyApplied, ...a.applied].sort());
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM "${schema}"."_prisma_migrations"`);
    expect(rows[0].n).toBe(a.applied.length + a.alreadyApplied.length);
  });

  it('refuses a migration edited after it was applied, and rolls back a failing one', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    const { url, schema } = freshUrl();
    await migrate(url, { migrationsDir: dir });

    await mkdir(path.join(dir, '29990101000000_broken'));
    await writeFile(
      path.join(dir, '29990101000000_broken', 'migration.sql'),
      'CREATE TABLE "half" (id int);\nSELECT no_such_function();',
    );
    await expect(migrate(url, { migrationsDir: dir })).rejects.toThrow(/29990101000000_broken failed/);
    const half = await client.query(`SELECT to_regclass('"${schema}"."half"') AS t`);
    expect(half.rows[0].t).toBeNull();

    await writeFile(path.join(dir, '29990101000000_broken', 'migration.sql'), 'CREATE TABLE "half" (id int);');
    await migrate(url, { migrationsDir: dir });
    await writeFile(path.join(dir, '29990101000000_broken', 'migration.sql'), 'CREATE TABLE "half" (id bigint);');
    await expect(migrate(url, { migrationsDir: dir })).rejects.toThrow(/edited after it was applied/);
  });
});
