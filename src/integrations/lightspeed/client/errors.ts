// The one error the K-Series client throws. Callers switch on `kind`; services map it to
// AppErrors (src/lib/errors.ts). Messages carry K-Series' own words, never tokens or bodies.

export type KSeriesErrorKind =
  /** K-Series answered with a non-2xx status. */
  | 'http'
  /** No response: connection refused/reset, DNS, TLS. */
  | 'network'
  /** No (complete) response within the attempt timeout. */
  | 'timeout'
  /** A 2xx whose body does not match the schema (a required field missing, a wrong type). */
  | 'invalid_response'
  /** Our own request did not match the K-Series request schema; nothing was sent. */
  | 'invalid_request'
  /** The connection was not granted the scope the endpoint needs; nothing was sent. */
  | 'missing_scope'
  /** Our shared per-connection limit had no room before the call's deadline; nothing was sent. */
  | 'rate_limited';

export interface KSeriesApiErrorInit {
  kind: KSeriesErrorKind;
  /** Template, e.g. "POST /o/op/1/order/local": bounded, safe to log and to show. */
  endpoint: string;
  /** Upstream HTTP status; null when there was no response. */
  status: number | null;
  /** K-Series' message (from whichever error body style it used), or ours when it sent none. */
  upstreamMessage: string;
  retryable: boolean;
  attempts?: number;
  /** Retry-After of the last 429/503, when K-Series sent one. */
  retryAfterMs?: number;
  /** Field-level problems: from K-Series' error body, or from schema validation. */
  fields?: { field: string; message: string }[];
  /** For missing_scope. */
  scope?: string;
}

export class KSeriesApiError extends Error {
  readonly kind: KSeriesErrorKind;
  readonly endpoint: string;
  readonly status: number | null;
  readonly upstreamMessage: string;
  readonly retryable: boolean;
  readonly attempts: number;
  readonly retryAfterMs: number | undefined;
  readonly fields: { field: string; message: string }[];
  readonly scope: string | undefined;

  constructor(init: KSeriesApiErrorInit) {
    super(describe(init));
    this.name = 'KSeriesApiError';
    this.kind = init.kind;
    this.endpoint = init.endpoint;
    this.status = init.status;
    this.upstreamMessage = init.upstreamMessage;
    this.retryable = init.retryable;
    this.attempts = init.attempts ?? 0;
    this.retryAfterMs = init.retryAfterMs;
    this.fields = init.fields ?? [];
    this.scope = init.scope;
  }

  /** The same error after `attempts` tries (the transport learns the count at the end). */
  withAttempts(attempts: number): KSeriesApiError {
    return new KSeriesApiError({ ...this.toInit(), attempts });
  }

  toInit(): KSeriesApiErrorInit {
    return {
      kind: this.kind,
      endpoint: this.endpoint,
      status: this.status,
      upstreamMessage: this.upstreamMessage,
      retryable: this.retryable,
      attempts: this.attempts,
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      fields: this.fields,
      ...(this.scope === undefined ? {} : { scope: this.scope }),
    };
  }

  /** Safe to put in logs and API error details. */
  toJSON() {
    return {
      kind: this.kind,
      endpoint: this.endpoint,
      status: this.status,
      message: this.upstreamMessage,
      retryable: this.retryable,
      attempts: this.attempts,
      ...(this.fields.length > 0 ? { fields: this.fields } : {}),
      ...(this.scope ? { scope: this.scope } : {}),
    };
  }
}

function describe(init: KSeriesApiErrorInit): string {
  switch (init.kind) {
    case 'http':
      return `K-Series ${init.endpoint} answered ${init.status}: ${init.upstreamMessage}`;
    case 'invalid_response':
      return `K-Series ${init.endpoint} returned an invalid response: ${init.upstreamMessage}`;
    case 'invalid_request':
      return `Request to K-Series ${init.endpoint} is invalid: ${init.upstreamMessage}`;
    case 'missing_scope':
      return `K-Series ${init.endpoint} needs the "${init.scope}" scope, which the connection was not granted`;
    default:
      return `K-Series ${init.endpoint} failed (${init.kind}): ${init.upstreamMessage}`;
  }
}

const REFERENCE_USED = /reference has already been used/i;

/**
 * K-Series' answer to a repeated order (409) or payment (400) reference: the earlier attempt
 * was delivered, so a retry that sees this has succeeded, not failed.
 */
export function isReferenceAlreadyUsed(err: unknown): boolean {
  return (
    err instanceof KSeriesApiError &&
    err.kind === 'http' &&
    (err.status === 409 || err.status === 400) &&
    REFERENCE_USED.test(err.upstreamMessage)
  );
}

const MAX_MESSAGE = 500;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/**
 * K-Series' message from any of its error body styles:
 * Spring `{timestamp,status,error,message,errors[],path}`, Order API `{status:"fail",msg}`,
 * items/menu `{message, apiSubExceptions[]}`, financial `{<key>: {message}}`; plus OAuth-style `{error, error_description}` and text.
 */
export function parseUpstreamError(
  status: number,
  bodyText: string,
): { message: string; fields: { field: string; message: string }[] } {
  let body: unknown;
  try {
    body = bodyText ? JSON.parse(bodyText) : undefined;
  } catch {
    body = undefined;
  }
  const fields: { field: string; message: string }[] = [];
  let message: string | undefined;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    message = str(b.msg) ?? str(b.message) ?? str(b.error_description) ?? str(b.detail) ?? str(b.title);
    for (const list of [b.errors, b.apiSubExceptions]) {
      if (!Array.isArray(list)) continue;
      for (const e of list.slice(0, 20)) {
        if (!e || typeof e !== 'object') continue;
        const o = e as Record<string, unknown>;
        const text = str(o.defaultMessage) ?? str(o.message);
        if (text) fields.push({ field: str(o.field) ?? str(o.objectName) ?? '', message: text });
      }
    }
    message ??= str(b.error);
    // The financial API documents some 400s as a map of problem objects: {<key>: {message, ...}}.
    for (const value of message ? [] : Object.values(b)) {
      if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
      const o = value as Record<string, unknown>;
      message = str(o.message) ?? str(o.msg);
      if (message) break;
    }
  } else if (bodyText && !bodyText.trimStart().startsWith('<')) {
    // Plain text from a proxy; HTML error pages say nothing useful.
    message = str(bodyText);
  }
  if (!message && fields.length > 0)
    message = fields.map((f) => (f.field ? `${f.field}: ${f.message}` : f.message)).join('; ');
  message ??= `HTTP ${status} without an error message`;
  return { message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}...` : message, fields };
}
