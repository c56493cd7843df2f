// The target of the webhook-ingest benchmark, in its own process so the load generator does not
// share its CPU: `bare` is a plain Fastify JSON route, `app` is our whole app.
import Fastify from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

const mode = process.argv[2];
if (mode === 'bare') {
  const app = Fastify({ logger: false });
  app.post('/webhook/lightspeed', async () => ({ received: true }));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.send?.({ url: `${url}/webhook/lightspeed` });
} else {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
  const app = await buildApp({ config });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.send?.({ url: `${url}/webhook/lightspeed` });
}
process.on('message', (m) => {
  if (m === 'stop') process.exit(0);
});
