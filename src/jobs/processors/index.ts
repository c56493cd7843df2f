// Pairs every queue in ../queues.ts with its processor. Features add their entries here.
import type { ProcessorEntry } from '../worker-host.js';
import type { PrismaClient } from '../../db/prisma.js';
import type { Config } from '../../config.js';
import type { Logger } from 'pino';

export interface ProcessorDeps {
  config: Config;
  prisma: PrismaClient;
  log: Logger;
}

export function createProcessors(_deps: ProcessorDeps): ProcessorEntry[] {
  return [];
}
