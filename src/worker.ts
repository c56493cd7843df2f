// Worker entry point: runs the BullMQ processors, no HTTP.
import pino from 'pino';
import { loadConfig } from './config.js';
import { createPrisma } from './db/prisma.js';
import { createProcessors } from './jobs/processors/index.js';
import { startWorkers } from './jobs/worker-host.js';
import { loggerOptions } from './lib/logger.js';
import { closeOnSignals } from './lib/shutdown.js';

const config = loadConfig();
const log = pino(loggerOptions(config)).child({ process: 'worker' });
const prisma = createPrisma(config.DATABASE_URL);
const host = startWorkers({ config, prisma, log, processors: createProcessors({ config, prisma, log }) });
closeOnSignals(log, config.SHUTDOWN_TIMEOUT_MS, async () => {
  await host.close();
  await prisma.$disconnect();
});
