// `npm run migrate`: applies pending migrations to DATABASE_URL.
import { loadConfig } from '../config.js';
import { checkPostgres, startOrExit } from '../lib/startup.js';
import { migrate } from './migrate.js';

await startOrExit(async () => {
  const config = loadConfig();
  await checkPostgres(config.DATABASE_URL);
  const result = await migrate(config.DATABASE_URL, { log: (m) => console.log(m) });
  console.log(`migrations: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied`);
});
