// What Postgres cannot hold. JSON allows `\u0000` and lone surrogates (`\ud800`) in strings, but
// jsonb refuses both, and a text column refuses a NUL byte. One such webhook used to fail the
// multi-row INSERT of every webhook sharing its batch; now the request itself is made storable:
// its payload gets U+FFFD in place of each bad character (so the notification can still be
// applied), and its original text is kept beside it, with any literal bad character escaped.

import { BadRequestError } from '../lib/errors.js';

const REPLACEMENT = '\uFFFD';
// A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the NUL character is the point.
const BAD_CHARACTERS = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function clean(text: string): string {
  BAD_CHARACTERS.lastIndex = 0;
  return BAD_CHARACTERS.test(text) ? text.replace(BAD_CHARACTERS, REPLACEMENT) : text;
}

/** The value with every string (keys included) cleaned, or the same value when nothing needed it. */
function sanitize(value: unknown): { value: unknown; changed: boolean } {
  if (typeof value === 'string') {
    const cleaned = clean(value);
    return { value: cleaned, changed: cleaned !== value };
  }
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((item) => {
      const r = sanitize(item);
      changed ||= r.changed;
      return r.value;
    });
    return { value: changed ? out : value, changed };
  }
  if (value && typeof value === 'object') {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const k = clean(key);
      const r = sanitize(item);
      changed ||= r.changed || k !== key;
      out[k] = r.value;
    }
    return { value: changed ? out : value, changed };
  }
  return { value, changed: false };
}

export interface StorableBody {
  /** JSON text jsonb accepts. */
  payload: string;
  /** The body as received, when the payload had to differ from it (the flag); otherwise null. */
  rawBody: string | null;
}

/**
 * `raw` is the request's text, `parsed` its JSON.parse. Bad characters can only arrive as `\u`
 * escapes (a literal NUL is not valid JSON, and UTF-8 decoding never yields a lone surrogate), so
 * a body without a backslash-u is stored as it came, at no cost.
 */
export function storableBody(raw: string, parsed: unknown): StorableBody {
  if (!raw.includes('\\u') && !raw.includes('\u0000')) return { payload: raw, rawBody: null };
  let sanitized: { value: unknown; changed: boolean };
  try {
    sanitized = sanitize(parsed);
  } catch (err) {
    // Nesting deep enough to exhaust our stack is far beyond anything Lightspeed sends.
    if (err instanceof RangeError) throw new BadRequestError('The notification is nested too deeply to be stored');
    throw err;
  }
  const { value, changed } = sanitized;
  if (!changed && !raw.includes('\u0000')) return { payload: raw, rawBody: null };
  return { payload: JSON.stringify(value), rawBody: escapeLiterals(raw) };
}

/** Literal bad characters of a text written as JSON escapes, so a text column takes it. */
export function escapeLiterals(text: string): string {
  BAD_CHARACTERS.lastIndex = 0;
  return text.replace(BAD_CHARACTERS, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
