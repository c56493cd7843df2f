// The Lightspeed pieces every process needs, built once from config: OAuth client, token
// cipher, integration log, token manager and the typed K-Series client. The API wraps them in
// a Fastify plugin (src/plugins/lightspeed.ts); the worker runtime uses them directly.
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Config } from '../../config.js';
import type { PrismaClient } from '../../db/prisma.js';
import { createIntegrationLog, type IntegrationLog } from '../integration-log.js';
import {
  createKSeriesClient,
  kseriesClientSettings,
  type KSeriesClient,
} from '../../integrations/lightspeed/client/index.js';
import { createLightspeedOAuth, type LightspeedOAuth } from '../../integrations/lightspeed/oauth-client.js';
import { tokenCipherFromConfig, type TokenCipher } from '../../integrations/lightspeed/token-crypto.js';
import { createTokenManager, type TokenManager } from './token-manager.js';

export interface LightspeedCore {
  oauth: LightspeedOAuth;
  cipher: TokenCipher;
  integrationLog: IntegrationLog;
  tokens: TokenManager;
  kseries: KSeriesClient;
  close(): Promise<void>;
}

export function createLightspeedCore(deps: {
  config: Config;
  prisma: PrismaClient;
  redis: Redis;
  redisKey: (...parts: string[]) => string;
  log: FastifyBaseLogger;
  registry: Registry;
}): LightspeedCore {
  const { config, prisma, redis, redisKey, registry } = deps;
  const log = deps.log.child({ component: 'lightspeed' });
  const oauth = createLightspeedOAuth({ config });
  const cipher = tokenCipherFromConfig(config);
  const integrationLog = createIntegrationLog({ prisma });
  const tokens = createTokenManager({
    prisma,
    redis,
    redisKey,
    cipher,
    oauth,
    config,
    integrationLog,
    log,
    metrics: registry,
  });
  const kseries = createKSeriesClient({
    tokens,
    redis,
    redisKey,
    registry,
    logger: log,
    ...kseriesClientSettings(config),
  });
  return {
    oauth,
    cipher,
    integrationLog,
    tokens,
    kseries,
    async close() {
      await kseries.close();
    },
  };
}
