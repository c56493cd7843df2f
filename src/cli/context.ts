// What a CLI command may use, created on first use and closed at the end: Prisma, Redis, queue
// producers and the Lightspeed core (token manager, cipher, K-Series client). Nothing connects
// before a command has validated its arguments.
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import pino, { type Level } from 'pino';
import { Registry } from 'prom-client';
import type { Config } from '../config.js';
import { createPrisma, type PrismaClient } from '../db/prisma.js';
import { createLightspeedCore, type LightspeedCore } from '../services/connections/lightspeed-core.js';
import { createProducers, type QueueProducers } from '../queues/producers.js';
import { loggerOptions } from '../lib/logger.js';
import { closeRedis, createRedis, redisKey } from '../lib/redis.js';
import type { Output } from './output.js';

const LEVELS: Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** The CLI logs warnings and worse unless --verbose (logs go to stderr, never to stdout). */
function cliLevel(config: Config, verbose: boolean): string {
  if (verbose || config.LOG_LEVEL === 'silent') return config.LOG_LEVEL;
  return LEVELS.indexOf(config.LOG_LEVEL) > LEVELS.indexOf('warn') ? config.LOG_LEVEL : 'warn';
}

// A CLI run must end: Redis commands fail after a few reconnect attempts instead of waiting.
const CLI_REDIS = { maxRetriesPerRequest: 2, connectTimeout: 5_000 } as const;

export class CliContext {
  readonly log: FastifyBaseLogger;
  private prismaClient?: PrismaClient;
  private redisClient?: Redis;
  private producers?: QueueProducers;
  private core?: LightspeedCore;

  constructor(
    readonly config: Config,
    readonly out: Output,
    options: { verbose?: boolean } = {},
  ) {
    this.log = pino(
      { ...loggerOptions(config), level: cliLevel(config, options.verbose ?? false) },
      pino.destination(2),
    ).child({
      process: 'cli',
    }) as unknown as FastifyBaseLogger;
  }

  get prisma(): PrismaClient {
    this.prismaClient ??= createPrisma(this.config.DATABASE_URL);
    return this.prismaClient;
  }

  get redis(): Redis {
    if (!this.redisClient) {
      const redis = createRedis(this.config.REDIS_URL, CLI_REDIS);
      let last = '';
      redis.on('error', (err) => {
        if (err.message !== last) this.log.warn({ err }, 'redis connection error');
        last = err.message;
      });
      this.redisClient = redis;
    }
    return this.redisClient;
  }

  redisKey = (...parts: string[]): string => redisKey(this.config.REDIS_PREFIX, ...parts);

  get queues(): QueueProducers {
    this.producers ??= createProducers(
      { connection: { url: this.config.REDIS_URL, ...CLI_REDIS }, prefix: this.config.REDIS_PREFIX },
      (err) => this.log.warn({ err }, 'queue connection error'),
    );
    return this.producers;
  }

  get lightspeed(): LightspeedCore {
    this.core ??= createLightspeedCore({
      config: this.config,
      prisma: this.prisma,
      redis: this.redis,
      redisKey: this.redisKey,
      log: this.log,
      registry: new Registry(),
    });
    return this.core;
  }

  async close(): Promise<void> {
    await this.core?.close().catch(() => {});
    await this.producers?.close().catch(() => {});
    if (this.redisClient) await closeRedis(this.redisClient);
    await this.prismaClient?.$disconnect().catch(() => {});
  }
}
