// The merchant's orders, log and keys in a real browser (headless Debian Chromium via
// playwright-core): sign in, connect through the sandbox's consent page, map a location picked
// from the connected business, send a good and a failed order through the API (real workers,
// the sandbox as the POS) and one whose payment the POS refuses, find them on the Orders tab,
// read why the failed ones failed, replay the refused order, see the failures in the
// integration log, then create an API key (shown once) and revoke it.
// Screenshots of each page go to /tmp/backoffice-*.png.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import type { WorkerRuntime } from '../../src/jobs/runtime.js';
import { SANDBOX_SEED } from '../../src/sandbox/app.js';
import { createConnectContext, freePort, type ConnectContext } from '../connect/helpers.js';
import { bearer, createVendor } from '../helpers/context.js';
import { NO_SUCH_TABLE } from '../orders/pipeline-context.js';
import { startTestWorkers, waitFor } from '../helpers/workers.js';

const AMS = SANDBOX_SEED.locations.amsterdam;

describe('back office orders, log and keys in a browser', () => {
  let c: ConnectContext;
  let workers: WorkerRuntime;
  let browser: Browser;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    c = await createConnectContext({ publicUrl: base });
    // The sandbox posts its webhooks to PUBLIC_URL: the app must listen there.
    await c.ctx.app.listen({ host: '127.0.0.1', port });
    workers = await startTestWorkers(c.ctx);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.setDefaultTimeout(15_000);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await workers?.close();
    await c?.close();
  });

  const shot = (name: string) => page.screenshot({ path: `/tmp/backoffice-${name}.png`, fullPage: true });

  async function placeOrder(apiKey: string, locationId: string, overrides: Record<string, unknown> = {}) {
    const res = await fetch(`${base}/v1/orders`, {
      method: 'POST',
      headers: { ...bearer(apiKey), 'content-type': 'application/json' },
      body: JSON.stringify({
        locationId,
        type: 'toGo',
        customer: { firstName: 'Ada', lastName: 'Lovelace' },
        items: [
          { sku: SANDBOX_SEED.skus.classicBurger, quantity: 1 },
          { sku: SANDBOX_SEED.skus.cola, quantity: 1 },
        ],
        payment: { method: SANDBOX_SEED.paymentMethods.online, amount: 17.7 },
        ...overrides,
      }),
    });
    expect(res.status).toBe(202);
    return (await res.json()) as { id: string; reference: string };
  }

  const sandbox = async (path: string, body: unknown) => {
    const res = await fetch(`${c.sandbox.url}/__sandbox${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${await res.text()}`);
  };

  const orderStatus = async (id: string) =>
    (await c.ctx.db.prisma.order.findUniqueOrThrow({ where: { id }, select: { status: true } })).status;

  it('shows a good and a failed order, explains and replays the failure, logs both, and manages keys', async () => {
    const vendor = await createVendor(c.ctx.app, 'Canal Bistro');

    // Sign in, connect through the sandbox's consent page.
    await page.goto(`${base}/backoffice`);
    await page.getByLabel('API key').fill(vendor.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/backoffice/status`);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Connect with Lightspeed' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${c.sandbox.url}/oauth/authorize`));
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(`${base}/backoffice/status`);
    expect(await page.getByTestId('connection-state').textContent()).toBe('CONNECTED');

    // Map a new location: the picker offers the connected business's locations, names and ids.
    await page.getByRole('link', { name: 'Locations' }).click();
    const offered = await page.locator('#location-bl option').allTextContents();
    expect(offered).toContain(`${AMS.name} (${AMS.id})`);
    await page.getByLabel('Name').fill('Canal kiosk');
    await page.getByLabel('Lightspeed business location').selectOption(String(AMS.id));
    await page.getByRole('button', { name: 'Create location' }).click();
    await page.waitForURL(`${base}/backoffice/locations`);
    expect(await page.getByTestId('location-mapping').first().textContent()).toBe(`${AMS.name} (${AMS.id})`);
    await shot('locations');
    const location = await c.ctx.db.prisma.location.findFirstOrThrow({ where: { vendorId: vendor.id } });

    // A good order and one for a table the POS does not have (unknown SKUs are refused at
    // accept now, so this is the refusal that still reaches the POS), through the API.
    const good = await placeOrder(vendor.apiKey, location.id);
    const bad = await placeOrder(vendor.apiKey, location.id, NO_SUCH_TABLE);
    await waitFor(async () => (await orderStatus(good.id)) === 'CLOSED', 'the good order to close', 20_000);
    await waitFor(async () => (await orderStatus(bad.id)) === 'FAILED', 'the bad order to fail', 20_000);

    // A third order whose payment the POS refuses: its /pay is held 1.5 s, and meanwhile the
    // location stops taking online orders.
    await sandbox('/faults/latency', { ms: 1500, count: 1, pathPrefix: '/o/op/1/pay' });
    const unpaid = await placeOrder(vendor.apiKey, location.id);
    await waitFor(
      async () => ['ACCEPTED', 'PAYMENT_SUBMITTED'].includes(await orderStatus(unpaid.id)),
      'the POS to take the third order',
      20_000,
    );
    await sandbox('/readiness', { businessLocationId: AMS.id, status: 'NOT_READY' });
    try {
      await waitFor(async () => (await orderStatus(unpaid.id)) === 'PAYMENT_FAILED', 'the payment to fail', 20_000);
    } finally {
      await sandbox('/readiness', { businessLocationId: AMS.id, status: 'READY' });
    }

    // Orders tab: newest first, the failed order and the failed payment stand out.
    await page.getByRole('link', { name: 'Orders' }).click();
    await page.waitForURL(`${base}/backoffice/orders`);
    const rows = page.getByTestId('order-row');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.nth(0).textContent()).toContain(unpaid.reference);
    expect(await rows.nth(0).getByTestId('order-status').textContent()).toBe('Payment failed');
    expect(await rows.nth(0).getAttribute('class')).toBe('bad');
    expect(await rows.nth(1).textContent()).toContain(bad.reference);
    expect(await rows.nth(1).getByTestId('order-status').textContent()).toBe('Failed');
    expect(await rows.nth(1).getAttribute('class')).toBe('bad');
    expect(await rows.nth(2).getByTestId('order-status').textContent()).toBe('Closed');
    expect(await rows.nth(2).getAttribute('class')).toBe('');
    const goodCells = await rows.nth(2).locator('td').allTextContents();
    expect(goodCells).toEqual(expect.arrayContaining([good.reference, '17.70', 'Takeaway / delivery', 'Canal kiosk']));
    expect(goodCells[5]).toBe('17.70'); // paid
    expect((await rows.nth(1).locator('td').allTextContents())[5]).toBe('0.00');
    expect((await rows.nth(0).locator('td').allTextContents())[5]).toBe('0.00');
    await shot('orders');

    // Filter: problems only.
    await page.getByLabel('Status').selectOption('PROBLEMS');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((url) => url.searchParams.get('status') === 'PROBLEMS');
    expect(await rows.count()).toBe(2);
    expect(await rows.allTextContents()).toEqual([
      expect.stringContaining(unpaid.reference),
      expect.stringContaining(bad.reference),
    ]);

    // The refused payment: why in plain words, and a payment replay.
    await page.goto(`${base}/backoffice/orders/${unpaid.id}`);
    expect(await page.getByTestId('problem-summary').textContent()).toContain('did not process the payment in time');
    expect(await page.getByTestId('order-paid').textContent()).toContain('Payment failed');
    expect(await page.getByRole('button', { name: 'Replay the payment' }).isVisible()).toBe(true);
    await shot('order-payment-failed');

    // The good order: lines and a timeline from acceptance to payment.
    await page.goto(`${base}/backoffice/orders/${good.id}`);
    expect(await page.getByTestId('order-line').allTextContents()).toEqual([
      expect.stringContaining(SANDBOX_SEED.skus.classicBurger),
      expect.stringContaining(SANDBOX_SEED.skus.cola),
    ]);
    const goodTimeline = (await page.getByTestId('timeline-row').allTextContents()).join('\n');
    for (const step of [
      'Order received',
      'Sent to the POS',
      'The POS accepted the order',
      'Payment confirmed by the POS',
    ])
      expect(goodTimeline).toContain(step);
    expect(await page.getByTestId('order-paid').textContent()).toContain('17.70 paid');
    expect(await page.getByTestId('order-problem').count()).toBe(0);
    await shot('order-good');

    // The failed order: the reason in plain words, the technical one beside it, and replay.
    await page.goto(`${base}/backoffice/orders/${bad.id}`);
    expect(await page.getByTestId('problem-summary').textContent()).toBe(
      `Table ${NO_SUCH_TABLE.tableNumber} does not exist on the POS floor plan.`,
    );
    expect(await page.getByTestId('failure-reason').textContent()).toContain(`Table ${NO_SUCH_TABLE.tableNumber}`);
    expect(await page.getByTestId('timeline-row').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('The POS refused the order')]),
    );
    await shot('order-failed');
    await page.getByRole('button', { name: 'Replay the order' }).click();
    await page.waitForURL(`${base}/backoffice/orders/${bad.id}`);
    expect(await page.getByRole('status').textContent()).toContain('The order is being sent to the POS again');
    // Still no such table: the second attempt fails too, under its own reference.
    await waitFor(
      async () => {
        const o = await c.ctx.db.prisma.order.findUniqueOrThrow({ where: { id: bad.id } });
        return o.attempt === 2 && o.status === 'FAILED';
      },
      'the replayed order to fail again',
      20_000,
    );

    // The integration log has the failure (linked to its order), the replay and the payment.
    await page.getByRole('link', { name: 'Logs' }).click();
    const log = await page.getByTestId('log-row').allTextContents();
    expect(log.some((r) => r.includes(`Order ${bad.reference} failed`) && r.includes('order.failed'))).toBe(true);
    expect(log.some((r) => r.includes(`Order ${bad.reference} is being sent to the POS again`))).toBe(true);
    expect(log.some((r) => r.includes('Orders paid on the POS'))).toBe(true);
    await page.getByRole('link', { name: 'view the order' }).first().click();
    await page.waitForURL(`${base}/backoffice/orders/${bad.id}`);
    await page.getByRole('link', { name: 'Logs' }).click();
    await shot('logs');

    // API keys: create one (shown once), use it, revoke it; the session's own key is protected.
    await page.getByRole('link', { name: 'API keys' }).click();
    expect(await page.getByTestId('api-key-row').count()).toBe(1);
    expect(await page.getByTestId('api-key-state').textContent()).toBe('You are signed in with this key');
    await page.getByLabel('Name').fill('Kiosk 2');
    await page.getByRole('button', { name: 'Create key' }).click();
    const newKey = (await page.getByTestId('new-key-value').textContent()) ?? '';
    expect(newKey).toMatch(/^lsk_[0-9a-f]{12}_/);
    await shot('api-keys');
    const prefix = newKey.slice(0, 16);
    expect((await fetch(`${base}/v1/orders`, { headers: bearer(newKey) })).status).toBe(200);
    await page.getByRole('link', { name: 'API keys' }).click();
    expect(await page.getByTestId('new-key').count()).toBe(0);
    expect(await page.content()).not.toContain(newKey);
    const row = page.locator(`[data-testid="api-key-row"][data-prefix="${prefix}"]`);
    expect(await row.textContent()).toContain('Kiosk 2');
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.waitForURL(`${base}/backoffice/api-keys`);
    expect(await page.getByRole('status').textContent()).toContain(`Key ${prefix} is revoked`);
    expect(await row.getByTestId('api-key-state').textContent()).toContain('Revoked');
    expect((await fetch(`${base}/v1/orders`, { headers: bearer(newKey) })).status).toBe(401);
    expect((await fetch(`${base}/v1/orders`, { headers: bearer(vendor.apiKey) })).status).toBe(200);
  }, 120_000);
});
