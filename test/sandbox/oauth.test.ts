import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxInstance } from '../../src/sandbox/app.js';
import {
  AMS,
  authorize,
  basic,
  bearer,
  CLIENT,
  CLIENT_AUTH,
  connect,
  listen,
  makeSandbox,
  parseForm,
  pkce,
  SANDBOX_SEED,
  tokenRequest,
} from './helpers.js';

describe('sandbox OAuth over HTTP', () => {
  let app: SandboxInstance;
  let base: string;
  let clock: number;

  beforeEach(async () => {
    clock = Date.parse('2025-03-01T10:00:00Z');
    app = await makeSandbox({ now: () => clock });
    base = await listen(app);
  });
  afterEach(async () => {
    await app.close();
  });

  const authorizeQuery = (challenge: string, extra: Record<string, string> = {}) => ({
    response_type: 'code',
    client_id: CLIENT.clientId,
    redirect_uri: CLIENT.redirectUri,
    scope: 'orders-api financial-api',
    state: 'xyz-state',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  });

  it('runs the whole dance: consent page, approve, code + PKCE, API call, refresh rotation', async () => {
    const { verifier, challenge } = pkce();
    const page = await fetch(`${base}/oauth/authorize?${new URLSearchParams(authorizeQuery(challenge))}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    const form = parseForm(html);
    expect(form.action).toBe('/oauth/authorize');
    expect(form.decisions).toEqual(['deny', 'approve']);
    expect(form.fields.username).toBe(SANDBOX_SEED.merchant.username);
    expect(form.fields.code_challenge).toBe(challenge);
    expect(html).toContain('<code>orders-api</code>');
    expect(html).toContain('<code>financial-api</code>');

    const consent = await fetch(`${base}${form.action}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form.fields, decision: 'approve' }),
    });
    expect(consent.status).toBe(302);
    const redirect = new URL(consent.headers.get('location')!);
    expect(`${redirect.origin}${redirect.pathname}`).toBe(CLIENT.redirectUri);
    expect(redirect.searchParams.get('state')).toBe('xyz-state');
    const code = redirect.searchParams.get('code')!;
    expect(code).toBeTruthy();

    // Code exchange with the parameters in the query string, as Lightspeed's docs show it.
    const exchange = await fetch(
      `${base}/oauth/token?${new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CLIENT.redirectUri, code_verifier: verifier })}`,
      { method: 'POST', headers: { authorization: CLIENT_AUTH } },
    );
    expect(exchange.status).toBe(200);
    expect(exchange.headers.get('cache-control')).toBe('no-store');
    const tokens = (await exchange.json()) as Record<string, unknown>;
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'financial-api orders-api ' });
    expect(typeof tokens.access_token).toBe('string');

    const businesses = await fetch(`${base}/o/op/data/businesses`, { headers: bearer(tokens.access_token as string) });
    expect(businesses.status).toBe(200);
    expect(((await businesses.json()) as { id: number }[])[0]?.id).toBe(SANDBOX_SEED.business.id);

    // Refresh with a form body: a new pair, and the old refresh token is dead.
    const refreshed = await tokenRequest(base, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.body.access_token).not.toBe(tokens.access_token);
    const again = await tokenRequest(base, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
    });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    // Replaying the old token revoked the family: the newest refresh token no longer works either.
    const newest = await tokenRequest(base, {
      grant_type: 'refresh_token',
      refresh_token: refreshed.body.refresh_token as string,
    });
    expect(newest.body.error).toBe('invalid_grant');
    const api = await fetch(`${base}/o/op/data/businesses`, { headers: bearer(refreshed.body.access_token as string) });
    expect(api.status).toBe(401);

    const inspection = (await (await fetch(`${base}/__sandbox/token-requests`)).json()) as {
      byGrantType: Record<string, number>;
    };
    expect(inspection.byGrantType).toEqual({ authorization_code: 1, refresh_token: 3 });
  });

  it('redirects with error=access_denied when the merchant denies', async () => {
    const redirect = await authorize(base, authorizeQuery(pkce().challenge), 'deny');
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    expect(redirect.searchParams.get('state')).toBe('xyz-state');
    expect(redirect.searchParams.get('code')).toBeNull();
  });

  it('refuses wrong merchant credentials on the consent form', async () => {
    const page = await fetch(`${base}/oauth/authorize?${new URLSearchParams(authorizeQuery(pkce().challenge))}`);
    const { fields } = parseForm(await page.text());
    const res = await fetch(`${base}/oauth/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, password: 'wrong', decision: 'approve' }),
    });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('Invalid email or password');
  });

  it('shows an error page, never a redirect, for a bad client, redirect URI or response_type', async () => {
    const cases: Record<string, string>[] = [
      { client_id: 'nobody' },
      { redirect_uri: 'https://evil.example/callback' },
      { response_type: 'token' },
    ];
    for (const extra of cases) {
      const res = await fetch(
        `${base}/oauth/authorize?${new URLSearchParams(authorizeQuery(pkce().challenge, extra))}`,
        { redirect: 'manual' },
      );
      expect(res.status, JSON.stringify(extra)).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('role="alert"');
    }
  });

  it('redirects invalid_scope for a scope the client may not request', async () => {
    const res = await fetch(
      `${base}/oauth/authorize?${new URLSearchParams(authorizeQuery(pkce().challenge, { scope: 'orders-api admin' }))}`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
  });

  it('requires HTTP Basic client authentication on the token endpoint', async () => {
    const missing = await tokenRequest(
      base,
      {
        grant_type: 'refresh_token',
        refresh_token: 'x',
        client_id: CLIENT.clientId,
        client_secret: CLIENT.clientSecret,
      },
      null,
    );
    expect(missing.status).toBe(401);
    expect(missing.body.error).toBe('invalid_client');
    const wrong = await tokenRequest(
      base,
      { grant_type: 'refresh_token', refresh_token: 'x' },
      basic(CLIENT.clientId, 'nope'),
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
  });

  it('rejects a wrong PKCE verifier, a reused code and a mismatched redirect_uri with invalid_grant', async () => {
    const first = pkce();
    const code1 = (await authorize(base, authorizeQuery(first.challenge))).searchParams.get('code')!;
    const wrong = await tokenRequest(base, {
      grant_type: 'authorization_code',
      code: code1,
      redirect_uri: CLIENT.redirectUri,
      code_verifier: pkce().verifier,
    });
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });

    const second = pkce();
    const code2 = (await authorize(base, authorizeQuery(second.challenge))).searchParams.get('code')!;
    const noVerifier = await tokenRequest(base, {
      grant_type: 'authorization_code',
      code: code2,
      redirect_uri: CLIENT.redirectUri,
    });
    expect(noVerifier).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });

    const third = pkce();
    const code3 = (await authorize(base, authorizeQuery(third.challenge))).searchParams.get('code')!;
    const badRedirect = await tokenRequest(base, {
      grant_type: 'authorization_code',
      code: code3,
      redirect_uri: 'http://127.0.0.1:9/other',
      code_verifier: third.verifier,
    });
    expect(badRedirect).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });

    const fourth = pkce();
    const code4 = (await authorize(base, authorizeQuery(fourth.challenge))).searchParams.get('code')!;
    const ok = await tokenRequest(base, {
      grant_type: 'authorization_code',
      code: code4,
      redirect_uri: CLIENT.redirectUri,
      code_verifier: fourth.verifier,
    });
    expect(ok.status).toBe(200);
    const reuse = await tokenRequest(base, {
      grant_type: 'authorization_code',
      code: code4,
      redirect_uri: CLIENT.redirectUri,
      code_verifier: fourth.verifier,
    });
    expect(reuse).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // RFC 6749 4.1.2: a replayed code revokes the tokens issued from it.
    const api = await fetch(`${base}/o/op/data/businesses`, { headers: bearer(ok.body.access_token as string) });
    expect(api.status).toBe(401);
  });

  it('expires codes after codeTtlSeconds and answers unsupported_grant_type', async () => {
    const { verifier, challenge } = pkce();
    const code = (await authorize(base, authorizeQuery(challenge))).searchParams.get('code')!;
    clock += 61_000;
    const expired = await tokenRequest(base, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: CLIENT.redirectUri,
      code_verifier: verifier,
    });
    expect(expired).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Authorization code expired' },
    });
    const unsupported = await tokenRequest(base, { grant_type: 'password', username: 'a', password: 'b' });
    expect(unsupported).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
  });

  it('answers 401 for missing, unknown and expired tokens and 403 for a missing scope', async () => {
    const tokens = await connect(base, 'financial-api items');
    const access = tokens.access_token as string;
    const missing = await fetch(`${base}/o/op/data/businesses`);
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: string }).error).toBe('unauthorized');
    const unknown = await fetch(`${base}/o/op/data/businesses`, { headers: bearer('not-a-token') });
    expect(unknown.status).toBe(401);

    const forbidden = await fetch(`${base}/o/op/1/menu/list?businessLocationId=${AMS}`, { headers: bearer(access) });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ error: 'insufficient_scope', scope: 'orders-api' });
    const allowed = await fetch(`${base}/f/data/businesses`, { headers: bearer(access) });
    expect(allowed.status).toBe(200);

    clock += 3600_000;
    const expired = await fetch(`${base}/f/data/businesses`, { headers: bearer(access) });
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ error: 'invalid_token', error_description: 'Access token expired' });
    // The refresh token still works after the access token expired.
    const refreshed = await tokenRequest(base, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
    });
    expect(refreshed.status).toBe(200);
  });

  it('binds tokens to the merchant who signed in: another business is 403', async () => {
    const { verifier, challenge } = pkce();
    const second = SANDBOX_SEED.secondBusiness;
    const redirect = await authorize(base, authorizeQuery(challenge), 'approve', {
      username: second.merchant.username,
      password: second.merchant.password,
    });
    const res = await tokenRequest(base, {
      grant_type: 'authorization_code',
      code: redirect.searchParams.get('code')!,
      redirect_uri: CLIENT.redirectUri,
      code_verifier: verifier,
    });
    const access = res.body.access_token as string;
    const own = await fetch(`${base}/o/op/data/businesses`, { headers: bearer(access) });
    expect(((await own.json()) as { id: number }[]).map((b) => b.id)).toEqual([second.id]);
    const other = await fetch(`${base}/o/op/1/menu/list?businessLocationId=${AMS}`, { headers: bearer(access) });
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: string }).error).toBe('access_denied');
  });
});
