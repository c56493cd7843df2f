// OAuth state signing/verification and PKCE (pure functions).
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLightspeedOAuth, createPkcePair } from '../../src/integrations/lightspeed/oauth-client.js';
import { newNonce, OAuthStateError, signState, verifyState } from '../../src/integrations/lightspeed/oauth-state.js';
import { isReturnToAllowed } from '../../src/services/connections/oauth-connect-flow.js';

const KEY = 'client-secret-used-as-hmac-key';
const payload = () => ({ vendorId: '6f1c2f5e-8a7d-4f0e-9d7a-0c2b4b1e9a11', issuedAt: Date.now(), nonce: newNonce() });

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof OAuthStateError) return err.problem;
    throw err;
  }
  return 'ACCEPTED';
}

describe('OAuth state', () => {
  it('round-trips {vendorId, issuedAt, nonce}', () => {
    const p = payload();
    expect(verifyState(signState(p, KEY), KEY)).toEqual(p);
  });

  it('refuses a changed payload, a changed signature, another key and malformed input', () => {
    const state = signState(payload(), KEY);
    const [body, sig] = state.split('.') as [string, string];
    const other = Buffer.from(JSON.stringify({ ...payload(), vendorId: 'someone-else' })).toString('base64url');
    expect(problemOf(() => verifyState(`${other}.${sig}`, KEY))).toBe('BAD_SIGNATURE');
    const flipped = sig.slice(0, 10) + (sig[10] === 'A' ? 'B' : 'A') + sig.slice(11);
    expect(problemOf(() => verifyState(`${body}.${flipped}`, KEY))).toBe('BAD_SIGNATURE');
    expect(problemOf(() => verifyState(`${body}.${sig.slice(0, 20)}`, KEY))).toBe('BAD_SIGNATURE');
    expect(problemOf(() => verifyState(state, 'another-key'))).toBe('BAD_SIGNATURE');
    for (const bad of ['', 'abc', 'a.b.c', `${body}.`, `.${sig}`, `${body}.${sig}!`, 'x'.repeat(2000)]) {
      expect(problemOf(() => verifyState(bad, KEY))).toMatch(/MALFORMED|BAD_SIGNATURE/);
    }
    // A validly signed body that is not our payload shape.
    const junk = Buffer.from('{"vendorId":1}').toString('base64url');
    const signedJunk = `${junk}.${createHmac('sha256', KEY).update(junk).digest('base64url')}`;
    expect(problemOf(() => verifyState(signedJunk, KEY))).toBe('MALFORMED');
  });

  it('refuses a state older than 10 minutes (reporting the trusted vendor) or from the future', () => {
    const now = Date.now();
    const old = signState({ ...payload(), issuedAt: now - 10 * 60_000 - 1 }, KEY);
    let caught: OAuthStateError | undefined;
    try {
      verifyState(old, KEY, now);
    } catch (err) {
      caught = err as OAuthStateError;
    }
    expect(caught?.problem).toBe('EXPIRED');
    expect(caught?.payload?.vendorId).toBe(payload().vendorId);
    expect(problemOf(() => verifyState(signState({ ...payload(), issuedAt: now - 9 * 60_000 }, KEY), KEY, now))).toBe(
      'ACCEPTED',
    );
    expect(problemOf(() => verifyState(signState({ ...payload(), issuedAt: now + 5 * 60_000 }, KEY), KEY, now))).toBe(
      'MALFORMED',
    );
  });

  it('makes unguessable nonces', () => {
    const nonces = new Set(Array.from({ length: 1000 }, newNonce));
    expect(nonces.size).toBe(1000);
    expect([...nonces][0]).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });
});

describe('PKCE', () => {
  it('derives the S256 challenge from a high-entropy verifier', async () => {
    const { verifier, challenge } = await createPkcePair();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
    expect((await createPkcePair()).verifier).not.toBe(verifier);
  });

  it('puts the challenge, never the verifier, in the authorization URL', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      LIGHTSPEED_ENV: 'trial',
      PUBLIC_URL: 'https://ordering.example.com',
    });
    const { verifier, challenge } = await createPkcePair();
    const url = createLightspeedOAuth({ config }).authorizationUrl('trial', {
      state: 's',
      codeChallenge: challenge,
      scopes: ['orders-api', 'items'],
    });
    expect(url.origin + url.pathname).toBe('https://api.trial.lsk.lightspeed.app/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: config.LIGHTSPEED_CLIENT_ID,
      response_type: 'code',
      redirect_uri: 'https://ordering.example.com/lightspeed/callback',
      scope: 'orders-api items',
      state: 's',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    expect(url.toString()).not.toContain(verifier);
  });
});

describe('returnTo allow-list', () => {
  const list = ['https://bo.vendor.example/integrations', 'https://admin.vendor.example/'];
  it.each([
    ['https://bo.vendor.example/integrations', true],
    ['https://bo.vendor.example/integrations/lightspeed?x=1', true],
    ['https://admin.vendor.example/anything', true],
    ['https://bo.vendor.example/integrations-evil', false],
    ['https://bo.vendor.example/other', false],
    ['http://bo.vendor.example/integrations', false],
    ['https://bo.vendor.example.evil.com/integrations', false],
    ['https://user:pw@bo.vendor.example/integrations', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('%s -> %s', (url, allowed) => {
    expect(isReturnToAllowed(url, list)).toBe(allowed);
  });
  it('allows nothing with an empty list', () => {
    expect(isReturnToAllowed('https://bo.vendor.example/integrations', [])).toBe(false);
  });
});
