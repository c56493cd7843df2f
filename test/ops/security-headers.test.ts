// @fastify/helmet on the pages a browser renders (back office, OAuth callback page), with a
// strict CSP; the JSON API is left alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestContext, createVendor, type TestContext } from '../helpers/context.js';

describe('security headers', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  function expectPageHeaders(headers: Record<string, unknown>, referrerPolicy = 'same-origin') {
    const csp = String(headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'unsafe-inline'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("base-uri 'none'");
    // Forms go to us and to Lightspeed's authorize page (the sandbox here), nowhere else.
    expect(csp).toMatch(/form-action 'self' http:\/\/127\.0\.0\.1:4010(;|$)/);
    // No scripts may run: nothing allows them.
    expect(csp).not.toMatch(/script-src|unsafe-eval/);
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe(referrerPolicy);
    expect(headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(headers['x-dns-prefetch-control']).toBe('off');
    expect(headers['x-powered-by']).toBeUndefined();
    // Plain HTTP (a laptop): no HSTS pinning.
    expect(headers['strict-transport-security']).toBeUndefined();
  }

  it('the sign-in page, a signed-in tab and the sign-in answer carry them', async () => {
    const signInPage = await ctx.app.inject({ method: 'GET', url: '/backoffice' });
    expect(signInPage.statusCode).toBe(200);
    expectPageHeaders(signInPage.headers);

    const vendor = await createVendor(ctx.app, 'Headers');
    const signIn = await ctx.app.inject({
      method: 'POST',
      url: '/backoffice/sign-in',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `apiKey=${encodeURIComponent(vendor.apiKey)}`,
    });
    expect(signIn.statusCode).toBe(303);
    expectPageHeaders(signIn.headers);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
    const status = await ctx.app.inject({ method: 'GET', url: '/backoffice/status', headers: { cookie } });
    expect(status.statusCode).toBe(200);
    expect(status.body).toContain('Headers');
    expectPageHeaders(status.headers);
  });

  it('the OAuth callback page carries them', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/lightspeed/callback?error=access_denied' });
    expect(res.headers['content-type']).toContain('text/html');
    // The route itself tightens the referrer policy: its URL carries the OAuth code.
    expectPageHeaders(res.headers, 'no-referrer');
  });

  it('the JSON API does not get the page CSP', async () => {
    const vendor = await createVendor(ctx.app, 'API');
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/locations', headers: bearer(vendor.apiKey) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toBeUndefined();
  });

  it('HSTS is sent when the public URL is HTTPS', async () => {
    const https = await createTestContext({ PUBLIC_URL: 'https://integration.example.com' });
    try {
      const res = await https.app.inject({ method: 'GET', url: '/backoffice' });
      expect(res.headers['strict-transport-security']).toBe('max-age=15552000');
    } finally {
      await https.close();
    }
  });
});
