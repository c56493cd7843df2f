import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { repeatQuietErrorLog } from '../lib/error-log.js';
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
    // Without a listener ioredis prints every reconnect failure; log once per outage.
    const onError = repeatQuietErrorLog(app.log, 'redis connection error');
    redis.on('error', onError);
    redis.on('ready', () => onError.reset());
    app.decorate('redis', redis);
    app.decorate('redisKey', (...parts: string[]) => redisKey(opts.prefix, ...parts));
    app.addHook('onClose', async () => {
      await closeRedis(redis);
    });
  },
  { name: 'redis' },
);
