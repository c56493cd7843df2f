// Real BullMQ workers for a test context, in-process.
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { startWorkerRuntime, type WorkerRuntime } from '../../src/jobs/runtime.js';
import type { TestContext } from './context.js';

export async function startTestWorkers(ctx: TestContext): Promise<WorkerRuntime> {
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) as unknown as FastifyBaseLogger;
  return startWorkerRuntime({ config: ctx.config, log, prisma: ctx.prisma });
}

export async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
