// WAL written for one schema's relations between two LSNs. pg_current_wal_lsn() differences count
// the whole cluster (every engineer's databases on a shared machine); pg_waldump lists each
// record with the relation it touches, so the records of the bench's own tables, indexes and
// TOAST can be added up apart. Needs read access to the server's pg_wal (the bench runs as root
// beside a local Postgres); BENCH_PG_WAL and BENCH_PG_WALDUMP point elsewhere.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createInterface } from 'node:readline';
import type pg from 'pg';

const WAL_DIR = process.env.BENCH_PG_WAL ?? '/var/lib/postgresql/15/main/pg_wal';
const WALDUMP = process.env.BENCH_PG_WALDUMP ?? '/usr/lib/postgresql/15/bin/pg_waldump';

export function walDumpAvailable(): boolean {
  try {
    accessSync(WAL_DIR, constants.R_OK);
    accessSync(WALDUMP, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** relfilenode -> name of every table, index and TOAST relation of the schema. */
export async function schemaRelations(db: pg.Client, schema: string): Promise<Map<string, string>> {
  const rows = (
    await db.query(
      `SELECT c.relfilenode::text AS node, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relfilenode <> 0
       UNION ALL
       SELECT t.relfilenode::text, c.relname || ' (toast)' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_class t ON t.oid IN (c.reltoastrelid, (SELECT indexrelid FROM pg_index WHERE indrelid = c.reltoastrelid LIMIT 1))
        WHERE n.nspname = $1`,
      [schema],
    )
  ).rows as { node: string; name: string }[];
  return new Map(rows.map((r) => [r.node, r.name]));
}

/**
 * Bytes of WAL records (full-page images included) per relation of `relations`, start..end, and
 * how many of them were in records carrying a full-page image (the first change of a page after
 * a checkpoint: an index whose inserts land on random pages pays one for nearly every insert).
 */
export async function walByRelation(
  databaseOid: string,
  relations: Map<string, string>,
  start: string,
  end: string,
): Promise<{ bytes: Map<string, number>; withPageImages: number }> {
  const dump = spawn(WALDUMP, ['-p', WAL_DIR, '-s', start, '-e', end], { stdio: ['ignore', 'pipe', 'ignore'] });
  const bytes = new Map<string, number>();
  let withPageImages = 0;
  const record = /len \(rec\/tot\):\s*\d+\/\s*(\d+),.*?blkref #0: rel \d+\/(\d+)\/(\d+)/;
  for await (const line of createInterface({ input: dump.stdout })) {
    const m = record.exec(line);
    if (!m || m[2] !== databaseOid) continue;
    const name = relations.get(m[3]!);
    if (!name) continue;
    bytes.set(name, (bytes.get(name) ?? 0) + Number(m[1]));
    if (line.includes(' FPW')) withPageImages += Number(m[1]);
  }
  return { bytes, withPageImages };
}

/** One line: the schema's WAL per unit, and the relations that wrote most of it. */
export async function describeSchemaWal(
  db: pg.Client,
  schema: string,
  start: string,
  end: string,
  units: number,
  unitName: string,
): Promise<string> {
  if (!walDumpAvailable()) return `WAL of schema ${schema}: not measured (no read access to ${WAL_DIR})`;
  const [{ oid }] = (await db.query('SELECT oid::text FROM pg_database WHERE datname = current_database()')).rows;
  const { bytes, withPageImages } = await walByRelation(oid, await schemaRelations(db, schema), start, end);
  const total = [...bytes.values()].reduce((s, b) => s + b, 0);
  const per = (b: number) => (b / Math.max(units, 1) / 1024).toFixed(2);
  const top = [...bytes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([name, b]) => `${name} ${per(b)}`)
    .join(', ');
  return `WAL of schema ${schema} (pg_waldump, records of its relations): ${per(total)} kB per ${unitName} (${per(withPageImages)} kB in records with a full-page image); most: ${top} kB`;
}
