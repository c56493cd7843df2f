import fp from 'fastify-plugin';
import { createPrisma, type PrismaClient } from '../db/prisma.js';

declare module 'fastify' {
  interface FastifyInstance {
    prisma: PrismaClient;
  }
}

export interface PrismaPluginOptions {
  databaseUrl: string;
  /** A client owned by the caller (tests share one); the app then leaves it open on close. */
  client?: PrismaClient;
}

export default fp<PrismaPluginOptions>(
  async (app, opts) => {
    const prisma = opts.client ?? createPrisma(opts.databaseUrl);
    app.decorate('prisma', prisma);
    if (!opts.client) {
      app.addHook('onClose', async () => {
        await prisma.$disconnect();
      });
    }
  },
  { name: 'prisma' },
);
