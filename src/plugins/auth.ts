// Authentication for the admin API (ADMIN_TOKEN) and the vendor API (per-vendor API keys).
// Routes opt in with `onRequest: app.requireVendor` or `onRequest: app.requireAdmin`.
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../lib/errors.js';
import { safeEqual } from '../lib/timing-safe.js';
import type { AuthenticatedVendor } from '../services/api-key-auth.js';

export type { AuthenticatedVendor } from '../services/api-key-auth.js';

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

export default fp<{ adminToken: string }>(
  async (app, opts) => {
    app.decorateRequest('vendor', undefined);

    app.decorate('requireAdmin', async (request: FastifyRequest) => {
      const token = bearerToken(request);
      if (!token || !safeEqual(token, opts.adminToken)) {
        throw new UnauthorizedError('A valid admin token is required (Authorization: Bearer <ADMIN_TOKEN>)');
      }
    });

    // Every vendor request runs this; a recently seen key is answered from memory, and a key
    // revoked through this process stops at once (services/api-key-auth.ts says how stale it can be).
    // The services plugin is registered after this one: they are read at request time.
    app.decorate('findVendorByApiKey', (apiKey: string) => app.services.apiKeyAuth.find(apiKey));

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
