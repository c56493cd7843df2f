import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { closeRedis, createRedis, redisKey } from '../lib/redis.js';

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis;
    /** Builds a key under this deployment's REDIS_PREFIX. */
    redisKey: (...parts: string[]) => string;
  }
}

export interface RedisPluginOptions {
  url: string;
  prefix: string;
}

export default fp<RedisPluginOptions>(
  async (app, opts) => {
    const redis = createRedis(opts.url);
    // Without a listener ioredis prints every reconnect failure; log once per state change.
    let lastError = '';
    redis.on('error', (err) => {
      if (err.message !== lastError) app.log.error({ err }, 'redis connection error');
      lastError = err.message;
    });
    redis.on('ready', () => {
      lastError = '';
    });
    app.decorate('redis', redis);
    app.decorate('redisKey', (...parts: string[]) => redisKey(opts.prefix, ...parts));
    app.addHook('onClose', async () => {
      await closeRedis(redis);
    });
  },
  { name: 'redis' },
);
