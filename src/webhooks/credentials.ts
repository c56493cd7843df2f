// Lightspeed authenticates its webhook calls with HTTP Basic only (no signature). We accept the
// configured pair and, during a rotation, the previous one; failing that, the unguessable
// endpoint id of one of our connections in the `endpoint` query parameter.
import type { Config } from '../config.js';
import { safeEqual } from '../lib/timing-safe.js';

export interface BasicPair {
  user: string;
  password: string;
}

export function configuredPairs(config: Config): BasicPair[] {
  const pairs = [{ user: config.LIGHTSPEED_WEBHOOK_USER, password: config.LIGHTSPEED_WEBHOOK_PASSWORD }];
  if (config.LIGHTSPEED_WEBHOOK_USER_PREVIOUS && config.LIGHTSPEED_WEBHOOK_PASSWORD_PREVIOUS) {
    pairs.push({ user: config.LIGHTSPEED_WEBHOOK_USER_PREVIOUS, password: config.LIGHTSPEED_WEBHOOK_PASSWORD_PREVIOUS });
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

/** Compares against every pair, always, so timing says nothing about which part was wrong. */
export function matchesBasic(given: BasicPair | null, pairs: BasicPair[]): boolean {
  if (!given) return false;
  let ok = false;
  for (const pair of pairs) {
    const user = safeEqual(given.user, pair.user);
    const password = safeEqual(given.password, pair.password);
    ok = ok || (user && password);
  }
  return ok;
}

/** The URL we register at Lightspeed for a connection's endpoint. */
export function webhookUrl(publicUrl: string, endpointId: string): string {
  return `${publicUrl}/webhook/lightspeed?endpoint=${encodeURIComponent(endpointId)}`;
}
