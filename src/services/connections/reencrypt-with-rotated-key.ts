// Key rotation for tokens at rest. After TOKEN_ENCRYPTION_KEY changes (old key kept in
// TOKEN_ENCRYPTION_PREVIOUS_KEYS), rows written with an old key still decrypt; this re-encrypts
// them under the current key, a batch at a time, without downtime. The write is conditional on
// the row still holding the ciphertexts that were read (and does not bump `version`, which
// belongs to token rotation), so it never overwrites a concurrent refresh.
import type { PrismaClient } from '../../db/prisma.js';
import type { TokenCipher } from '../../integrations/lightspeed/token-crypto.js';

export async function reencryptStaleTokens(
  deps: { prisma: PrismaClient; cipher: TokenCipher },
  options: { batch?: number } = {},
): Promise<{ reencrypted: number; skipped: number }> {
  const { prisma, cipher } = deps;
  const current = `v${cipher.currentVersion}:`;
  const rows = await prisma.lightspeedConnection.findMany({
    where: {
      OR: [
        { accessTokenEnc: { not: null }, NOT: { accessTokenEnc: { startsWith: current } } },
        { refreshTokenEnc: { not: null }, NOT: { refreshTokenEnc: { startsWith: current } } },
      ],
    },
    select: { id: true, accessTokenEnc: true, refreshTokenEnc: true },
    take: options.batch ?? 200,
  });
  let reencrypted = 0;
  for (const row of rows) {
    const redo = (value: string | null, column: 'access_token_enc' | 'refresh_token_enc') =>
      value === null || !cipher.isStale(value)
        ? value
        : cipher.encrypt(cipher.decrypt(value, { connectionId: row.id, column }), { connectionId: row.id, column });
    const updated = await prisma.lightspeedConnection.updateMany({
      where: { id: row.id, accessTokenEnc: row.accessTokenEnc, refreshTokenEnc: row.refreshTokenEnc },
      data: {
        accessTokenEnc: redo(row.accessTokenEnc, 'access_token_enc'),
        refreshTokenEnc: redo(row.refreshTokenEnc, 'refresh_token_enc'),
      },
    });
    reencrypted += updated.count;
  }
  return { reencrypted, skipped: rows.length - reencrypted };
}
