// pino options shared by every process. The redact list keeps credentials out of logs even
// when someone logs a whole object by mistake.
import { type LoggerOptions, stdSerializers } from 'pino';
import type { Config } from '../config.js';

const SECRET_KEYS = [
  'authorization',
  'cookie',
  'password',
  'secret',
  'token',
  'apiKey',
  'api_key',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'code_verifier',
  'codeVerifier',
  'accessTokenEnc',
  'refreshTokenEnc',
  // Our webhook endpoint ids authenticate Lightspeed's calls when Basic Auth is not used.
  'endpointId',
  'webhookEndpointId',
];

// Our endpoint ids as they appear in K-Series paths (`/o/wh/1/webhook/wh_...`) and messages.
const ENDPOINT_ID = /\bwh_[0-9a-f]{8,}/gi;

/** Text (a path, an error message) with every webhook endpoint id of ours replaced. */
export function redactEndpointIds(text: string): string {
  return text.replace(ENDPOINT_ID, 'wh_[redacted]');
}

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

// Query parameters whose values are credentials: the OAuth authorization code and state (a code
// plus the state is a connection), our connect-attempt id, and anything token- or secret-like.
const SECRET_QUERY_PARAMS = new Set(
  [
    'code',
    'state',
    'attempt',
    'code_verifier',
    'client_secret',
    'password',
    'secret',
    'token',
    'access_token',
    'refresh_token',
    'id_token',
    'apiKey',
    'api_key',
    // A webhook endpoint id: our per-connection fallback credential for Lightspeed's calls.
    'endpoint',
  ].map((name) => name.toLowerCase()),
);

/** The URL with the values of secret query parameters replaced; path and other parameters kept. */
export function redactUrl(raw: string): string {
  const url = redactEndpointIds(raw);
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // A malformed escape is logged as sent; it cannot name a secret parameter we read.
      }
      return SECRET_QUERY_PARAMS.has(name.toLowerCase()) ? `${rawName}=[redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, q)}?${query}`;
}

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  headers?: Record<string, unknown>;
  socket?: { remotePort?: number };
}

/** Fastify's request serializer, with the URL redacted. */
function serializeRequest(req: LoggedRequest) {
  return {
    method: req.method,
    url: typeof req.url === 'string' ? redactUrl(req.url) : req.url,
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

export function loggerOptions(config: Pick<Config, 'LOG_LEVEL' | 'LOG_PRETTY' | 'NODE_ENV'>): LoggerOptions {
  const pretty = config.LOG_PRETTY ?? false;
  return {
    level: config.LOG_LEVEL,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req: serializeRequest,
      // Outbound K-Series calls log their path, which names the endpoint for webhook operations.
      kseries: (k: unknown) =>
        k && typeof k === 'object' && typeof (k as { path?: unknown }).path === 'string'
          ? { ...k, path: redactEndpointIds((k as { path: string }).path) }
          : k,
      err: (err: Error) => {
        const out = stdSerializers.err(err);
        if (typeof out.message === 'string') out.message = redactEndpointIds(out.message);
        if (typeof out.stack === 'string') out.stack = redactEndpointIds(out.stack);
        return out;
      },
    },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } } : {}),
  };
}
