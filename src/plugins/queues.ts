import fp from 'fastify-plugin';
import { repeatQuietErrorLog } from '../lib/error-log.js';
import { createProducers, queueSettings, type QueueProducers } from '../queues/producers.js';

declare module 'fastify' {
  interface FastifyInstance {
    queues: QueueProducers;
  }
}

export default fp(
  async (app) => {
    const queues = createProducers(queueSettings(app.config), repeatQuietErrorLog(app.log, 'queue connection error'));
    app.decorate('queues', queues);
    app.addHook('onClose', async () => {
      await queues.close();
    });
  },
  { name: 'queues' },
);
