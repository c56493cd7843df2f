// The merchant's path in a real browser (headless Debian Chromium via playwright-core): sign in,
// Connect, approve on the sandbox consent page, land on Status (Connected, business id), Test
// Connection, map a location, delete the integration with the typed confirmation.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { SANDBOX_SEED } from '../../src/sandbox/app.js';
import { createVendor } from '../helpers/context.js';
import { createConnectContext, freePort, type ConnectContext } from '../connect/helpers.js';

describe('back office in a browser', () => {
  let c: ConnectContext;
  let browser: Browser;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    c = await createConnectContext({ publicUrl: base });
    await c.ctx.app.listen({ host: '127.0.0.1', port });
    browser = await launchChromium();
    page = await browser.newPage();
    page.setDefaultTimeout(15_000);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await c?.close();
  });

  it('signs in, connects through the consent page, tests, maps a location and deletes the integration', async () => {
    const vendor = await createVendor(c.ctx.app, 'Canal Bistro');
    const [amsterdam] = SANDBOX_SEED.businessLocationIds;

    // Sign in with the API key.
    await page.goto(`${base}/backoffice`);
    await page.getByLabel('API key').fill(vendor.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/backoffice/status`);
    await expect.poll(() => page.getByTestId('connection-state').textContent()).toBe('NOT CONNECTED');
    const cookies = await page.context().cookies(base);
    const session = cookies.find((k) => k.name === 'bo_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

    // Settings -> Connect -> the sandbox's consent page -> Approve -> back on Status.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Connect with Lightspeed' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${c.sandbox.url}/oauth/authorize`));
    expect(await page.locator('#scopes').textContent()).toContain('orders-api');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(`${base}/backoffice/status`);
    expect(await page.getByTestId('connection-state').textContent()).toBe('CONNECTED');
    expect(await page.getByTestId('business-id').textContent()).toBe(String(SANDBOX_SEED.business.id));
    expect(await page.getByRole('status').textContent()).toContain('Connected to Lightspeed');

    // Test Connection.
    expect(await page.getByTestId('last-checked').textContent()).not.toBe('never');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.waitForURL(`${base}/backoffice/status`);
    expect(await page.getByRole('status').textContent()).toContain('Connection works');
    expect(await page.getByTestId('last-error').textContent()).toBe('none');

    // Locations: create one, then map it to a business location picked from the business.
    await page.getByRole('link', { name: 'Locations' }).click();
    await page.getByLabel('Name').fill('Canal kiosk');
    await page.getByRole('button', { name: 'Create location' }).click();
    await page.waitForURL(`${base}/backoffice/locations`);
    expect(await page.getByTestId('location-mapping').first().textContent()).toBe('Not mapped');
    await page.getByLabel('Map Canal kiosk to').selectOption(String(amsterdam));
    await page.getByRole('button', { name: 'Save mapping' }).click();
    await page.waitForURL(`${base}/backoffice/locations`);
    expect(await page.getByRole('status').textContent()).toContain(`now mapped to ${amsterdam}`);
    expect(await page.getByTestId('location-mapping').first().textContent()).toContain(String(amsterdam));
    const location = await c.ctx.db.prisma.location.findFirstOrThrow({ where: { vendorId: vendor.id } });
    expect(location.businessLocationId).toBe(BigInt(amsterdam));

    // Delete: a wrong confirmation deletes nothing; "Lightspeed" does.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Type Lightspeed to confirm').fill('lightspeed');
    await page.getByRole('button', { name: 'Delete integration' }).click();
    await page.waitForURL(`${base}/backoffice/settings`);
    expect(await page.getByRole('alert').textContent()).toContain('Nothing was deleted');
    expect(await page.getByTestId('connection-state').textContent()).toBe('CONNECTED');
    await page.getByLabel('Type Lightspeed to confirm').fill('Lightspeed');
    await page.getByRole('button', { name: 'Delete integration' }).click();
    await page.waitForURL(`${base}/backoffice/settings`);
    expect(await page.getByRole('status').textContent()).toContain('The Lightspeed integration was deleted');
    expect(await page.getByTestId('connection-state').textContent()).toBe('DISCONNECTED');
    expect(await page.getByRole('button', { name: 'Reconnect with Lightspeed' }).isVisible()).toBe(true);

    // The log tells the story, newest first.
    await page.getByRole('link', { name: 'Logs' }).click();
    const rows = await page.getByTestId('log-row').allTextContents();
    expect(rows[0]).toContain('Disconnected from Lightspeed');
    expect(rows.some((r) => r.includes('Connected to business'))).toBe(true);

    // Sign out.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/backoffice`);
    expect(await page.getByLabel('API key').isVisible()).toBe(true);
  }, 120_000);
});
