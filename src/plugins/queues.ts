import fp from 'fastify-plugin';
import { createProducers, queueSettings, type QueueProducers } from '../queues/producers.js';

declare module 'fastify' {
  interface FastifyInstance {
    queues: QueueProducers;
  }
}

export default fp(
  async (app) => {
    let lastError = '';
    const queues = createProducers(queueSettings(app.config), (err) => {
      if (err.message !== lastError) app.log.error({ err }, 'queue connection error');
      lastError = err.message;
    });
    app.decorate('queues', queues);
    app.addHook('onClose', async () => {
      await queues.close();
    });
  },
  { name: 'queues' },
);
