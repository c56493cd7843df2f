// Lightspeed authenticates its webhook calls with HTTP Basic only (no signature). We accept the
// configured pair and, during a rotation, the previous one; failing that, the unguessable
// endpoint id of one of our connections in the `endpoint` query parameter.
import type { Config } from '../config.js';
import { hash, timingSafeEqual } from 'node:crypto';

export interface BasicPair {
  user: string;
  password: string;
}

/** A configured pair, kept as the digest of `user:password`. */
export type PairDigest = Buffer;

// Every webhook is checked against every pair: digest the configured pairs once, and each call
// costs one hash. The user cannot contain a colon in Basic Auth, so `user:password` is unambiguous.
// One-shot hash(): the same digest as createHash().update().digest(), without a Hash object per call.
const digest = (user: string, password: string): PairDigest => hash('sha256', `${user}:${password}`, 'buffer');

export function configuredPairs(config: Config): PairDigest[] {
  const pairs = [digest(config.LIGHTSPEED_WEBHOOK_USER, config.LIGHTSPEED_WEBHOOK_PASSWORD)];
  if (config.LIGHTSPEED_WEBHOOK_USER_PREVIOUS && config.LIGHTSPEED_WEBHOOK_PASSWORD_PREVIOUS) {
    pairs.push(digest(config.LIGHTSPEED_WEBHOOK_USER_PREVIOUS, config.LIGHTSPEED_WEBHOOK_PASSWORD_PREVIOUS));
  }
  return pairs;
}

export function parseBasic(header: string | undefined): BasicPair | null {
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header) : null;
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Compares digests in constant time against every pair, always, so timing says nothing about
 * which pair or which part was wrong, nor about the configured lengths.
 */
export function matchesBasic(given: BasicPair | null, pairs: PairDigest[]): boolean {
  if (!given) return false;
  const candidate = digest(given.user, given.password);
  let ok = false;
  for (const pair of pairs) ok = timingSafeEqual(candidate, pair) || ok;
  return ok;
}
