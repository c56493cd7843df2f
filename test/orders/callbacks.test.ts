// Vendor callbacks: every status change POSTed to the vendor, signed, retried, and visible.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCallback } from '../../src/services/callbacks/signing.js';
import { bearer, createVendor } from '../helpers/context.js';
import { waitFor } from '../helpers/workers.js';
import { createPipelineContext, NO_SUCH_TABLE, type PipelineContext } from './pipeline-context.js';

interface Received {
  body: string;
  signature: string | undefined;
}

describe('vendor callbacks', () => {
  let p: PipelineContext;
  let server: Server;
  let url: string;
  const received: Received[] = [];
  let failNext = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (failNext > 0) {
          failNext--;
          res.writeHead(500).end('not now');
          return;
        }
        received.push({ body, signature: req.headers['x-signature'] as string | undefined });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/orders`;
    p = await createPipelineContext();
  });
  afterAll(async () => {
    await p?.close();
    await new Promise((r) => server.close(r));
  });

  it('POSTs every status change, signed with the vendor’s secret, retrying a failing endpoint', async () => {
    const set = await p.ctx.app.inject({
      method: 'PUT',
      url: '/v1/callback',
      headers: bearer(p.vendor.apiKey),
      payload: { url },
    });
    expect(set.statusCode).toBe(200);
    const { secret } = set.json();
    expect(secret).toMatch(/^whsec_/);
    const stored = await p.ctx.db.prisma.vendor.findUniqueOrThrow({ where: { id: p.vendor.id } });
    expect(stored.callbackSecretEnc).not.toContain(secret);
    expect(
      (await p.ctx.app.inject({ method: 'GET', url: '/v1/callback', headers: bearer(p.vendor.apiKey) })).json(),
    ).toEqual({ url });

    failNext = 2;
    const placed = await p.placeOrder();
    await p.waitForStatus(placed.id, ['CLOSED']);
    const events = await p.ctx.db.prisma.orderEvent.count({ where: { orderId: placed.id, fromStatus: { not: null } } });
    const mine = await waitFor(async () => {
      const list = received
        .map((r) => ({ ...r, json: JSON.parse(r.body) }))
        .filter((r) => r.json.orderId === placed.id);
      return list.length >= events ? list : null;
    }, 'a callback for every status change');
    for (const r of mine) expect(verifyCallback(secret, r.body, r.signature ?? '')).toBe(true);
    expect(verifyCallback('whsec_wrong', mine[0]!.body, mine[0]!.signature ?? '')).toBe(false);
    const statuses = mine.sort((a, b) => a.json.sequence - b.json.sequence).map((r) => r.json.status);
    expect(statuses).toEqual(expect.arrayContaining(['SUBMITTED', 'ACCEPTED', 'PAYMENT_SUBMITTED', 'CLOSED']));

    const deliveries = await p.ctx.app.inject({
      method: 'GET',
      url: `/v1/orders/${placed.id}/callbacks`,
      headers: bearer(p.vendor.apiKey),
    });
    const items = deliveries.json().items as { status: string; attempts: number }[];
    expect(items).toHaveLength(events);
    expect(items.every((d) => d.status === 'DELIVERED')).toBe(true);
    expect(items.reduce((n, d) => n + d.attempts, 0)).toBe(events + 2);
  });

  it('a failing callback holds back the order’s later ones: the vendor receives them in sequence order', async () => {
    await p.ctx.app.inject({ method: 'PUT', url: '/v1/callback', headers: bearer(p.vendor.apiKey), payload: { url } });
    failNext = 1;
    const placed = await p.placeOrder();
    await p.waitForStatus(placed.id, ['CLOSED']);
    const events = await p.ctx.db.prisma.orderEvent.count({ where: { orderId: placed.id, fromStatus: { not: null } } });
    const arrived = await waitFor(async () => {
      const list = received.map((r) => JSON.parse(r.body)).filter((j) => j.orderId === placed.id);
      return list.length >= events ? list : null;
    }, 'every callback of the order');
    // In arrival order, not sorted: the first callback's retry came before any later one.
    const sequences = arrived.map((j: { sequence: number }) => j.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(new Set(sequences).size).toBe(events);
  });

  it('a replay is a status change too: the vendor is told', async () => {
    const set = await p.ctx.app.inject({
      method: 'PUT',
      url: '/v1/callback',
      headers: bearer(p.vendor.apiKey),
      payload: { url },
    });
    const { secret } = set.json();
    // The POS refuses the table it does not have: FAILED, which the vendor may replay.
    const placed = await p.placeOrder(NO_SUCH_TABLE);
    await p.waitForStatus(placed.id, ['FAILED']);
    const replay = await p.ctx.app.inject({
      method: 'POST',
      url: `/v1/orders/${placed.id}/replay`,
      headers: bearer(p.vendor.apiKey),
    });
    expect(replay.statusCode).toBe(202);
    const replayed = await waitFor(async () => {
      const hit = received.find((r) => {
        const json = JSON.parse(r.body);
        return json.orderId === placed.id && json.previousStatus === 'FAILED' && json.status === 'RECEIVED';
      });
      return hit ?? null;
    }, 'the replay callback');
    expect(JSON.parse(replayed.body).reason).toMatch(/^replay, attempt 2/);
    expect(verifyCallback(secret, replayed.body, replayed.signature ?? '')).toBe(true);
  });

  it('another vendor cannot read the deliveries', async () => {
    const other = await createVendor(p.ctx.app, 'Other');
    const order = await p.ctx.db.prisma.order.findFirstOrThrow({ where: { vendorId: p.vendor.id } });
    const res = await p.ctx.app.inject({
      method: 'GET',
      url: `/v1/orders/${order.id}/callbacks`,
      headers: bearer(other.apiKey),
    });
    expect(res.statusCode).toBe(404);
  });
});
