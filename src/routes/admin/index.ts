// Everything under /admin requires the ADMIN_TOKEN.
import type { FastifyPluginAsync } from 'fastify';
import vendorRoutes from './vendors.js';

const adminRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', app.requireAdmin);
  await app.register(vendorRoutes);
};

export default adminRoutes;
