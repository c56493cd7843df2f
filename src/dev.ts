// `npm run dev`: everything in one process for a laptop. Checks PostgreSQL and Redis, migrates
// the database, starts the K-Series sandbox (when LIGHTSPEED_ENV=sandbox), the API and the
// workers, and prints where to go and how to sign in. `.env` is read by Node (package.json).
import type { FastifyBaseLogger } from 'fastify';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { createPrisma } from './db/prisma.js';
import { migrate } from './db/migrate.js';
import { DEMO_VENDOR, ensureDemoKey } from './dev-vendor.js';
import { startWorkerRuntime } from './jobs/runtime.js';
import { closeOnSignals } from './lib/shutdown.js';
import { checkDependencies, listenOn, startOrExit } from './lib/startup.js';
import { buildSandbox, SANDBOX_SEED } from './sandbox/app.js';

// Git-ignored; holds the demo vendor's API key so every start signs in with the same one.
const DEV_KEY_FILE = '.dev-api-key';

await startOrExit(async () => {
  const started = Date.now();
  const base = loadConfig();
  await checkDependencies(base);
  await migrate(base.DATABASE_URL, { log: (m) => console.log(m) });

  // The sandbox runs here, so the service is pointed at wherever it actually listens.
  const sandbox =
    base.LIGHTSPEED_ENV === 'sandbox'
      ? await buildSandbox({
          clients: [
            {
              clientId: base.LIGHTSPEED_CLIENT_ID,
              clientSecret: base.LIGHTSPEED_CLIENT_SECRET,
              redirectUris: [base.oauthRedirectUri],
              name: 'Ordering integration (dev)',
            },
          ],
        })
      : null;
  const sandboxUrl = sandbox
    ? await listenOn(
        () => sandbox.listen({ host: '127.0.0.1', port: base.SANDBOX_PORT }),
        base.SANDBOX_PORT,
        'SANDBOX_PORT',
      )
    : null;
  const config = sandboxUrl ? { ...base, LIGHTSPEED_SANDBOX_URL: sandboxUrl } : base;

  const prisma = createPrisma(config.DATABASE_URL);
  const app = await buildApp({ config, prisma });
  await listenOn(() => app.listen({ host: config.HOST, port: config.PORT }), config.PORT, 'PORT');
  const workers = await startWorkerRuntime({ config, log: app.log as FastifyBaseLogger, prisma });

  const demo = await ensureDemoKey(prisma, DEV_KEY_FILE);

  console.log(`
  Lightspeed K-Series ordering integration is running (development), started in ${((Date.now() - started) / 1000).toFixed(1)} s

  API             ${config.PUBLIC_URL}          OpenAPI docs: ${config.PUBLIC_URL}/docs
  Back office     ${config.PUBLIC_URL}/backoffice
                  sign in with the API key of "${DEMO_VENDOR}":  ${demo.apiKey}
                  (${demo.created ? 'new key, saved in' : 'the same key as before, from'} ${DEV_KEY_FILE})
  Admin API       Authorization: Bearer ${config.ADMIN_TOKEN === 'dev-admin-token-change-me' ? config.ADMIN_TOKEN : '<ADMIN_TOKEN>'}
${
  sandboxUrl
    ? `  K-Series        sandbox at ${sandboxUrl}
                  its consent page signs you in as ${SANDBOX_SEED.merchant.username} / ${SANDBOX_SEED.merchant.password}`
    : `  K-Series        ${config.LIGHTSPEED_ENV}`
}
  Stop with Ctrl+C.
`);

  closeOnSignals(app.log, config.SHUTDOWN_TIMEOUT_MS, async () => {
    await app.close();
    await workers.close();
    await sandbox?.close();
    await prisma.$disconnect();
  });
});
