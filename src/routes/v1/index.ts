// The vendor API. Everything under /v1 authenticates a vendor API key first.
import type { FastifyPluginAsync } from 'fastify';
import apiKeyRoutes from './api-keys.js';
import locationRoutes from './locations.js';

const v1Routes: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', app.requireVendor);
  await app.register(apiKeyRoutes);
  await app.register(locationRoutes);
};

export default v1Routes;
