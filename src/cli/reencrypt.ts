// Re-encryption after TOKEN_ENCRYPTION_KEY changed: every secret written under an older key
// version is rewritten under the current one -- the connections' OAuth tokens and the vendors'
// callback signing secrets (both use the same cipher). Each write is conditional on the row
// still holding what was read, so a concurrent token refresh or secret change always wins.
import type { PrismaClient } from '../db/prisma.js';
import type { TokenCipher } from '../integrations/lightspeed/token-crypto.js';
import { reencryptStaleTokens } from '../services/connections/reencrypt-with-rotated-key.js';
import { cipherSealer } from '../services/callbacks/service.js';

export interface StaleCounts {
  connections: number;
  callbackSecrets: number;
}

export async function countStale(prisma: PrismaClient, cipher: TokenCipher): Promise<StaleCounts> {
  const current = `v${cipher.currentVersion}:`;
  const [connections, callbackSecrets] = await Promise.all([
    prisma.lightspeedConnection.count({
      where: {
        OR: [
          { accessTokenEnc: { not: null }, NOT: { accessTokenEnc: { startsWith: current } } },
          { refreshTokenEnc: { not: null }, NOT: { refreshTokenEnc: { startsWith: current } } },
        ],
      },
    }),
    prisma.vendor.count({
      where: { callbackSecretEnc: { not: null }, NOT: { callbackSecretEnc: { startsWith: current } } },
    }),
  ]);
  return { connections, callbackSecrets };
}

/** One batch of vendors' callback secrets. */
export async function reencryptCallbackSecrets(
  deps: { prisma: PrismaClient; cipher: TokenCipher },
  options: { batch: number },
): Promise<{ reencrypted: number; skipped: number }> {
  const { prisma, cipher } = deps;
  const sealer = cipherSealer(cipher);
  const rows = await prisma.vendor.findMany({
    where: {
      callbackSecretEnc: { not: null },
      NOT: { callbackSecretEnc: { startsWith: `v${cipher.currentVersion}:` } },
    },
    select: { id: true, callbackSecretEnc: true },
    take: options.batch,
  });
  let reencrypted = 0;
  for (const row of rows) {
    const sealed = row.callbackSecretEnc!;
    const updated = await prisma.vendor.updateMany({
      where: { id: row.id, callbackSecretEnc: sealed },
      data: { callbackSecretEnc: sealer.seal(row.id, sealer.open(row.id, sealed)) },
    });
    reencrypted += updated.count;
  }
  return { reencrypted, skipped: rows.length - reencrypted };
}

/**
 * Batches until nothing stale is left. Stops early when a round makes no progress (rows keep
 * changing under it: another process still writing with the old key as its current one).
 */
export async function reencryptAll(
  deps: { prisma: PrismaClient; cipher: TokenCipher },
  options: { batch: number; onProgress?: (done: number) => void },
): Promise<{ connections: number; callbackSecrets: number; skipped: number }> {
  const totals = { connections: 0, callbackSecrets: 0, skipped: 0 };
  for (;;) {
    const tokens = await reencryptStaleTokens(deps, { batch: options.batch });
    const secrets = await reencryptCallbackSecrets(deps, { batch: options.batch });
    totals.connections += tokens.reencrypted;
    totals.callbackSecrets += secrets.reencrypted;
    totals.skipped += tokens.skipped + secrets.skipped;
    options.onProgress?.(totals.connections + totals.callbackSecrets);
    if (tokens.reencrypted + secrets.reencrypted === 0) break;
  }
  return totals;
}
