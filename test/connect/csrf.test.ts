// CSRF on the back office: a form posted from another site (sign-in included) is refused with
// 403 and creates no session; our own pages, and non-browser clients, still work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, createVendor, type TestContext } from '../helpers/context.js';

describe('back-office CSRF', () => {
  let ctx: TestContext;
  let apiKey: string;
  beforeAll(async () => {
    ctx = await createTestContext({ PUBLIC_URL: 'https://orders.example.com' });
    apiKey = (await createVendor(ctx.app, 'CSRF')).apiKey;
  });
  afterAll(async () => ctx?.close());

  const signIn = (headers: Record<string, string>) =>
    ctx.app.inject({
      method: 'POST',
      url: '/backoffice/sign-in',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams({ apiKey }).toString(),
    });
  const sessionCookie = (res: { headers: Record<string, unknown> }) =>
    ([] as string[])
      .concat((res.headers['set-cookie'] as string | string[] | undefined) ?? [])
      .find((c) => c.startsWith('bo_session='));

  it('refuses a cross-site sign-in with 403 and sets no session', async () => {
    const crossSite: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site', origin: 'https://orders.example.com' },
      { 'sec-fetch-site': 'same-site' },
      { referer: 'https://evil.example/page.html' },
      { origin: 'https://orders.example.com.evil.example' },
    ];
    for (const headers of crossSite) {
      const res = await signIn(headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('another site');
      expect(sessionCookie(res), JSON.stringify(headers)).toBeUndefined();
    }
  });

  it('lets our own pages and non-browser clients sign in', async () => {
    const ours: Record<string, string>[] = [
      { origin: 'https://orders.example.com', 'sec-fetch-site': 'same-origin' },
      { referer: 'https://orders.example.com/backoffice' },
      // The Host the browser used (e.g. 127.0.0.1 while PUBLIC_URL names localhost).
      { origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' },
      {},
    ];
    for (const headers of ours) {
      const res = await signIn(headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(303);
      expect(sessionCookie(res)).toMatch(/SameSite=Lax/i);
    }
  });

  it('refuses a cross-site post of a signed-in form even with the session cookie and token', async () => {
    const signedIn = await signIn({});
    const cookie = sessionCookie(signedIn)!.split(';')[0]!;
    const page = await ctx.app.inject({ method: 'GET', url: '/backoffice/settings', headers: { cookie } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const post = (origin: string) =>
      ctx.app.inject({
        method: 'POST',
        url: '/backoffice/return-to',
        headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrf, urls: 'https://shop.example.com/back' }).toString(),
      });
    expect((await post('https://evil.example')).statusCode).toBe(403);
    expect((await post('https://orders.example.com')).statusCode).toBe(303);
  });
});
