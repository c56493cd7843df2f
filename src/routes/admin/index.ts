// Everything under /admin requires the ADMIN_TOKEN.
import type { FastifyPluginAsync } from 'fastify';
import { documentAccessErrors } from '../schemas.js';
import adminOrderRoutes from './orders.js';
import vendorRoutes from './vendors.js';

const adminRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', app.requireAdmin);
  documentAccessErrors(app);
  await app.register(vendorRoutes);
  await app.register(adminOrderRoutes);
};

export default adminRoutes;
