// Worker entry point: runs the BullMQ processors, plus /healthz and /metrics on
// WORKER_METRICS_PORT. Shutdown: HTTP, then workers (running jobs finish), then Redis
// (queue producers) and Prisma.
import pino from 'pino';
import { loadConfig } from './config.js';
import { startWorkerRuntime } from './jobs/runtime.js';
import { startWorkerHttp } from './jobs/worker-http.js';
import { loggerOptions } from './lib/logger.js';
import { closeOnSignals } from './lib/shutdown.js';
import { checkDependencies, listenOn, startOrExit } from './lib/startup.js';

await startOrExit(async () => {
  const config = loadConfig();
  await checkDependencies(config);
  const log = pino(loggerOptions(config)).child({ process: 'worker' });
  const runtime = await startWorkerRuntime({ config, log });
  const http = await listenOn(
    () =>
      startWorkerHttp({
        host: config.HOST,
        port: config.WORKER_METRICS_PORT,
        log,
        workers: runtime.host,
        registry: runtime.registry,
        metricsToken: config.METRICS_TOKEN,
      }),
    config.WORKER_METRICS_PORT,
    'WORKER_METRICS_PORT',
  );
  closeOnSignals(log, config.SHUTDOWN_TIMEOUT_MS, async () => {
    await http.close();
    await runtime.close();
  });
});
