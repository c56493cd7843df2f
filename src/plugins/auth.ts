// Authentication for the admin API (ADMIN_TOKEN) and the vendor API (per-vendor API keys).
// Routes opt in with `onRequest: app.requireVendor` or `onRequest: app.requireAdmin`.
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { poolOf } from '../db/prisma.js';
import { prepared, runPrepared } from '../db/sql.js';
import { hashApiKey, looksLikeApiKey } from '../lib/api-keys.js';
import { UnauthorizedError } from '../lib/errors.js';
import { safeEqual } from '../lib/timing-safe.js';

export interface AuthenticatedVendor {
  id: string;
  name: string;
  apiKeyId: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    requireAdmin: (request: FastifyRequest) => Promise<void>;
    requireVendor: (request: FastifyRequest) => Promise<void>;
    /** Resolves an API key to its vendor, or null. Also used by the back office sign-in. */
    findVendorByApiKey: (apiKey: string) => Promise<AuthenticatedVendor | null>;
  }
  interface FastifyRequest {
    vendor?: AuthenticatedVendor;
  }
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

// lastUsedAt is informative; writing it on every request would cost a query per call.
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

const API_KEY_LOOKUP = prepared(
  'api_key_lookup',
  `SELECT k.id, k.vendor_id, v.name AS vendor_name, k.last_used_at
     FROM api_keys k JOIN vendors v ON v.id = k.vendor_id
    WHERE k.hash = $1 AND k.revoked_at IS NULL`,
);

export default fp<{ adminToken: string }>(
  async (app, opts) => {
    const pool = poolOf(app.prisma);
    app.decorateRequest('vendor', undefined);

    app.decorate('requireAdmin', async (request: FastifyRequest) => {
      const token = bearerToken(request);
      if (!token || !safeEqual(token, opts.adminToken)) {
        throw new UnauthorizedError('A valid admin token is required (Authorization: Bearer <ADMIN_TOKEN>)');
      }
    });

    app.decorate('findVendorByApiKey', async (apiKey: string) => {
      if (!looksLikeApiKey(apiKey)) return null;
      // Every vendor request runs this: one prepared join instead of Prisma's two queries.
      const [key] = await runPrepared<{
        id: string;
        vendor_id: string;
        vendor_name: string;
        last_used_at: Date | null;
      }>(pool, API_KEY_LOOKUP, [hashApiKey(apiKey)]);
      if (!key) return null;
      if (!key.last_used_at || Date.now() - key.last_used_at.getTime() > LAST_USED_WRITE_INTERVAL_MS) {
        app.prisma.apiKey
          .update({ where: { id: key.id }, data: { lastUsedAt: new Date() } })
          .catch((err: unknown) => app.log.warn({ err }, 'could not record api key use'));
      }
      return { id: key.vendor_id, name: key.vendor_name, apiKeyId: key.id };
    });

    app.decorate('requireVendor', async (request: FastifyRequest) => {
      const token = bearerToken(request);
      const vendor = token ? await app.findVendorByApiKey(token) : null;
      if (!vendor) throw new UnauthorizedError('A valid vendor API key is required (Authorization: Bearer lsk_...)');
      request.vendor = vendor;
      request.log = request.log.child({ vendorId: vendor.id });
    });
  },
  { name: 'auth', dependencies: ['prisma'] },
);

/** The vendor of an authenticated request; routes behind requireVendor always have one. */
export function vendorOf(request: FastifyRequest): AuthenticatedVendor {
  if (!request.vendor) throw new UnauthorizedError();
  return request.vendor;
}
