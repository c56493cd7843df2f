// The /backoffice pages over HTTP (inject): API-key sign-in and session cookie, CSRF, the
// browser-bound connect (cookie + signed-in vendor), disconnect confirmation, locations, sign-out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SEED } from '../../src/sandbox/app.js';
import { ADMIN_TOKEN, bearer, createVendor } from '../helpers/context.js';
import { Browser } from './backoffice-browser.js';
import { callback, createConnectContext, decideOnSandbox, type ConnectContext } from './helpers.js';

describe('back office', () => {
  let c: ConnectContext;
  beforeAll(async () => {
    c = await createConnectContext();
  });
  afterAll(async () => c?.close());

  it('signs in with an API key into an httpOnly, signed, SameSite session cookie', async () => {
    const vendor = await createVendor(c.ctx.app, 'Bistro Sign-in');
    const browser = new Browser(c);
    const page = await browser.get('/backoffice');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Sign in');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");

    const refused = await browser.signIn('lsk_not-a-real-key');
    expect(refused.statusCode).toBe(401);
    expect(refused.body).toContain('That API key is not valid');

    const ok = await browser.signIn(vendor.apiKey);
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/backoffice/status');
    const setCookie = String(ok.headers['set-cookie']);
    expect(setCookie).toMatch(/^bo_session=[^;]+\.[^;]+;/); // signed value
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).not.toContain(vendor.apiKey);

    const status = await browser.get('/backoffice/status');
    expect(status.statusCode).toBe(200);
    expect(status.body).toContain('Bistro Sign-in');
    expect(status.body).toContain('NOT CONNECTED');
    for (const tab of ['settings', 'locations', 'orders', 'logs', 'api-keys'])
      expect((await browser.get(`/backoffice/${tab}`)).statusCode).toBe(200);
  });

  it('sends visitors without a valid session to the sign-in page', async () => {
    const vendor = await createVendor(c.ctx.app);
    const browser = new Browser(c);
    await browser.signIn(vendor.apiKey);
    const session = browser.cookies.get('bo_session')!;
    for (const cookie of ['', 'bo_session=forged', `bo_session=${session.value.slice(0, -3)}abc`]) {
      const res = await c.ctx.app.inject({ method: 'GET', url: '/backoffice/status', headers: { cookie } });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/backoffice');
    }
  });

  it('refuses form posts without the CSRF token', async () => {
    const vendor = await createVendor(c.ctx.app);
    const browser = new Browser(c);
    await browser.signIn(vendor.apiKey);
    for (const form of [{}, { _csrf: 'wrong' }] as Record<string, string>[]) {
      const res = await browser.post('/backoffice/connect', form);
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('This form has expired');
    }
  });

  it('connects from Settings (bound to this browser), shows the business, and disconnects only when "Lightspeed" is typed', async () => {
    const vendor = await createVendor(c.ctx.app, 'Browser-bound');
    const browser = new Browser(c);
    await browser.signIn(vendor.apiKey);
    const { res } = await browser.connect();
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/backoffice/status');
    const status = await browser.get('/backoffice/status');
    expect(status.body).toContain('Connected to Lightspeed');
    expect(status.body).toContain(`data-testid="business-id">${SANDBOX_SEED.business.id}<`);
    expect(status.body).toContain('badge CONNECTED');
    // The flash is shown once.
    expect((await browser.get('/backoffice/status')).body).not.toContain('Connected to Lightspeed:');

    const tested = await browser.post('/backoffice/test', { _csrf: await browser.csrf('/backoffice/status') });
    expect(tested.statusCode).toBe(303);
    expect((await browser.get('/backoffice/status')).body).toContain('Connection works');

    const csrf = await browser.csrf();
    const wrong = await browser.post('/backoffice/disconnect', { _csrf: csrf, confirmation: 'delete' });
    expect(wrong.statusCode).toBe(303);
    const settings = await browser.get('/backoffice/settings');
    expect(settings.body).toContain('Nothing was deleted');
    expect(settings.body).toContain('badge CONNECTED');

    await browser.post('/backoffice/disconnect', { _csrf: csrf, confirmation: 'Lightspeed' });
    const after = await browser.get('/backoffice/settings');
    expect(after.body).toContain('The Lightspeed integration was deleted');
    expect(after.body).toContain('badge DISCONNECTED');
    expect(after.body).toContain('Reconnect with Lightspeed');
    const logs = await browser.get('/backoffice/logs');
    expect(logs.body).toContain('Disconnected from Lightspeed');
  });

  it('refuses a back-office callback in a browser without the connect cookie, or signed in as another vendor', async () => {
    const vendor = await createVendor(c.ctx.app, 'Victim');
    const browser = new Browser(c);
    await browser.signIn(vendor.apiKey);
    const started = await browser.post('/backoffice/connect', { _csrf: await browser.csrf() });
    const redirect = await decideOnSandbox(started.headers.location as string);

    // Another browser (no connect cookie), signed in as another vendor.
    const other = new Browser(c);
    await other.signIn((await createVendor(c.ctx.app, 'Attacker')).apiKey);
    const res = await c.ctx.app.inject({
      method: 'GET',
      url: `${redirect.pathname}${redirect.search}`,
      headers: { cookie: `bo_session=${other.cookies.get('bo_session')!.value}` },
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('started in another browser');
    expect(await c.ctx.db.prisma.lightspeedConnection.findUnique({ where: { vendorId: vendor.id } })).toBeNull();
    const logs = (
      await c.ctx.app.inject({ method: 'GET', url: '/v1/lightspeed/logs', headers: bearer(vendor.apiKey) })
    ).json().items;
    expect(logs[0]).toMatchObject({ event: 'oauth.browser_mismatch' });
    // Nor can the state be used again by the right browser: it was single use.
    expect((await callback(c.ctx, redirect)).statusCode).toBe(400);
  });

  it('refuses a back-office callback signed in as the right vendor but without the connect cookie', async () => {
    const browser = new Browser(c);
    const vendor = await createVendor(c.ctx.app);
    await browser.signIn(vendor.apiKey);
    const started = await browser.post('/backoffice/connect', { _csrf: await browser.csrf() });
    const redirect = await decideOnSandbox(started.headers.location as string);
    browser.cookies.delete('ls_connect');
    const res = await c.ctx.app.inject({
      method: 'GET',
      url: `${redirect.pathname}${redirect.search}`,
      headers: { cookie: `bo_session=${browser.cookies.get('bo_session')!.value}` },
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/backoffice/settings');
    expect((await browser.get('/backoffice/settings')).body).toContain('started in another browser');
    expect(await c.ctx.db.prisma.lightspeedConnection.findUnique({ where: { vendorId: vendor.id } })).toBeNull();
  });

  it('shows a denied consent as an error message in Settings', async () => {
    const browser = new Browser(c);
    await browser.signIn((await createVendor(c.ctx.app)).apiKey);
    const { res } = await browser.connect('deny');
    expect(res.headers.location).toBe('/backoffice/settings');
    expect((await browser.get('/backoffice/settings')).body).toContain('Access was declined');
  });

  it('creates locations and maps them to business locations of the connected business only', async () => {
    const browser = new Browser(c);
    const vendor = await createVendor(c.ctx.app, 'Mapper');
    await browser.signIn(vendor.apiKey);
    const notConnected = await browser.get('/backoffice/locations');
    expect(notConnected.body).toContain('Connect with Lightspeed (Settings) to pick business locations.');
    await browser.connect();

    const page = await browser.get('/backoffice/locations');
    const [ams, nyc] = SANDBOX_SEED.businessLocationIds;
    expect(page.body).toContain(`<option value="${ams}">`);
    const csrf = await browser.csrf('/backoffice/locations');
    await browser.post('/backoffice/locations', { _csrf: csrf, name: 'Canal kiosk', businessLocationId: '' });
    const created = await c.ctx.db.prisma.location.findFirstOrThrow({
      where: { vendorId: vendor.id, name: 'Canal kiosk' },
    });
    expect(created.businessLocationId).toBeNull();

    await browser.post(`/backoffice/locations/${created.id}/map`, { _csrf: csrf, businessLocationId: String(ams) });
    expect((await c.ctx.db.prisma.location.findUniqueOrThrow({ where: { id: created.id } })).businessLocationId).toBe(
      BigInt(ams),
    );
    expect((await browser.get('/backoffice/locations')).body).toContain('is now mapped to');

    // Not a location of the connected business.
    await browser.post(`/backoffice/locations/${created.id}/map`, { _csrf: csrf, businessLocationId: '999999' });
    expect((await browser.get('/backoffice/locations')).body).toContain(
      'Pick a business location of the connected Lightspeed business.',
    );
    // Two locations cannot map to the same business location: said in words.
    await browser.post('/backoffice/locations', { _csrf: csrf, name: 'Second', businessLocationId: String(ams) });
    expect((await browser.get('/backoffice/locations')).body).toContain('already mapped');
    await browser.post('/backoffice/locations', { _csrf: csrf, name: 'NYC', businessLocationId: String(nyc) });
    expect(await c.ctx.db.prisma.location.count({ where: { vendorId: vendor.id } })).toBe(2);
  });

  it('escapes what vendors and Lightspeed put on the page', async () => {
    const browser = new Browser(c);
    await browser.signIn((await createVendor(c.ctx.app, '<script>alert(1)</script>')).apiKey);
    const page = await browser.get('/backoffice/status');
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('signs out, and a revoked API key ends its sessions', async () => {
    const vendor = await createVendor(c.ctx.app);
    const browser = new Browser(c);
    await browser.signIn(vendor.apiKey);
    const cookie = `bo_session=${browser.cookies.get('bo_session')!.value}`;
    const out = await browser.post('/backoffice/sign-out', {});
    expect(out.statusCode).toBe(303);
    expect(String(out.headers['set-cookie'])).toMatch(/bo_session=;/);
    expect((await c.ctx.app.inject({ method: 'GET', url: '/backoffice/status', headers: { cookie } })).statusCode).toBe(
      303,
    );

    const again = new Browser(c);
    await again.signIn(vendor.apiKey);
    expect((await again.get('/backoffice/status')).statusCode).toBe(200);
    const keys = await c.ctx.app.inject({
      method: 'GET',
      url: `/admin/vendors/${vendor.id}/api-keys`,
      headers: bearer(ADMIN_TOKEN),
    });
    const keyId = keys.json().items[0].id;
    const revoked = await c.ctx.app.inject({
      method: 'DELETE',
      url: `/admin/vendors/${vendor.id}/api-keys/${keyId}`,
      headers: bearer(ADMIN_TOKEN),
    });
    expect(revoked.statusCode).toBeLessThan(300);
    expect((await again.get('/backoffice/status')).statusCode).toBe(303);
  });
});
