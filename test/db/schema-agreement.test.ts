// Proves the database our migrations build is the database the Prisma client was generated
// for: tables, columns, types, nullability, enums, primary keys, unique and plain indexes,
// and foreign keys. A migration that drifts from prisma/schema.prisma fails here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import internals from '@prisma/internals';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/context.js';
import { TEST_DATABASE_URL } from '../helpers/env.js';

const root = path.resolve(import.meta.dirname, '../..');

/** The schema text embedded in the generated client: what the client was generated from. */
function generatedClientSchema(): string {
  const source = readFileSync(path.join(root, 'src/generated/prisma/internal/class.ts'), 'utf8');
  const match = /"inlineSchema":\s*("(?:[^"\\]|\\.)*")/.exec(source);
  if (!match?.[1]) throw new Error('inlineSchema not found in the generated client');
  return JSON.parse(match[1]) as string;
}

type Dmmf = Awaited<ReturnType<typeof internals.getDMMF>>;
type Field = Dmmf['datamodel']['models'][number]['fields'][number];

const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'int4',
  BigInt: 'int8',
  Boolean: 'bool',
  DateTime: 'timestamp',
  Json: 'jsonb',
  Decimal: 'numeric',
  Float: 'float8',
  Bytes: 'bytea',
};
const NATIVE_TYPES: Record<string, string> = {
  Uuid: 'uuid',
  Decimal: 'numeric',
  Timestamptz: 'timestamptz',
  Timestamp: 'timestamp',
  Text: 'text',
};

function expectedUdt(field: Field): string {
  const native = field.nativeType?.[0];
  const base =
    field.kind === 'enum'
      ? field.type
      : native
        ? (NATIVE_TYPES[native] ?? native.toLowerCase())
        : SCALAR_TYPES[field.type];
  if (!base) throw new Error(`no mapping for ${field.type}`);
  return field.isList ? `_${base}` : base;
}

interface ColumnRow {
  table_name: string;
  column_name: string;
  udt_name: string;
  is_nullable: 'YES' | 'NO';
  numeric_precision: number | null;
  numeric_scale: number | null;
  datetime_precision: number | null;
}

describe('migrations agree with prisma/schema.prisma', () => {
  let db: TestDatabase;
  let client: pg.Client;
  let dmmf: Dmmf;

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    dmmf = await internals.getDMMF({ datamodel: generatedClientSchema() });
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('the generated client was generated from the current schema file', async () => {
    const fromFile = await internals.getDMMF({
      datamodel: readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8'),
    });
    expect(dmmf.datamodel).toEqual(fromFile.datamodel);
  });

  it('has exactly the tables and columns of the schema, with the same types and nullability', async () => {
    const { rows } = await client.query<ColumnRow>(
      `SELECT table_name, column_name, udt_name, is_nullable, numeric_precision, numeric_scale, datetime_precision
         FROM information_schema.columns WHERE table_schema = $1 AND table_name <> '_prisma_migrations'`,
      [db.schema],
    );
    const actual = new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r]));
    const expectedKeys: string[] = [];
    for (const model of dmmf.datamodel.models) {
      const table = model.dbName ?? model.name;
      for (const field of model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum')) {
        const key = `${table}.${field.dbName ?? field.name}`;
        expectedKeys.push(key);
        const column = actual.get(key);
        expect(column, `column ${key} is missing`).toBeDefined();
        expect(column!.udt_name, `type of ${key}`).toBe(expectedUdt(field));
        // Prisma creates scalar lists as nullable arrays.
        expect(column!.is_nullable, `nullability of ${key}`).toBe(field.isRequired && !field.isList ? 'NO' : 'YES');
        const args = field.nativeType?.[1] as string[] | undefined;
        if (field.type === 'Decimal' && args?.length) {
          expect([column!.numeric_precision, column!.numeric_scale], `precision of ${key}`).toEqual(args.map(Number));
        }
        if (field.type === 'DateTime') {
          expect(column!.datetime_precision, `precision of ${key}`).toBe(Number(args?.[0] ?? 3));
        }
      }
    }
    expect([...actual.keys()].sort()).toEqual(expectedKeys.sort());
  });

  it('has the same enums and values', async () => {
    const { rows } = await client.query<{ name: string; values: string[] }>(
      `SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS values
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = $1 GROUP BY t.typname`,
      [db.schema],
    );
    const actual = Object.fromEntries(rows.map((r) => [r.name, r.values]));
    const expected = Object.fromEntries(
      dmmf.datamodel.enums.map((e) => [e.dbName ?? e.name, e.values.map((v) => v.dbName ?? v.name)]),
    );
    expect(actual).toEqual(expected);
  });

  it('has the same primary keys, unique indexes and plain indexes', async () => {
    const { rows } = await client.query<{
      table_name: string;
      is_primary: boolean;
      is_unique: boolean;
      columns: string[];
    }>(
      `SELECT t.relname AS table_name, ix.indisprimary AS is_primary, ix.indisunique AS is_unique,
              array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns
         FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = $1 AND t.relname <> '_prisma_migrations'`,
      [db.schema],
    );
    const describeIndex = (table: string, kind: string, columns: string[]) =>
      `${table} ${kind} (${columns.join(', ')})`;
    const actual = rows.map((r) =>
      describeIndex(r.table_name, r.is_primary ? 'id' : r.is_unique ? 'unique' : 'normal', r.columns),
    );
    const models = new Map(dmmf.datamodel.models.map((m) => [m.name, m]));
    const expected = dmmf.datamodel.indexes.map((index) => {
      const model = models.get(index.model)!;
      const columns = index.fields.map((f) => {
        const field = model.fields.find((mf) => mf.name === f.name)!;
        return field.dbName ?? field.name;
      });
      return describeIndex(model.dbName ?? model.name, index.type, columns);
    });
    expect(actual.sort()).toEqual(expected.sort());
  });

  it('has a foreign key for every relation, with the same delete rule', async () => {
    const { rows } = await client.query<{ table_name: string; columns: string[]; target: string; on_delete: string }>(
      `SELECT c.conrelid::regclass::text AS table_name, c.confrelid::regclass::text AS target,
              array(SELECT a.attname FROM unnest(c.conkey) k(attnum) JOIN pg_attribute a
                      ON a.attrelid = c.conrelid AND a.attnum = k.attnum)::text[] AS columns,
              CASE c.confdeltype WHEN 'c' THEN 'Cascade' WHEN 'r' THEN 'Restrict' WHEN 'n' THEN 'SetNull'
                                 WHEN 'd' THEN 'SetDefault' ELSE 'NoAction' END AS on_delete
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE c.contype = 'f' AND n.nspname = $1`,
      [db.schema],
    );
    await client.query(`SET search_path TO "${db.schema}"`);
    const unquote = (name: string) => name.replace(/^.*\./, '').replaceAll('"', '');
    const actual = rows.map(
      (r) => `${unquote(r.table_name)}(${r.columns.join(',')}) -> ${unquote(r.target)} ${r.on_delete}`,
    );
    const models = new Map(dmmf.datamodel.models.map((m) => [m.name, m]));
    const expected = dmmf.datamodel.models.flatMap((model) =>
      model.fields
        .filter((f) => f.kind === 'object' && (f.relationFromFields?.length ?? 0) > 0)
        .map((f) => {
          const columns = f.relationFromFields!.map((name) => {
            const field = model.fields.find((mf) => mf.name === name)!;
            return field.dbName ?? field.name;
          });
          const target = models.get(f.type)!;
          const onDelete = f.relationOnDelete ?? (f.isRequired ? 'Restrict' : 'SetNull');
          return `${model.dbName ?? model.name}(${columns.join(',')}) -> ${target.dbName ?? target.name} ${onDelete}`;
        }),
    );
    expect(actual.sort()).toEqual(expected.sort());
  });
});
