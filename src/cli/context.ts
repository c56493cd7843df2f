// What a CLI command may use, created on first use and closed at the end: Prisma, and -- only in
// the commands that ask for them -- Redis, queue producers and the services of the composition
// root (K-Series client, tokens, orders, ...). Those load their modules (BullMQ, the K-Series client, ...)
// when first asked for, so a read command pays for Prisma and nothing else, and opens no
// Redis connection. Nothing connects before a command has validated its arguments.
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import pino, { type Level } from 'pino';
import type { Config } from '../config.js';
import { createPrisma, type PrismaClient } from '../db/prisma.js';
import type { LightspeedCore } from '../services/connections/lightspeed-core.js';
import type { Services } from '../services/index.js';
import type { QueueProducers } from '../queues/producers.js';
import { reportOnceQuiet } from '../lib/error-log.js';
import { loggerOptions } from '../lib/logger.js';
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
  private redisClient?: Promise<Redis>;
  private producers?: Promise<QueueProducers>;
  private built?: Promise<Services>;
  private closers: (() => Promise<void>)[] = [];

  constructor(
    readonly config: Config,
    readonly out: Output,
    options: { verbose?: boolean } = {},
  ) {
    // Logs go to the command's stderr stream (process stderr, or what an in-process caller gave).
    // JSON lines only: a pretty-printing transport would write to stdout, which is the result's.
    const { transport: _pretty, ...logOptions } = loggerOptions(config);
    this.log = pino({ ...logOptions, level: cliLevel(config, options.verbose ?? false) }, out.streams.stderr).child({
      process: 'cli',
    }) as unknown as FastifyBaseLogger;
  }

  get prisma(): PrismaClient {
    this.prismaClient ??= createPrisma(this.config.DATABASE_URL);
    return this.prismaClient;
  }

  redis(): Promise<Redis> {
    this.redisClient ??= import('../lib/redis.js').then(({ createRedis, closeRedis }) => {
      const redis = createRedis(this.config.REDIS_URL, CLI_REDIS);
      redis.on(
        'error',
        reportOnceQuiet((err) => this.log.warn({ err }, 'redis connection error')),
      );
      this.closers.push(() => closeRedis(redis));
      return redis;
    });
    return this.redisClient;
  }

  queues(): Promise<QueueProducers> {
    this.producers ??= import('../queues/producers.js').then(({ createProducers }) => {
      const producers = createProducers(
        { connection: { url: this.config.REDIS_URL, ...CLI_REDIS }, prefix: this.config.REDIS_PREFIX },
        (err) => this.log.warn({ err }, 'queue connection error'),
      );
      this.closers.unshift(() => producers.close().catch(() => {}));
      return producers;
    });
    return this.producers;
  }

  /**
   * Every service, from the composition root (src/services/index.ts), as the API and the workers
   * build them. Only commands that change something or call K-Series ask for it: it sets up
   * Redis and the queue producers. Reads use their service with Prisma alone.
   */
  services(): Promise<Services> {
    this.built ??= (async () => {
      const [{ buildServices }, { Registry }, { redisKey }, redis, queues] = await Promise.all([
        import('../services/index.js'),
        import('prom-client'),
        import('../lib/redis.js'),
        this.redis(),
        this.queues(),
      ]);
      const services = buildServices({
        config: this.config,
        prisma: this.prisma,
        redis,
        redisKey: (...parts: string[]) => redisKey(this.config.REDIS_PREFIX, ...parts),
        queues,
        log: this.log,
        registry: new Registry(),
      });
      this.closers.unshift(() => services.close().catch(() => {}));
      return services;
    })();
    return this.built;
  }

  /** The K-Series adapter and tokens (the composition root's core). */
  async lightspeed(): Promise<LightspeedCore> {
    return (await this.services()).core;
  }

  async close(): Promise<void> {
    // Whatever is still being created finishes first, so that it is closed too.
    await Promise.allSettled([this.redisClient, this.producers, this.built]);
    for (const close of this.closers) await close();
    await this.prismaClient?.$disconnect().catch(() => {});
  }
}
