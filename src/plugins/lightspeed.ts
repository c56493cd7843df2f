// The API's Lightspeed pieces on `app.lightspeed`: the shared core (../services/connections/lightspeed-core.ts: OAuth client,
// token cipher, integration log, token manager, typed K-Series client) plus the connection
// services only the API needs (connect flow, status/test/disconnect).
// Other features call K-Series through `app.lightspeed.kseries` (tokens from `.tokens`).
import fp from 'fastify-plugin';
import { createConnectCalls, type ConnectCalls } from '../services/connections/kseries-calls.js';
import { createConnectFlow, type ConnectFlow } from '../services/connections/oauth-connect-flow.js';
import { createConnectionService, type ConnectionService } from '../services/connections/manage-connection.js';
import { createConnectionSetup } from '../services/connections/establish-connection.js';
import { createLightspeedCore, type LightspeedCore } from '../services/connections/lightspeed-core.js';

export interface LightspeedServices extends Omit<LightspeedCore, 'close'> {
  calls: ConnectCalls;
  connect: ConnectFlow;
  connections: ConnectionService;
}

declare module 'fastify' {
  interface FastifyInstance {
    lightspeed: LightspeedServices;
  }
}

export default fp(
  async (app) => {
    const { config, prisma, redis } = app;
    const redisKey = (...parts: string[]) => app.redisKey(...parts);
    const core = createLightspeedCore({
      config,
      prisma,
      redis,
      redisKey,
      log: app.log,
      registry: app.metrics.registry,
    });
    const log = app.log.child({ component: 'lightspeed' });
    const { oauth, cipher, tokens, integrationLog, kseries } = core;
    const calls = createConnectCalls({ tokens, kseries });
    const setup = createConnectionSetup({ prisma, cipher, tokens, calls, integrationLog, config, log });
    const connect = createConnectFlow({ prisma, redis, redisKey, oauth, setup, integrationLog, config, log });
    const connections = createConnectionService({ prisma, tokens, calls, integrationLog, log });
    app.decorate('lightspeed', { oauth, cipher, tokens, integrationLog, kseries, calls, connect, connections });
    app.addHook('onClose', async () => {
      await core.close();
    });
  },
  { name: 'lightspeed', dependencies: ['prisma', 'redis', 'metrics'] },
);
