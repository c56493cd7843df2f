// API entry point: config, app, listen, graceful shutdown. Nothing else.
import { loadConfig } from './config.js';
import { buildApp } from './app.js';
import { closeOnSignals } from './lib/shutdown.js';

const config = loadConfig();
const app = await buildApp({ config });
closeOnSignals(app.log, config.SHUTDOWN_TIMEOUT_MS, () => app.close());
await app.listen({ host: config.HOST, port: config.PORT });
