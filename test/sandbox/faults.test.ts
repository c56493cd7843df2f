import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxInstance } from '../../src/sandbox/app.js';
import {
  AMS,
  bearer,
  CLIENT_AUTH,
  listen,
  localOrder,
  makeSandbox,
  registerEndpoint,
  tokenRequest,
  WebhookListener,
} from './helpers.js';

describe('sandbox faults on demand', () => {
  let app: SandboxInstance;
  let base: string;
  let hooks: WebhookListener;
  let token: string;
  let endpointId: string;

  const control = async (url: string, payload: object) => {
    const res = await app.inject({ method: 'POST', url: `/__sandbox${url}`, payload });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Record<string, unknown>;
  };
  const api = (url: string, init: RequestInit = {}) =>
    fetch(`${base}${url}`, {
      ...init,
      headers: {
        ...bearer(token),
        'content-type': 'application/json',
        ...(init.headers as Record<string, string> | undefined),
      },
    });
  const order = (ref: string) =>
    api('/o/op/1/order/local', { method: 'POST', body: JSON.stringify(localOrder(endpointId, ref)) });
  const payFor = async (ref: string) => {
    const [success] = await hooks.waitFor(1, (w) => w.body.thirdPartyReference === ref && w.body.status === 'SUCCESS');
    const res = await api('/o/op/1/pay', {
      method: 'POST',
      body: JSON.stringify({
        businessLocationId: AMS,
        endpointId,
        iKaccountIdentifier: success!.body.ikentooAccountIdentifier,
        paymentAmount: 27,
        thirdPartyPaymentReference: `PAY-${ref}`,
      }),
    });
    expect(res.status).toBe(200);
  };

  beforeEach(async () => {
    app = await makeSandbox();
    base = await listen(app);
    hooks = new WebhookListener();
    token = app.sandbox.issueTokens().access_token;
    endpointId = await registerEndpoint(app, token, await hooks.start());
  });
  afterEach(async () => {
    await app.close();
    await hooks.stop();
  });

  it('answers 429 with Retry-After for the next N matching calls, then recovers', async () => {
    const fault = await control('/faults/status', {
      status: 429,
      count: 2,
      retryAfterSeconds: 7,
      pathPrefix: '/o/op/1/menu',
    });
    expect(fault).toMatchObject({ kind: 'status', status: 429, remaining: 2 });
    const other = await api('/o/op/data/businesses');
    expect(other.status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const res = await api(`/o/op/1/menu/list?businessLocationId=${AMS}`);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(await res.json()).toMatchObject({ status: 429, error: 'Too Many Requests', path: '/o/op/1/menu/list' });
    }
    expect((await api(`/o/op/1/menu/list?businessLocationId=${AMS}`)).status).toBe(200);
    expect(((await app.inject({ url: '/__sandbox/faults' })).json() as { http: unknown[] }).http).toEqual([]);
  });

  it('answers a 5xx before the handler runs: the order is not accepted', async () => {
    await control('/faults/status', { status: 503, count: 1, pathPrefix: '/o/op/1/order', method: 'POST' });
    const failed = await order('F5-1');
    expect(failed.status).toBe(503);
    expect(((await app.inject({ url: '/__sandbox/orders' })).json() as unknown[]).length).toBe(0);
    const retried = await order('F5-1');
    expect(retried.status).toBe(200);
  });

  it('loses the response after the handler ran (phase "after"): the retry gets 409', async () => {
    await control('/faults/status', { status: 502, count: 1, phase: 'after', pathPrefix: '/o/op/1/order/local' });
    const lost = await order('LOST-1');
    expect(lost.status).toBe(502);
    const retry = await order('LOST-1');
    expect(retry.status).toBe(409);
    await hooks.waitFor(1);
    expect(hooks.received[0]!.body).toMatchObject({ status: 'SUCCESS', thirdPartyReference: 'LOST-1' });
  });

  it('faults the token endpoint too', async () => {
    await control('/faults/status', { status: 500, count: 1, pathPrefix: '/oauth/token' });
    const res = await tokenRequest(base, {
      grant_type: 'refresh_token',
      refresh_token: app.sandbox.issueTokens().refresh_token,
    });
    expect(res.status).toBe(500);
    const ok = await tokenRequest(base, {
      grant_type: 'refresh_token',
      refresh_token: app.sandbox.issueTokens().refresh_token,
    });
    expect(ok.status).toBe(200);
  });

  it('adds latency', async () => {
    await control('/faults/latency', { ms: 500, count: 1, pathPrefix: '/o/op/data' });
    const started = Date.now();
    expect((await api('/o/op/data/businesses')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(490);
    const fast = Date.now();
    await api('/o/op/data/businesses');
    expect(Date.now() - fast).toBeLessThan(400);
  });

  it('resets the connection', async () => {
    await control('/faults/reset', { count: 1, pathPrefix: '/o/op/data/businesses' });
    await expect(api('/o/op/data/businesses')).rejects.toThrow();
    expect((await api('/o/op/data/businesses')).status).toBe(200);
  });

  it('revokes a connection by access token, by business, or all', async () => {
    const pair = app.sandbox.issueTokens();
    const bystander = app.sandbox.issueTokens();
    expect(await control('/tokens/revoke', { accessToken: pair.access_token })).toEqual({ revokedGrants: 1 });
    const denied = await fetch(`${base}/o/op/data/businesses`, { headers: bearer(pair.access_token) });
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({
      error: 'invalid_token',
      error_description: 'Access token was revoked',
    });
    const refresh = await tokenRequest(base, { grant_type: 'refresh_token', refresh_token: pair.refresh_token });
    expect(refresh).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await fetch(`${base}/o/op/data/businesses`, { headers: bearer(bystander.access_token) })).status).toBe(200);

    const revoked = await control('/tokens/revoke', { businessId: 45454565682155 });
    expect(revoked.revokedGrants).toBe(2); // the bystander and the test's own token
    expect((await fetch(`${base}/o/op/data/businesses`, { headers: bearer(bystander.access_token) })).status).toBe(401);
    app.sandbox.issueTokens();
    expect(await control('/tokens/revoke', { all: true })).toEqual({ revokedGrants: 1 });
  });

  it('expires access tokens now; refresh still works', async () => {
    const pair = app.sandbox.issueTokens();
    const expired = await control('/tokens/expire', {});
    expect(expired.expired).toBeGreaterThanOrEqual(2);
    const res = await fetch(`${base}/o/op/data/businesses`, { headers: bearer(pair.access_token) });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_token', error_description: 'Access token expired' });
    const refreshed = await tokenRequest(base, { grant_type: 'refresh_token', refresh_token: pair.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(
      (await fetch(`${base}/o/op/data/businesses`, { headers: bearer(refreshed.body.access_token as string) })).status,
    ).toBe(200);
  });

  it('drops the next webhook', async () => {
    await control('/faults/webhooks', { kind: 'drop', count: 1 });
    await order('DROP-1');
    await order('DROP-2');
    await hooks.waitFor(1);
    await app.sandbox.idle();
    expect(hooks.received.map((w) => w.body.thirdPartyReference)).toEqual(['DROP-2']);
    const records = (await app.inject({ url: '/__sandbox/webhooks?thirdPartyReference=DROP-1' })).json() as Record<
      string,
      unknown
    >[];
    expect(records).toMatchObject([{ deliveryStatus: 'dropped', fault: 'drop', attempts: 0 }]);
  });

  it('duplicates the next webhook', async () => {
    await control('/faults/webhooks', { kind: 'duplicate', count: 1 });
    await order('DUP-1');
    const both = await hooks.waitFor(2);
    expect(both[0]!.body).toEqual(both[1]!.body);
    await app.sandbox.idle();
    const records = (await app.inject({ url: '/__sandbox/webhooks' })).json() as { id: number; duplicateOf?: number }[];
    expect(records).toHaveLength(2);
    expect(records[1]!.duplicateOf).toBe(records[0]!.id);
  });

  it('reorders the next N webhooks (CLOSED before PAYMENT)', async () => {
    await order('RE-1');
    await hooks.waitFor(1);
    await control('/faults/webhooks', { kind: 'reorder', count: 2 });
    await payFor('RE-1');
    const all = await hooks.waitFor(3);
    expect(all.map((w) => `${w.body.type}:${w.body.status}`)).toEqual([
      'ORDER:SUCCESS',
      'ORDER:CLOSED',
      'PAYMENT:SUCCESS',
    ]);
  });

  it('releases an unfilled reorder group after its hold time, so nothing is lost', async () => {
    await control('/faults/webhooks', { kind: 'reorder', count: 5, delayMs: 100 });
    await order('HOLD-1');
    const [only] = await hooks.waitFor(1, () => true, 2000);
    expect(only!.body.thirdPartyReference).toBe('HOLD-1');
  });

  it('delays the next webhook so a later one overtakes it', async () => {
    await control('/faults/webhooks', { kind: 'delay', count: 1, delayMs: 600 });
    await order('SLOW-1');
    await new Promise((r) => setTimeout(r, 30));
    await order('FAST-1');
    const both = await hooks.waitFor(2);
    expect(both.map((w) => w.body.thirdPartyReference)).toEqual(['FAST-1', 'SLOW-1']);
  });

  it('validates control requests and clears faults', async () => {
    const bad = await app.inject({ method: 'POST', url: '/__sandbox/faults/status', payload: { status: 404 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'invalid_control_request', issues: [{ path: 'status' }] });
    await control('/faults/latency', { ms: 10 });
    await control('/faults/webhooks', { kind: 'drop', count: 3 });
    const listed = (await app.inject({ url: '/__sandbox/faults' })).json() as { http: unknown[]; webhooks: unknown[] };
    expect([listed.http.length, listed.webhooks.length]).toEqual([1, 1]);
    await app.inject({ method: 'DELETE', url: '/__sandbox/faults' });
    expect((await app.inject({ url: '/__sandbox/faults' })).json()).toEqual({ http: [], webhooks: [] });
  });

  it('counts requests per endpoint and resets everything', async () => {
    await api(`/o/op/1/menu/list?businessLocationId=${AMS}`);
    await api(`/o/op/1/menu/list?businessLocationId=${AMS}`);
    await fetch(`${base}/oauth/token`, { method: 'POST', headers: { authorization: CLIENT_AUTH } });
    const counts = (await app.inject({ url: '/__sandbox/requests' })).json() as {
      total: number;
      byEndpoint: Record<string, number>;
    };
    expect(counts.byEndpoint['GET /o/op/1/menu/list']).toBe(2);
    expect(counts.byEndpoint['POST /oauth/token']).toBe(1);
    expect(counts.byEndpoint['PUT /o/wh/1/webhook']).toBe(1);
    expect(await control('/reset', {})).toEqual({ ok: true });
    expect((await app.inject({ url: '/__sandbox/requests' })).json()).toEqual({ total: 0, byEndpoint: {} });
    expect((await api('/o/op/data/businesses')).status).toBe(401);
  });
});
