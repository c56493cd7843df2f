// Small helpers shared by the sandbox modules: money, K-Series time formats, time zones,
// HTTP Basic parsing and HTML escaping. Nothing here touches sandbox state.
import { createHash, randomBytes } from 'node:crypto';

/** Rounds to cents the way a POS does (half away from zero), avoiding 1.005 -> 1.00 drift. */
export function money(value: number): number {
  return (Math.sign(value) * Math.round((Math.abs(value) + Number.EPSILON) * 100)) / 100;
}

/** "12.50": the financial API sends amounts as strings. */
export function moneyString(value: number, decimals = 2): string {
  return money(value).toFixed(decimals);
}

/**
 * K-Series (Spring/Jackson) timestamps look like `2023-11-07T19:15:05.043+0000`:
 * UTC, milliseconds, offset without a colon. Used by error bodies and account snapshots.
 */
export function springTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** The financial API uses plain ISO-8601 UTC (`2023-07-27T19:58:22.474Z`). */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}

/** Minutes east of UTC for `timeZone` at instant `ms` (e.g. +120 for Amsterdam in summer). */
export function tzOffsetMinutes(timeZone: string, ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** The UTC instant of local wall-clock `date` (YYYY-MM-DD) at `hour`:00 in `timeZone`. */
export function zonedTime(timeZone: string, date: string, hour: number): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, hour, 0, 0);
  // Two passes settle DST transitions: the offset at the guess, then at the corrected instant.
  let guess = wall - tzOffsetMinutes(timeZone, wall) * 60_000;
  guess = wall - tzOffsetMinutes(timeZone, guess) * 60_000;
  return guess;
}

/** The local calendar date (YYYY-MM-DD) of instant `ms` in `timeZone`. */
export function localDate(timeZone: string, ms: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(ms),
  );
}

/** ISO-8601 with the zone's offset, e.g. `2023-07-28T05:00:00-04:00`. */
export function isoWithOffset(timeZone: string, ms: number): string {
  const offset = tzOffsetMinutes(timeZone, ms);
  const local = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Base64Url(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Parses `Authorization: Basic ...`; undefined when absent or malformed. */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  if (!header) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  // RFC 6749 2.3.1: client id and secret are form-urlencoded before being put in the header.
  const formDecode = (v: string): string => {
    try {
      return decodeURIComponent(v.replace(/\+/g, ' '));
    } catch {
      return v;
    }
  };
  return { user: formDecode(decoded.slice(0, colon)), password: formDecode(decoded.slice(colon + 1)) };
}

export function basicAuthHeader(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A single string from a query/form value that may have been repeated. */
export function firstString(value: unknown): string | undefined {
  if (Array.isArray(value)) return firstString(value[0]);
  return typeof value === 'string' ? value : undefined;
}

/** Deterministic PRNG (mulberry32) so generated sales are identical for the same seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A UUID derived from a string, so seeded accounts get stable uuids. */
export function stableUuid(input: string): string {
  const h = createHash('sha1').update(input).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
