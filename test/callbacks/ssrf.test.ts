// Vendor callback URLs go to public addresses only (CALLBACK_ALLOW_PRIVATE_NETWORKS=false, the
// production default): refused at registration in every spelling of a non-public address, and
// refused again at delivery, when the address the URL reaches is only known at connection time.
import { randomBytes, randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createAvailabilityCallbackProcessor } from '../../src/jobs/processors/availability-callback.js';
import { startCallbackDispatcher } from '../../src/services/callbacks/dispatcher.js';
import { callbackHttpFor } from '../../src/services/callbacks/http.js';
import { cipherSealer } from '../../src/services/callbacks/service.js';
import { isNonPublicAddress } from '../../src/services/callbacks/url-guard.js';
import { bearer, createTestContext, createVendor, type TestContext } from '../helpers/context.js';
import { waitFor } from '../helpers/workers.js';

const log = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;

describe('vendor callback URLs reach public addresses only', () => {
  let ctx: TestContext;
  let vendor: { id: string; apiKey: string };
  let server: Server;
  let port: number;
  const hits: string[] = [];

  beforeAll(async () => {
    ctx = await createTestContext({ CALLBACK_ALLOW_PRIVATE_NETWORKS: 'false' });
    vendor = await createVendor(ctx.app);
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/redirect') res.writeHead(302, { location: `http://127.0.0.1:${port}/target` }).end();
      else res.writeHead(204).end();
    });
    // Every interface: whatever loopback address a name resolves to, the receiver is there.
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await ctx?.close();
  });

  it('allows private networks by default only outside production', () => {
    const production = {
      NODE_ENV: 'production',
      ADMIN_TOKEN: randomBytes(24).toString('hex'),
      SESSION_SECRET: randomBytes(24).toString('hex'),
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LIGHTSPEED_WEBHOOK_PASSWORD: randomBytes(24).toString('hex'),
    };
    expect(loadConfig(production).CALLBACK_ALLOW_PRIVATE_NETWORKS).toBe(false);
    expect(loadConfig({ ...production, CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true' }).CALLBACK_ALLOW_PRIVATE_NETWORKS).toBe(
      true,
    );
    expect(loadConfig({ NODE_ENV: 'development' }).CALLBACK_ALLOW_PRIVATE_NETWORKS).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).CALLBACK_ALLOW_PRIVATE_NETWORKS).toBe(true);
  });

  const register = (url: string) =>
    ctx.app.inject({ method: 'PUT', url: '/v1/callback', headers: bearer(vendor.apiKey), payload: { url } });

  it('refuses non-public URLs at registration, naming why', async () => {
    const refused = [
      'http://127.0.0.1/hook',
      'http://127.1/hook',
      'http://2130706433/hook',
      'http://0x7f.1/hook',
      'http://0177.0.0.1/hook',
      'http://localhost/hook',
      'http://LOCALHOST./hook',
      'http://api.localhost/hook',
      'http://[::1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://[::ffff:a9fe:a9fe]/hook',
      'http://[::]/hook',
      'http://0.0.0.0/hook',
      'http://0/hook',
      'http://10.1.2.3/hook',
      'http://172.16.5.4/hook',
      'http://192.168.1.1/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://100.64.0.1/hook',
      'http://224.0.0.1/hook',
      'http://[fe80::1]/hook',
      'http://[fc00::1]/hook',
      'http://[ff02::1]/hook',
      `http://${hostname()}:${port}/hook`, // a name that resolves to this machine
    ];
    expect(isNonPublicAddress((await lookup(hostname())).address)).toBe(true);
    for (const url of refused) {
      const res = await register(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error, url).toMatchObject({
        code: 'CALLBACK_URL_NOT_PUBLIC',
        message: expect.stringContaining('must point at a public address'),
      });
    }
    const stored = await ctx.db.prisma.vendor.findUniqueOrThrow({ where: { id: vendor.id } });
    expect(stored.callbackUrl).toBeNull();

    for (const url of [
      'https://93.184.216.34/hook',
      'https://[2606:4700:4700::1111]/hook',
      'https://callbacks.example.invalid/hook',
    ]) {
      expect((await register(url)).statusCode, url).toBe(200);
    }
  });

  /** A pending delivery to `url`, as if registered before (or its name resolved elsewhere then). */
  async function delivery(url: string) {
    const location = await ctx.db.prisma.location.create({ data: { vendorId: vendor.id, name: `L-${randomUUID()}` } });
    const hex = randomBytes(12).toString('hex');
    const order = await ctx.db.prisma.order.create({
      data: {
        id: randomUUID(),
        vendorId: vendor.id,
        locationId: location.id,
        reference: `o${hex}`,
        paymentReference: `p${hex}`,
        requestHash: randomBytes(32).toString('hex'),
        type: 'TO_GO',
        status: 'RECEIVED',
        payload: {},
        paymentAmount: '17.70',
        paymentMethod: 'OOPAYMENT',
        deadlineAt: new Date(Date.now() + 15 * 60_000),
        events: { create: { toStatus: 'RECEIVED', source: 'test', reason: 'seeded' } },
      },
      include: { events: true },
    });
    return ctx.db.prisma.callbackDelivery.create({
      data: { orderId: order.id, orderEventId: order.events[0]!.id, url },
    });
  }

  /**
   * Runs the worker's callback dispatcher, with the HTTP client the worker builds for this
   * setting, until the delivery has had one attempt; answers the row. The row is then taken out
   * (FAILED) so that its retry cannot reach the receiver during a later case.
   */
  async function attemptOnce(allowPrivateNetworks: boolean, deliveryId: string) {
    const http = callbackHttpFor(allowPrivateNetworks);
    const dispatcher = startCallbackDispatcher(
      { prisma: ctx.prisma, sealer: cipherSealer(ctx.app.services.core.cipher), log, http },
      { pollMs: 50, batchWindowMs: 0 },
    );
    try {
      return await waitFor(async () => {
        const row = await ctx.db.prisma.callbackDelivery.findUniqueOrThrow({ where: { id: deliveryId } });
        return row.attempts >= 1 ? row : null;
      }, 'one delivery attempt');
    } finally {
      await dispatcher.close();
      await ctx.db.prisma.callbackDelivery.updateMany({
        where: { id: deliveryId, status: 'PENDING' },
        data: { status: 'FAILED' },
      });
    }
  }

  it('refuses at delivery time whatever the URL resolves to now, and connects to nothing', async () => {
    // The same receiver is reachable when private networks are allowed (a developer's setup).
    const allowed = await delivery(`http://127.0.0.1:${port}/allowed`);
    expect(await attemptOnce(true, allowed.id)).toMatchObject({ status: 'DELIVERED', lastStatusCode: 204 });
    expect(hits).toEqual(['/allowed']);

    for (const url of [
      `http://127.0.0.1:${port}/literal`,
      `http://2130706433:${port}/decimal`,
      `http://[::ffff:127.0.0.1]:${port}/mapped`,
      `http://localhost:${port}/localhost`,
      `http://${hostname()}:${port}/by-dns`,
    ]) {
      const d = await delivery(url);
      const row = await attemptOnce(false, d.id);
      expect(row, url).toMatchObject({ status: 'PENDING', attempts: 1, lastStatusCode: null });
      expect(row.lastError, url).toMatch(/refused: .*(not a public address|local name)/);
    }
    expect(hits).toEqual(['/allowed']);

    // Nor is a redirect followed (it could point anywhere): a 3xx is a failed attempt.
    const redirected = await delivery(`http://127.0.0.1:${port}/redirect`);
    expect(await attemptOnce(true, redirected.id)).toMatchObject({ lastStatusCode: 302, lastError: 'HTTP 302' });
    expect(hits).toEqual(['/allowed', '/redirect']);
  });

  it('guards availability callbacks the same way', async () => {
    const other = await createVendor(ctx.app, 'Availability');
    await ctx.db.prisma.vendor.update({
      where: { id: other.id },
      data: { callbackUrl: `http://${hostname()}:${port}/availability` },
    });
    const location = await ctx.db.prisma.location.create({
      data: { vendorId: other.id, name: 'Avail', businessLocationId: 880001n },
    });
    const event = await ctx.db.prisma.webhookEvent.create({
      data: {
        dedupeKey: `test:${randomUUID()}`,
        type: 'ITEM',
        payload: { type: 'ITEM', sku: 'SKU-1', businessLocationId: 880001, status: 'RESTRICTED', count: 0 },
      },
    });
    const availability = (allowPrivateNetworks: boolean) =>
      createAvailabilityCallbackProcessor({
        prisma: ctx.prisma,
        sealer: cipherSealer(ctx.app.services.core.cipher),
        log,
        http: callbackHttpFor(allowPrivateNetworks),
      });
    const job = { eventId: event.id, locationId: location.id };
    const before = hits.length;
    await expect(availability(false).process(job)).rejects.toThrow(/refused: .*not a public address/);
    expect(hits.length).toBe(before);
    await expect(availability(true).process(job)).resolves.toBe('delivered');
    expect(hits.slice(before)).toEqual(['/availability']);
  });
});
