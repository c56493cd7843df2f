// The demo vendor of `npm run dev` and the API key it signs in with. Keys are stored hashed, so
// the key itself is kept in a git-ignored local file (.dev-api-key) and reused on every start
// while it is still valid; a new key is made only when there is none (first start, file deleted,
// key revoked, database reset).
import { readFile, writeFile } from 'node:fs/promises';
import type { PrismaClient } from './db/prisma.js';
import { hashApiKey, looksLikeApiKey } from './lib/api-keys.js';
import { createVendorService } from './services/vendors.js';

export const DEMO_VENDOR = 'Demo restaurant';

export interface DemoKey {
  vendorId: string;
  apiKey: string;
  /** True when this start made the key (the file did not hold a usable one). */
  created: boolean;
}

async function readKeyFile(path: string): Promise<string | null> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return null;
    throw err;
  }
}

export async function ensureDemoKey(prisma: PrismaClient, keyFile: string): Promise<DemoKey> {
  const vendors = createVendorService({ prisma });
  const saved = await readKeyFile(keyFile);
  if (saved && looksLikeApiKey(saved)) {
    const key = await prisma.apiKey.findUnique({
      where: { hash: hashApiKey(saved) },
      select: { vendorId: true, revokedAt: true, vendor: { select: { name: true } } },
    });
    if (key && !key.revokedAt && key.vendor.name === DEMO_VENDOR)
      return { vendorId: key.vendorId, apiKey: saved, created: false };
  }
  const existing = await prisma.vendor.findFirst({ where: { name: DEMO_VENDOR }, orderBy: { createdAt: 'asc' } });
  // A new vendor comes with its first key: that one is used, not a second.
  const { vendorId, apiKey } = existing
    ? { vendorId: existing.id, apiKey: (await vendors.issueKey(existing.id, 'npm run dev')).apiKey }
    : await vendors.create({ name: DEMO_VENDOR }).then((r) => ({ vendorId: r.vendor.id, apiKey: r.apiKey }));
  // Owner-only: the key signs in to the demo vendor's back office.
  await writeFile(keyFile, `${apiKey}\n`, { mode: 0o600 });
  return { vendorId, apiKey, created: true };
}
