// Worker entry point: runs the BullMQ processors, plus /healthz and /metrics on
// WORKER_METRICS_PORT. Shutdown: HTTP, then workers (running jobs finish), then Prisma.
import pino from 'pino';
import { loadConfig } from './config.js';
import { createPrisma } from './db/prisma.js';
import { createProcessors } from './jobs/processors/index.js';
import { startWorkerHttp } from './jobs/worker-http.js';
import { startWorkers } from './jobs/worker-host.js';
import { loggerOptions } from './lib/logger.js';
import { closeOnSignals } from './lib/shutdown.js';

const config = loadConfig();
const log = pino(loggerOptions(config)).child({ process: 'worker' });
const prisma = createPrisma(config.DATABASE_URL);
const host = startWorkers({ config, prisma, log, processors: createProcessors({ config, prisma, log }) });
const http = await startWorkerHttp({ host: config.HOST, port: config.WORKER_METRICS_PORT, log, workers: host });
closeOnSignals(log, config.SHUTDOWN_TIMEOUT_MS, async () => {
  await http.close();
  await host.close();
  await prisma.$disconnect();
});
