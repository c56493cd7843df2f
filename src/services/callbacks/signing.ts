// Vendor callback signatures: X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>.
// The timestamp is signed too, so a captured callback cannot be replayed later unnoticed.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function newCallbackSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

export function signCallback(secret: string, rawBody: string, timestampSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

/** What a vendor does on receipt (documented in the README); used by our tests. */
export function verifyCallback(
  secret: string,
  rawBody: string,
  header: string,
  toleranceSeconds = 300,
  now = Date.now(),
): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(now / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signCallback(secret, rawBody, t).split('v1=')[1]!, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
