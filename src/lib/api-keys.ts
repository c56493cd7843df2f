// Vendor API keys: "lsk_" + prefix + secret. Only the SHA-256 is stored; the prefix is shown
// to people so they can tell keys apart. A fast hash is right here: keys are 192 random bits,
// so there is nothing to brute-force, and every request verifies one.
import { createHash, randomBytes } from 'node:crypto';

const KEY_PREFIX = 'lsk_';

export interface GeneratedApiKey {
  key: string;
  prefix: string;
  hash: string;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateApiKey(): GeneratedApiKey {
  const prefix = `${KEY_PREFIX}${randomBytes(6).toString('hex')}`;
  const key = `${prefix}_${randomBytes(24).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(key) };
}

/** Cheap shape check before touching the database. */
export function looksLikeApiKey(value: string): boolean {
  return /^lsk_[0-9a-f]{12}_[A-Za-z0-9_-]{32}$/.test(value);
}
