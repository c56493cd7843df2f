// The per-vendor integration log the merchant reads: newest first, at most 100 entries kept,
// and an entry identical to the newest one (same level, event, message and details) is not
// added again: the newest one's count goes up and its lastAt moves.
// Writes of one vendor are serialised with a transaction-scoped advisory lock, so concurrent
// writers (API and workers) collapse and trim correctly.
import type { PrismaClient } from '../db/prisma.js';
import { Prisma } from '../generated/prisma/client.js';

export const INTEGRATION_LOG_LIMIT = 100;

export type IntegrationLogLevel = 'INFO' | 'WARN' | 'ERROR';

export interface IntegrationLogInput {
  level: IntegrationLogLevel;
  /** Machine-readable, e.g. "oauth.connected", "token.refresh_failed". */
  event: string;
  /** For the merchant: plain words. Never a token or a secret. */
  message: string;
  details?: Record<string, unknown>;
}

export interface IntegrationLogEntry {
  id: string;
  level: IntegrationLogLevel;
  event: string;
  message: string;
  details: Record<string, unknown> | null;
  count: number;
  firstAt: Date;
  lastAt: Date;
}

/** JSON with sorted keys: two details objects are "identical" regardless of key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

type Row = Awaited<ReturnType<PrismaClient['integrationLog']['findFirst']>>;
function view(row: NonNullable<Row>): IntegrationLogEntry {
  return {
    id: row.id,
    level: row.level,
    event: row.event,
    message: row.message,
    details: (row.details as Record<string, unknown> | null) ?? null,
    count: row.count,
    firstAt: row.firstAt,
    lastAt: row.lastAt,
  };
}

const newestFirst = [{ lastAt: 'desc' as const }, { firstAt: 'desc' as const }];

export function createIntegrationLog(deps: { prisma: PrismaClient; now?: () => Date }) {
  const { prisma } = deps;
  const now = deps.now ?? (() => new Date());

  return {
    async record(vendorId: string, input: IntegrationLogInput): Promise<IntegrationLogEntry> {
      const details = input.details && Object.keys(input.details).length > 0 ? input.details : null;
      return prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`integration_log:${vendorId}`}, 0))`;
        const newest = await tx.integrationLog.findFirst({ where: { vendorId }, orderBy: newestFirst });
        const at = now();
        if (
          newest &&
          newest.level === input.level &&
          newest.event === input.event &&
          newest.message === input.message &&
          canonical(newest.details) === canonical(details)
        ) {
          const lastAt = new Date(Math.max(at.getTime(), newest.lastAt.getTime()));
          return view(
            await tx.integrationLog.update({ where: { id: newest.id }, data: { count: { increment: 1 }, lastAt } }),
          );
        }
        // Strictly increasing per vendor, so "newest first" never depends on a tie.
        const stamp = newest && at <= newest.lastAt ? new Date(newest.lastAt.getTime() + 1) : at;
        const created = await tx.integrationLog.create({
          data: {
            vendorId,
            level: input.level,
            event: input.event,
            message: input.message,
            details: details === null ? Prisma.DbNull : (details as Prisma.InputJsonValue),
            firstAt: stamp,
            lastAt: stamp,
          },
        });
        await tx.$executeRaw`
          DELETE FROM integration_logs WHERE id IN (
            SELECT id FROM integration_logs WHERE vendor_id = ${vendorId}::uuid
            ORDER BY last_at DESC, first_at DESC OFFSET ${INTEGRATION_LOG_LIMIT})`;
        return view(created);
      });
    },

    /** Newest first. */
    async list(vendorId: string, options: { limit?: number } = {}): Promise<IntegrationLogEntry[]> {
      const rows = await prisma.integrationLog.findMany({
        where: { vendorId },
        orderBy: newestFirst,
        take: Math.min(options.limit ?? INTEGRATION_LOG_LIMIT, INTEGRATION_LOG_LIMIT),
      });
      return rows.map(view);
    },
  };
}

export type IntegrationLog = ReturnType<typeof createIntegrationLog>;
