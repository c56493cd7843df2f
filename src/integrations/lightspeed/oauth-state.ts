// The OAuth `state` parameter: {vendorId, issuedAt, nonce} signed with HMAC-SHA256 (key: the
// client secret). Format: base64url(JSON payload) "." base64url(signature over the first part).
// Single use and the browser binding are enforced by the connect flow (the nonce in Redis).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface StatePayload {
  vendorId: string;
  /** Milliseconds since the epoch. */
  issuedAt: number;
  nonce: string;
}

export const STATE_MAX_AGE_MS = 10 * 60 * 1000;
/** Clocks of several API processes differ a little; a state from further ahead is forged. */
const FUTURE_SKEW_MS = 60 * 1000;

export type StateProblem = 'MALFORMED' | 'BAD_SIGNATURE' | 'EXPIRED';

export class OAuthStateError extends Error {
  constructor(
    public readonly problem: StateProblem,
    /** Present only when the signature was valid (the vendor id can be trusted). */
    public readonly payload?: StatePayload,
  ) {
    super(`OAuth state rejected: ${problem}`);
    this.name = 'OAuthStateError';
  }
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

function sign(data: string, key: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function signState(payload: StatePayload, key: string): string {
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${sign(body, key).toString('base64url')}`;
}

function parsePayload(body: string): StatePayload | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return null;
    const { vendorId, issuedAt, nonce } = value as Record<string, unknown>;
    if (typeof vendorId !== 'string' || typeof nonce !== 'string' || typeof issuedAt !== 'number') return null;
    if (!Number.isSafeInteger(issuedAt) || nonce.length < 16 || nonce.length > 64) return null;
    return { vendorId, issuedAt, nonce };
  } catch {
    return null;
  }
}

/**
 * Verifies the signature in constant time, then the age. Throws OAuthStateError; on success
 * returns the payload.
 */
export function verifyState(state: string, key: string, now = Date.now(), maxAgeMs = STATE_MAX_AGE_MS): StatePayload {
  if (state.length > 1024) throw new OAuthStateError('MALFORMED');
  const parts = state.split('.');
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]!) || !/^[A-Za-z0-9_-]+$/.test(parts[1]!)) {
    throw new OAuthStateError('MALFORMED');
  }
  const [body, signature] = parts as [string, string];
  const expected = sign(body, key);
  const actual = Buffer.from(signature, 'base64url');
  // The expected length is public (SHA-256); only equal-length buffers reach timingSafeEqual.
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new OAuthStateError('BAD_SIGNATURE');
  }
  const payload = parsePayload(body);
  if (!payload) throw new OAuthStateError('MALFORMED');
  if (payload.issuedAt > now + FUTURE_SKEW_MS) throw new OAuthStateError('MALFORMED');
  if (now - payload.issuedAt > maxAgeMs) throw new OAuthStateError('EXPIRED', payload);
  return payload;
}
