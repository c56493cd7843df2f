// Holes 2 and 8 of issue 15: an API connect link binds to the browser that opens it (a code
// completed in another browser is refused); one K-Series business belongs to one vendor at a
// time; reconnecting to another business drops the old one's data, mappings and webhook; a
// location can only be mapped to a location of the connected business.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SEED } from '../../src/sandbox/app.js';
import { bearer, createVendor } from '../helpers/context.js';
import {
  callback,
  createConnectContext,
  decideOnSandbox,
  openConnectLink,
  startApiConnect,
  type ConnectContext,
} from './helpers.js';

const AMS = SANDBOX_SEED.locations.amsterdam.id;
const UTR = SANDBOX_SEED.secondBusiness.location.id;
const SECOND_MERCHANT = SANDBOX_SEED.secondBusiness.merchant;

describe('connect bound to the browser, one vendor per business', () => {
  let c: ConnectContext;
  beforeAll(async () => {
    c = await createConnectContext({ env: { LIGHTSPEED_SHARED_BUSINESS_ALLOWED: 'false' } });
  });
  afterAll(async () => c?.close());

  const connection = (vendorId: string) => c.ctx.db.prisma.lightspeedConnection.findUnique({ where: { vendorId } });
  const connectLink = async (apiKey: string) => {
    const res = await c.ctx.app.inject({
      method: 'POST',
      url: '/v1/lightspeed/connect',
      headers: bearer(apiKey),
      payload: {},
    });
    expect(res.statusCode).toBe(200);
    return (res.json() as { authorizationUrl: string }).authorizationUrl;
  };
  /** A full connect in one browser; `merchant` picks the business. */
  const connect = async (apiKey: string, merchant?: { username: string; password: string }) => {
    const redirect = await decideOnSandbox(await startApiConnect(c.ctx, apiKey), 'approve', merchant);
    return callback(c.ctx, redirect);
  };

  it('returns a link of ours; the code is refused in any browser but the one that opened it', async () => {
    const vendor = await createVendor(c.ctx.app, 'Bound');
    const link = await connectLink(vendor.apiKey);
    expect(link.startsWith(`${c.publicUrl}/lightspeed/connect/start?attempt=`)).toBe(true);

    // The vendor opens its own link and forwards Lightspeed's page to a merchant elsewhere.
    const opened = await openConnectLink(c.ctx, link);
    expect(opened.cookie).toMatch(/^ls_connect=/);
    expect(opened.authorizationUrl.startsWith(c.sandbox.url)).toBe(true);
    const redirect = await decideOnSandbox(opened.authorizationUrl);
    const elsewhere = await callback(c.ctx, redirect, { cookie: '' });
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.body).toContain('started in another browser');
    // The refused code is spent: not even a forged cookie gets it through afterwards.
    for (const cookie of ['ls_connect=forged', 'ls_connect=s%3Aabc.def']) {
      expect((await callback(c.ctx, redirect, { cookie })).statusCode, cookie).toBe(400);
    }
    // A forged cookie on a fresh attempt is refused as well.
    const forgedRedirect = await decideOnSandbox(
      (await openConnectLink(c.ctx, await connectLink(vendor.apiKey))).authorizationUrl,
    );
    const forged = await callback(c.ctx, forgedRedirect, { cookie: 'ls_connect=forged' });
    expect(forged.statusCode).toBe(400);
    expect(forged.body).toContain('started in another browser');
    expect((await connection(vendor.id))?.status ?? 'NOT_CONNECTED').not.toBe('CONNECTED');

    // The link works once.
    const again = await c.ctx.app.inject({ method: 'GET', url: new URL(link).pathname + new URL(link).search });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('already used or has expired');

    // Opened and completed in the same browser: connected.
    const ok = await connect(vendor.apiKey);
    expect(ok.statusCode).toBe(200);
    expect((await connection(vendor.id))?.status).toBe('CONNECTED');
  });

  it("refuses a second vendor's connect to a business another vendor holds, storing nothing", async () => {
    const first = await createVendor(c.ctx.app, 'Holder');
    expect((await connect(first.apiKey, SECOND_MERCHANT)).statusCode).toBe(200);
    const second = await createVendor(c.ctx.app, 'Intruder');
    const refused = await connect(second.apiKey, SECOND_MERCHANT);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('already connected to another account');
    const row = await connection(second.id);
    expect(row?.status ?? 'NOT_CONNECTED').toBe('NOT_CONNECTED');
    expect(row?.accessTokenEnc ?? null).toBeNull();
    expect(row?.businessId ?? null).toBeNull();
    const vendor = await c.ctx.db.prisma.vendor.findUniqueOrThrow({ where: { id: second.id } });
    expect(vendor.providerIntegrated).toBeNull();
    const logs = await c.ctx.app.inject({ method: 'GET', url: '/v1/lightspeed/logs', headers: bearer(second.apiKey) });
    expect(logs.json().items.map((e: { event: string }) => e.event)).toContain('oauth.business_already_connected');
    // The holder is untouched.
    expect((await connection(first.id))?.businessId).toBe(BigInt(SANDBOX_SEED.secondBusiness.id));
  });

  it('maps locations only to locations of the connected business', async () => {
    const notConnected = await createVendor(c.ctx.app, 'Unconnected');
    const post = (apiKey: string, businessLocationId: number) =>
      c.ctx.app.inject({
        method: 'POST',
        url: '/v1/locations',
        headers: bearer(apiKey),
        payload: { name: `L ${businessLocationId}`, businessLocationId },
      });
    const unconnected = await post(notConnected.apiKey, AMS);
    expect(unconnected.statusCode).toBe(409);
    expect(unconnected.json().error.code).toBe('LIGHTSPEED_NOT_CONNECTED');

    const vendor = await createVendor(c.ctx.app, 'Mapper');
    // The demo business is held by the first test's vendor: let it go (as a disconnect would).
    await c.ctx.db.prisma.lightspeedConnection.updateMany({
      where: { businessId: BigInt(SANDBOX_SEED.business.id) },
      data: { status: 'DISCONNECTED' },
    });
    expect((await connect(vendor.apiKey)).statusCode).toBe(200);

    expect((await post(vendor.apiKey, AMS)).statusCode).toBe(201);
    for (const id of [UTR, 999_999_999]) {
      const res = await post(vendor.apiKey, id);
      expect(res.statusCode, String(id)).toBe(400);
      expect(res.json().error.code).toBe('BUSINESS_LOCATION_UNKNOWN');
      expect(res.json().error.message).toContain(String(SANDBOX_SEED.business.id));
    }
    const unmapped = await c.ctx.app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: bearer(vendor.apiKey),
      payload: { name: 'Later' },
    });
    const patch = await c.ctx.app.inject({
      method: 'PATCH',
      url: `/v1/locations/${unmapped.json().id}`,
      headers: bearer(vendor.apiKey),
      payload: { businessLocationId: UTR },
    });
    expect(patch.statusCode).toBe(400);
    expect(
      await c.ctx.db.prisma.location.count({ where: { vendorId: vendor.id, businessLocationId: BigInt(UTR) } }),
    ).toBe(0);
  });

  it("reconnecting to another business drops the old business's mappings, data and webhook", async () => {
    await c.ctx.db.prisma.lightspeedConnection.updateMany({ data: { status: 'DISCONNECTED' } });
    const vendor = await createVendor(c.ctx.app, 'Mover');
    expect((await connect(vendor.apiKey)).statusCode).toBe(200);
    const before = await c.ctx.db.prisma.lightspeedConnection.findUniqueOrThrow({ where: { vendorId: vendor.id } });
    expect(before.webhookEndpointId).toMatch(/^wh_/);
    const location = await c.ctx.app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: bearer(vendor.apiKey),
      payload: { name: 'Amsterdam', businessLocationId: AMS },
    });
    const locationId = location.json().id as string;
    await c.ctx.db.prisma.financialSale.create({
      data: {
        locationId,
        businessLocationId: BigInt(AMS),
        receiptId: 'R-1',
        timeClosed: new Date(),
        totalAmount: '10.00',
        taxAmount: '1.00',
        discountAmount: '0.00',
        tipAmount: '0.00',
        payload: {},
      },
    });
    await c.ctx.db.prisma.catalogRecord.create({
      data: { locationId, dataset: 'taxRates', externalId: randomUUID(), payload: {} },
    });

    const moved = await connect(vendor.apiKey, await freeSecondBusiness());
    expect(moved.statusCode).toBe(200);
    const after = await c.ctx.db.prisma.lightspeedConnection.findUniqueOrThrow({ where: { vendorId: vendor.id } });
    expect(after.businessId).toBe(BigInt(SANDBOX_SEED.secondBusiness.id));
    const mapped = await c.ctx.db.prisma.location.findUniqueOrThrow({ where: { id: locationId } });
    expect(mapped.businessLocationId).toBeNull();
    expect(await c.ctx.db.prisma.financialSale.count({ where: { locationId } })).toBe(0);
    expect(await c.ctx.db.prisma.catalogRecord.count({ where: { locationId } })).toBe(0);
    const logs = await c.ctx.app.inject({ method: 'GET', url: '/v1/lightspeed/logs', headers: bearer(vendor.apiKey) });
    expect(logs.json().items.map((e: { event: string }) => e.event)).toContain('location.unmapped');

    // The old business no longer knows our old endpoint; the new one has a fresh one.
    expect(after.webhookEndpointId).toMatch(/^wh_/);
    expect(after.webhookEndpointId).not.toBe(before.webhookEndpointId);
    const token = await fetch(`${c.sandbox.url}/__sandbox/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ businessId: SANDBOX_SEED.business.id, scopes: ['orders-api'] }),
    });
    const { access_token: accessToken } = (await token.json()) as { access_token: string };
    const old = await fetch(`${c.sandbox.url}/o/wh/1/webhook/${before.webhookEndpointId}`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(old.status).toBe(404);
  });

  /** Lets go of the second business (held by an earlier test's vendor) and returns its merchant. */
  async function freeSecondBusiness() {
    await c.ctx.db.prisma.lightspeedConnection.updateMany({
      where: { businessId: BigInt(SANDBOX_SEED.secondBusiness.id) },
      data: { status: 'DISCONNECTED' },
    });
    return SECOND_MERCHANT;
  }
});
