// A test app connected to a listening sandbox through the real connect flow, with one location
// mapped to the sandbox's Amsterdam business location.
import type { LightMyRequestResponse } from 'fastify';
import { bearer, createVendor } from '../helpers/context.js';
import { connectedVendor, createConnectContext, type ConnectContext } from '../connect/helpers.js';
import { SANDBOX_SEED } from '../../src/sandbox/app.js';

export { SANDBOX_SEED };
export const AMS = SANDBOX_SEED.locations.amsterdam;

export interface CatalogContext extends ConnectContext {
  vendor: { id: string; apiKey: string; connectionId: string };
  locationId: string;
  auth: { authorization: string };
  /** GET on the app as the connected vendor. */
  get(path: string): Promise<LightMyRequestResponse>;
  control<T = unknown>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T>;
  /** Requests the sandbox received for "METHOD /route/template". */
  upstreamCount(endpoint: string): Promise<number>;
  createLocation(apiKey: string, businessLocationId?: number): Promise<string>;
}

// Fast retries so failure paths finish quickly; small timeouts so a 504 can be provoked.
export const FAST_KSERIES_ENV = {
  KSERIES_MAX_ATTEMPTS: '3',
  KSERIES_BACKOFF_BASE_MS: '10',
  KSERIES_BACKOFF_MAX_MS: '50',
  KSERIES_TIMEOUT_MS: '1000',
  KSERIES_TOTAL_TIMEOUT_MS: '4000',
};

export async function createCatalogContext(env: Record<string, string> = {}): Promise<CatalogContext> {
  const cc = await createConnectContext({ env: { ...FAST_KSERIES_ENV, ...env } });
  const { app } = cc.ctx;
  const vendor = await connectedVendor(cc.ctx, 'Catalog vendor');
  const auth = bearer(vendor.apiKey);

  async function createLocation(apiKey: string, businessLocationId?: number): Promise<string> {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: bearer(apiKey),
      payload: {
        name: `Location ${businessLocationId ?? 'unmapped'}`,
        ...(businessLocationId ? { businessLocationId } : {}),
      },
    });
    if (res.statusCode !== 201) throw new Error(`location creation failed: ${res.statusCode} ${res.body}`);
    return (res.json() as { id: string }).id;
  }

  async function control<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${cc.sandbox.url}/__sandbox${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`sandbox control ${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  const locationId = await createLocation(vendor.apiKey, AMS.id);
  return {
    ...cc,
    vendor,
    locationId,
    auth,
    get: (path) => app.inject({ method: 'GET', url: path, headers: auth }),
    control,
    async upstreamCount(endpoint) {
      const counts = await control<{ byEndpoint: Record<string, number> }>('GET', '/requests');
      return counts.byEndpoint[endpoint] ?? 0;
    },
    createLocation,
  };
}

export { bearer, createVendor };
