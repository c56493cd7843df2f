// Availability push, end to end over real HTTP: the sandbox restricts an item and sends its ITEM
// webhook, our worker processes it, and the vendor whose location is mapped there receives a
// signed `item.availability` callback at its callback URL (retried when refused); a vendor mapped
// elsewhere receives nothing. By the time the callback arrives, our availability answer agrees.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SEED } from '../../src/sandbox/app.js';
import { verifyCallback } from '../../src/services/callbacks/signing.js';
import { connectedVendor } from '../connect/helpers.js';
import { bearer } from '../helpers/context.js';
import { waitFor } from '../helpers/workers.js';
import { AMS, createPipelineContext, type PipelineContext } from '../orders/pipeline-context.js';

interface Received {
  path: string;
  body: string;
  signature: string | undefined;
}

describe('item availability push to vendors', () => {
  let p: PipelineContext;
  let server: Server;
  let base: string;
  const received: Received[] = [];
  let refuseNext = 0;
  let secret: string;
  let otherSecret: string;

  const setCallback = async (apiKey: string, url: string) => {
    const res = await p.ctx.app.inject({
      method: 'PUT',
      url: '/v1/callback',
      headers: bearer(apiKey),
      payload: { url },
    });
    expect(res.statusCode).toBe(200);
    return res.json().secret as string;
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (refuseNext > 0) {
          refuseNext--;
          res.writeHead(503).end('busy');
          return;
        }
        received.push({ path: req.url ?? '', body, signature: req.headers['x-signature'] as string | undefined });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    p = await createPipelineContext();
    secret = await setCallback(p.vendor.apiKey, `${base}/amsterdam`);
    // Another vendor of the same business, mapped to New York only.
    const other = await connectedVendor(p.ctx, 'New York vendor');
    const loc = await p.ctx.app.inject({
      method: 'POST',
      url: '/v1/locations',
      headers: bearer(other.apiKey),
      payload: { name: 'New York', businessLocationId: SANDBOX_SEED.locations.newYork.id },
    });
    expect(loc.statusCode).toBe(201);
    otherSecret = await setCallback(other.apiKey, `${base}/new-york`);
  }, 60_000);
  afterAll(async () => {
    await p?.close();
    await new Promise((r) => server.close(r));
  });

  const callbacksFor = (sku: string) =>
    received.map((r) => ({ ...r, json: JSON.parse(r.body) })).filter((r) => r.json.sku === sku);

  it('sends a signed item.availability callback when an item sells out, retried until accepted', async () => {
    const sku = SANDBOX_SEED.skus.salmon;
    refuseNext = 1;
    await p.sandboxControl('POST', '/availability', { businessLocationId: AMS.id, sku, count: 0 });
    const [cb] = await waitFor(
      async () => {
        const list = callbacksFor(sku);
        return list.length > 0 ? list : null;
      },
      'the availability callback',
      20_000,
    );
    expect(refuseNext).toBe(0);
    expect(cb!.path).toBe('/amsterdam');
    expect(verifyCallback(secret, cb!.body, cb!.signature ?? '')).toBe(true);
    expect(verifyCallback(otherSecret, cb!.body, cb!.signature ?? '')).toBe(false);
    expect(cb!.json).toEqual({
      type: 'item.availability',
      id: expect.any(String),
      sku,
      available: false,
      count: 0,
      locationId: p.locationId,
      occurredAt: expect.any(String),
    });
    // The ITEM webhook dropped the cached answer before the callback went out.
    const now = await p.ctx.app.inject({
      method: 'GET',
      url: `/v1/locations/${p.locationId}/availability?skus=${sku}`,
      headers: bearer(p.vendor.apiKey),
    });
    expect(now.json().data).toEqual([expect.objectContaining({ sku, available: false, count: 0 })]);
  });

  it('sends the count left, and available with count null when the restriction is lifted', async () => {
    const sku = SANDBOX_SEED.skus.tiramisu;
    await p.sandboxControl('POST', '/availability', { businessLocationId: AMS.id, sku, count: 4 });
    await waitFor(async () => (callbacksFor(sku).length >= 1 ? true : null), 'the restricted callback', 20_000);
    await p.sandboxControl('POST', '/availability', { businessLocationId: AMS.id, sku, count: null });
    const list = await waitFor(
      async () => {
        const l = callbacksFor(sku);
        return l.length >= 2 ? l : null;
      },
      'the lifted callback',
      20_000,
    );
    expect(list.map((r) => [r.json.available, r.json.count])).toEqual([
      [true, 4],
      [true, null],
    ]);
    for (const r of list) expect(verifyCallback(secret, r.body, r.signature ?? '')).toBe(true);
  });

  it('sends nothing to a vendor whose locations are mapped elsewhere', async () => {
    await waitFor(
      async () =>
        (await p.ctx.db.prisma.webhookEvent.count({ where: { type: 'ITEM', status: { not: 'PROCESSED' } } })) === 0
          ? true
          : null,
      'every ITEM event processed',
    );
    expect(received.filter((r) => r.path === '/new-york')).toEqual([]);
  });
});
