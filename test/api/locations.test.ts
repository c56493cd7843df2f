// Location CRUD and cross-vendor isolation on every vendor route that exists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createVendor, type TestContext } from '../helpers/context.js';
import { connectedVendor, createConnectContext, type ConnectContext } from '../connect/helpers.js';

describe('locations', () => {
  let c: ConnectContext;
  let ctx: TestContext;
  let a: { id: string; apiKey: string };
  let b: { id: string; apiKey: string };
  // Mappings are checked against the connected business: both vendors are connected to the
  // sandbox's demo business (shared, as the sandbox allows), whose locations end in ...156/...157.
  beforeAll(async () => {
    c = await createConnectContext();
    ctx = c.ctx;
    a = await connectedVendor(ctx, 'A');
    b = await connectedVendor(ctx, 'B');
  });
  afterAll(async () => c?.close());

  const create = (key: string, payload: unknown) =>
    ctx.app.inject({ method: 'POST', url: '/v1/locations', headers: bearer(key), payload: payload as object });

  it('creates, lists, reads, updates and deletes a location', async () => {
    const created = await create(a.apiKey, {
      name: 'Centrum',
      businessLocationId: 45454565682156,
      defaultOrderProfile: 'TAKEAWAY',
    });
    expect(created.statusCode).toBe(201);
    const location = created.json();
    expect(location).toMatchObject({
      name: 'Centrum',
      businessLocationId: 45454565682156,
      defaultOrderProfile: 'TAKEAWAY',
    });

    const list = await ctx.app.inject({ method: 'GET', url: '/v1/locations?limit=10', headers: bearer(a.apiKey) });
    expect(list.json().items.map((l: { id: string }) => l.id)).toContain(location.id);

    const got = await ctx.app.inject({ method: 'GET', url: `/v1/locations/${location.id}`, headers: bearer(a.apiKey) });
    expect(got.json()).toEqual(location);

    const updated = await ctx.app.inject({
      method: 'PATCH',
      url: `/v1/locations/${location.id}`,
      headers: bearer(a.apiKey),
      payload: { name: 'Centraal', businessLocationId: '45454565682157', defaultOrderProfile: null },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({
      name: 'Centraal',
      businessLocationId: 45454565682157,
      defaultOrderProfile: null,
    });

    const deleted = await ctx.app.inject({
      method: 'DELETE',
      url: `/v1/locations/${location.id}`,
      headers: bearer(a.apiKey),
    });
    expect(deleted.statusCode).toBe(204);
    const gone = await ctx.app.inject({
      method: 'GET',
      url: `/v1/locations/${location.id}`,
      headers: bearer(a.apiKey),
    });
    expect(gone.statusCode).toBe(404);
  });

  it('refuses to map two locations of one vendor to the same K-Series location', async () => {
    expect((await create(a.apiKey, { name: 'One', businessLocationId: 45454565682156 })).statusCode).toBe(201);
    const dup = await create(a.apiKey, { name: 'Two', businessLocationId: 45454565682156 });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('BUSINESS_LOCATION_ALREADY_MAPPED');
  });

  it('names every invalid field', async () => {
    const res = await create(a.apiKey, { name: '', businessLocationId: -3, defaultOrderProfile: 12 });
    expect(res.statusCode).toBe(400);
    const fields = res.json().error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(
      expect.arrayContaining(['body.name', 'body.businessLocationId', 'body.defaultOrderProfile']),
    );
    const empty = await ctx.app.inject({
      method: 'PATCH',
      url: '/v1/locations/00000000-0000-4000-8000-000000000000',
      headers: bearer(a.apiKey),
      payload: {},
    });
    expect(empty.statusCode).toBe(400);
    const badId = await ctx.app.inject({ method: 'GET', url: '/v1/locations/not-a-uuid', headers: bearer(a.apiKey) });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().error.details.fields[0].field).toBe('params.locationId');
  });

  it('hides one vendor’s locations from another: 404 on every route, never 403', async () => {
    const own = (await create(a.apiKey, { name: 'Private' })).json();
    const url = `/v1/locations/${own.id}`;
    const attempts = await Promise.all([
      ctx.app.inject({ method: 'GET', url, headers: bearer(b.apiKey) }),
      ctx.app.inject({ method: 'PATCH', url, headers: bearer(b.apiKey), payload: { name: 'Stolen' } }),
      ctx.app.inject({ method: 'DELETE', url, headers: bearer(b.apiKey) }),
    ]);
    for (const res of attempts) {
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
    const listB = await ctx.app.inject({ method: 'GET', url: '/v1/locations', headers: bearer(b.apiKey) });
    expect(listB.json().items.map((l: { id: string }) => l.id)).not.toContain(own.id);
    const still = await ctx.app.inject({ method: 'GET', url, headers: bearer(a.apiKey) });
    expect(still.json().name).toBe('Private');
    // The same K-Series location may be mapped by two vendors (both connected to one business).
    expect((await create(b.apiKey, { name: 'Shared', businessLocationId: 45454565682156 })).statusCode).toBe(201);
  });

  it('pages the list', async () => {
    const c = await createVendor(ctx.app, 'C');
    for (const name of ['l1', 'l2', 'l3']) await create(c.apiKey, { name });
    const page = await ctx.app.inject({
      method: 'GET',
      url: '/v1/locations?limit=2&offset=1',
      headers: bearer(c.apiKey),
    });
    expect(page.json().total).toBe(3);
    expect(page.json().items.map((l: { name: string }) => l.name)).toEqual(['l2', 'l3']);
    const bad = await ctx.app.inject({ method: 'GET', url: '/v1/locations?limit=5000', headers: bearer(c.apiKey) });
    expect(bad.statusCode).toBe(400);
  });
});
