// Resolving a vendor API key to its vendor, which every vendor request does first. Kept in this
// process for a few seconds per key, so a warm request costs a SHA-256 and a map lookup instead
// of a query. What makes that safe:
// - Revoking a key through this process (the admin API: vendors.ts revokeKey) drops it from the
//   cache at once: the next request with it is refused.
// - Revoked anywhere else (another API process, the CLI), a key keeps working here for at most
//   `ttlMs` (API_KEY_CACHE_MS, 5 s): every entry is read again from Postgres once that old.
// - A key's vendor never changes, and only keys that resolved are kept (an unknown or revoked
//   key is looked up every time, so a new key works at once and guessing fills nothing).
import type { FastifyBaseLogger } from 'fastify';
import { poolOf, type PrismaClient } from '../db/prisma.js';
import { prepared, runPrepared } from '../db/sql.js';
import { hashApiKey, looksLikeApiKey } from '../lib/api-keys.js';

export interface AuthenticatedVendor {
  id: string;
  name: string;
  apiKeyId: string;
}

/** The longest a key revoked by another process keeps working in this one. */
export const API_KEY_CACHE_MS = 5_000;

// lastUsedAt is informative; writing it on every request would cost a query per call.
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

const API_KEY_LOOKUP = prepared(
  'api_key_lookup',
  `SELECT k.id, k.vendor_id, v.name AS vendor_name, k.last_used_at
     FROM api_keys k JOIN vendors v ON v.id = k.vendor_id
    WHERE k.hash = $1 AND k.revoked_at IS NULL`,
);

interface Held {
  at: number;
  vendor: AuthenticatedVendor;
  /** When last_used_at was last known written (ms), to write it at most once a minute. */
  lastUsed: number;
}

export function createApiKeyAuth(deps: {
  prisma: PrismaClient;
  log: FastifyBaseLogger;
  ttlMs?: number;
  maxEntries?: number;
}) {
  const { prisma, log } = deps;
  const pool = poolOf(prisma);
  const ttlMs = deps.ttlMs ?? API_KEY_CACHE_MS;
  const maxEntries = deps.maxEntries ?? 10_000;
  const held = new Map<string, Held>();

  async function load(hash: string): Promise<Held | null> {
    const [key] = await runPrepared<{ id: string; vendor_id: string; vendor_name: string; last_used_at: Date | null }>(
      pool,
      API_KEY_LOOKUP,
      [hash],
    );
    if (!key) return null;
    const entry = {
      at: Date.now(),
      vendor: { id: key.vendor_id, name: key.vendor_name, apiKeyId: key.id },
      lastUsed: key.last_used_at?.getTime() ?? 0,
    };
    if (held.size >= maxEntries) held.clear();
    held.set(hash, entry);
    return entry;
  }

  function recordUse(entry: Held): void {
    const now = Date.now();
    if (now - entry.lastUsed <= LAST_USED_WRITE_INTERVAL_MS) return;
    entry.lastUsed = now;
    prisma.apiKey
      .update({ where: { id: entry.vendor.apiKeyId }, data: { lastUsedAt: new Date(now) } })
      .catch((err: unknown) => log.warn({ err }, 'could not record api key use'));
  }

  return {
    /** The key's vendor, or null for an unknown or revoked key. */
    async find(apiKey: string): Promise<AuthenticatedVendor | null> {
      if (!looksLikeApiKey(apiKey)) return null;
      const hash = hashApiKey(apiKey);
      const cached = held.get(hash);
      const entry = cached && Date.now() - cached.at < ttlMs ? cached : await load(hash);
      if (!entry) {
        held.delete(hash);
        return null;
      }
      recordUse(entry);
      return entry.vendor;
    },
    /** Stops serving a key from memory (it was revoked): its next use is looked up. */
    forget(apiKeyId: string): void {
      for (const [hash, entry] of held) if (entry.vendor.apiKeyId === apiKeyId) held.delete(hash);
    },
  };
}

export type ApiKeyAuth = ReturnType<typeof createApiKeyAuth>;
