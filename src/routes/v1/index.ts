// The vendor API. Everything under /v1 authenticates a vendor API key first.
import type { FastifyPluginAsync } from 'fastify';
import { documentAccessErrors } from '../schemas.js';
import apiKeyRoutes from './api-keys.js';
import callbackRoutes from './callbacks.js';
import catalogRoutes from './catalog.js';
import financialRoutes from './financial.js';
import lightspeedRoutes from './lightspeed.js';
import locationRoutes from './locations.js';
import orderRoutes from './orders.js';

const v1Routes: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', app.requireVendor);
  documentAccessErrors(app);
  await app.register(apiKeyRoutes);
  await app.register(locationRoutes);
  await app.register(lightspeedRoutes);
  await app.register(orderRoutes);
  await app.register(callbackRoutes);
  await app.register(catalogRoutes);
  await app.register(financialRoutes);
};

export default v1Routes;
