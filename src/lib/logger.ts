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

// Query parameters whose value is a credential: `?endpoint=` carries a webhook endpoint id.
const SECRET_QUERY = /([?&]endpoint=)[^&#]*/gi;
// Our endpoint ids as they appear in K-Series paths (`/o/wh/1/webhook/wh_...`) and messages.
const ENDPOINT_ID = /\bwh_[0-9a-f]{8,}/gi;

/** A URL, path or message with every webhook endpoint id replaced. */
export function redactUrl(text: string): string {
  return text.replace(SECRET_QUERY, '$1[redacted]').replace(ENDPOINT_ID, 'wh_[redacted]');
}

// The redact paths censor whole fields; these rewrite the fields that mix a secret into text.
const serializers = {
  // Fastify's own request fields, with the URL cleaned.
  req: (req: { method?: string; url?: string; host?: string; ip?: string; socket?: { remotePort?: number } }) => ({
    method: req.method,
    url: typeof req.url === 'string' ? redactUrl(req.url) : req.url,
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  }),
  // Outbound K-Series calls log their path, which names the endpoint for webhook operations.
  kseries: (k: unknown) =>
    k && typeof k === 'object' && typeof (k as { path?: unknown }).path === 'string'
      ? { ...k, path: redactUrl((k as { path: string }).path) }
      : k,
  err: (err: Error) => {
    const out = stdSerializers.err(err);
    if (typeof out.message === 'string') out.message = redactUrl(out.message);
    if (typeof out.stack === 'string') out.stack = redactUrl(out.stack);
    return out;
  },
};

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

export function loggerOptions(config: Pick<Config, 'LOG_LEVEL' | 'LOG_PRETTY' | 'NODE_ENV'>): LoggerOptions {
  const pretty = config.LOG_PRETTY ?? false;
  return {
    level: config.LOG_LEVEL,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } } : {}),
  };
}
