// The sweeper and operator queries against a schema that already holds a history (see
// ./history.ts), without running the load: `BENCH_SCHEMA=<name> npx tsx bench/orders/explain.ts`.
// Applies pending migrations first, so a kept history schema shows the plans of this tree.
// BENCH_PLANS_VERBOSE=1 prints every plan in full.
import pg from 'pg';
import { migrate } from '../../src/db/migrate.js';
import { explainHistory } from './plans.js';

const database = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bench';
const schema = process.env.BENCH_SCHEMA;
if (!schema) throw new Error('BENCH_SCHEMA=<schema with a history> is required');
const { applied } = await migrate(`${database}?schema=${schema}`);
if (applied.length > 0) console.log(`applied ${applied.join(', ')}`);
const db = new pg.Client({ connectionString: database });
await db.connect();
await db.query(`ANALYZE "${schema}".orders`);
await db.end();
for (const line of await explainHistory(database, schema, process.env.BENCH_PLANS_VERBOSE === '1')) console.log(line);
