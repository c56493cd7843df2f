// `npm run migrate`: applies pending migrations to DATABASE_URL.
import { loadConfig } from '../config.js';
import { migrate } from './migrate.js';

const config = loadConfig();
try {
  const result = await migrate(config.DATABASE_URL, { log: (m) => console.log(m) });
  console.log(`migrations: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied`);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
