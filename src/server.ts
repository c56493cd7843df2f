// API entry point: config, dependency check, app, listen, graceful shutdown. Nothing else.
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { closeOnSignals } from './lib/shutdown.js';
import { checkDependencies, listenOn, startOrExit } from './lib/startup.js';

await startOrExit(async () => {
  const config = loadConfig();
  await checkDependencies(config);
  const app = await buildApp({ config });
  closeOnSignals(app.log, config.SHUTDOWN_TIMEOUT_MS, () => app.close());
  await listenOn(() => app.listen({ host: config.HOST, port: config.PORT }), config.PORT, 'PORT');
});
