// `npm run dev`: everything in one process for a laptop. Migrates the database, starts the
// K-Series sandbox (when LIGHTSPEED_ENV=sandbox), the API and the workers, and prints where to
// go and how to sign in.
import type { FastifyBaseLogger } from 'fastify';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { createPrisma } from './db/prisma.js';
import { migrate } from './db/migrate.js';
import { startWorkerRuntime } from './jobs/runtime.js';
import { closeOnSignals } from './lib/shutdown.js';
import { buildSandbox, SANDBOX_SEED } from './sandbox/app.js';
import { createVendorService } from './services/vendors.js';

const DEMO_VENDOR = 'Demo restaurant';

const base = loadConfig();
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
const sandboxUrl = sandbox ? await sandbox.listen({ host: '127.0.0.1', port: base.SANDBOX_PORT }) : null;
const config = sandboxUrl ? { ...base, LIGHTSPEED_SANDBOX_URL: sandboxUrl } : base;

const prisma = createPrisma(config.DATABASE_URL);
const app = await buildApp({ config, prisma });
const workers = await startWorkerRuntime({ config, log: app.log as FastifyBaseLogger, prisma });
await app.listen({ host: config.HOST, port: config.PORT });

// A fresh key every start: keys are stored hashed, so an old one cannot be shown again.
const vendors = createVendorService({ prisma });
const existing = await prisma.vendor.findFirst({ where: { name: DEMO_VENDOR } });
const vendorId = existing?.id ?? (await vendors.create({ name: DEMO_VENDOR })).vendor.id;
const { apiKey } = await vendors.issueKey(vendorId, `dev sign-in ${new Date().toISOString()}`);

console.log(`
  Lightspeed K-Series ordering integration is running (development)

  API             ${config.PUBLIC_URL}          OpenAPI docs: ${config.PUBLIC_URL}/docs
  Back office     ${config.PUBLIC_URL}/backoffice
                  sign in with the API key of "${DEMO_VENDOR}":  ${apiKey}
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
