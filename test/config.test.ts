import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, environment, loadConfig } from '../src/config.js';

/** .env.example as name -> value. */
function envExample(): Record<string, string> {
  const entries = readFileSync(new URL('../.env.example', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
  return Object.fromEntries(entries);
}

const strongProduction = {
  NODE_ENV: 'production',
  ADMIN_TOKEN: 'aaaaaaaaZq81-admin-own-secret',
  SESSION_SECRET: 'own-session-secret-0f9e8d7c6b5a49382716',
  TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
  LIGHTSPEED_WEBHOOK_PASSWORD: 'own-webhook-password-42',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('starts with safe local defaults and derives the OAuth redirect URI', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.LIGHTSPEED_ENV).toBe('sandbox');
    expect(config.oauthRedirectUri).toBe('http://localhost:3000/lightspeed/callback');
    expect(config.lightspeedScopes).toEqual(['orders-api', 'financial-api', 'items']);
  });

  it('names each malformed variable', () => {
    const problems = problemsOf({ PORT: 'eighty', DATABASE_URL: 'mysql://x', TOKEN_ENCRYPTION_KEY: 'short' });
    expect(problems.some((p) => p.startsWith('PORT:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('DATABASE_URL:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('TOKEN_ENCRYPTION_KEY:'))).toBe(true);
  });

  it('rejects an unknown Lightspeed environment and a bad log level', () => {
    const problems = problemsOf({ LIGHTSPEED_ENV: 'staging', LOG_LEVEL: 'loud' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(expect.arrayContaining(['LIGHTSPEED_ENV', 'LOG_LEVEL']));
  });

  it('requires explicit secrets in production', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    for (const name of ['ADMIN_TOKEN', 'SESSION_SECRET', 'TOKEN_ENCRYPTION_KEY', 'LIGHTSPEED_WEBHOOK_PASSWORD']) {
      expect(problems.some((p) => p.startsWith(`${name}:`))).toBe(true);
    }
  });

  it('refuses to start in production with any published secret, naming each variable', () => {
    expect(loadConfig(strongProduction).NODE_ENV).toBe('production');
    const published = envExample();
    const secretNames = ['ADMIN_TOKEN', 'SESSION_SECRET', 'TOKEN_ENCRYPTION_KEY', 'LIGHTSPEED_WEBHOOK_PASSWORD'];
    for (const name of secretNames) {
      expect(published[name], name).toBeTruthy();
      const problems = problemsOf({ ...strongProduction, [name]: published[name] as string });
      expect(problems, name).toEqual([expect.stringMatching(new RegExp(`^${name}: is a published`))]);
    }
    expect(
      problemsOf({
        ...strongProduction,
        LIGHTSPEED_WEBHOOK_PASSWORD_PREVIOUS: 'dev-webhook-password',
        LIGHTSPEED_WEBHOOK_USER_PREVIOUS: 'x',
      }),
    ).toEqual([expect.stringMatching(/^LIGHTSPEED_WEBHOOK_PASSWORD_PREVIOUS: is a published/)]);
    // The zero key in another spelling, and as a previous key.
    expect(problemsOf({ ...strongProduction, TOKEN_ENCRYPTION_KEY: `${'A'.repeat(43)}=` })[0]).toMatch(
      /^TOKEN_ENCRYPTION_KEY: is a published/,
    );
    expect(
      problemsOf({ ...strongProduction, TOKEN_ENCRYPTION_PREVIOUS_KEYS: `1:${published.TOKEN_ENCRYPTION_KEY}` })[0],
    ).toMatch(/^TOKEN_ENCRYPTION_PREVIOUS_KEYS: key 1 is a published/);
    // The client secret the sandbox registers is refused only against a real Lightspeed.
    const trial = { ...strongProduction, LIGHTSPEED_ENV: 'trial', PUBLIC_URL: 'https://example.com' };
    expect(problemsOf({ ...trial, LIGHTSPEED_CLIENT_SECRET: published.LIGHTSPEED_CLIENT_SECRET as string })).toEqual([
      expect.stringMatching(/^LIGHTSPEED_CLIENT_SECRET: is a published/),
    ]);
    expect(loadConfig({ ...strongProduction, LIGHTSPEED_CLIENT_SECRET: 'dev-secret' }).LIGHTSPEED_ENV).toBe('sandbox');
    // Sharing one business between vendors is a sandbox convenience, never a production setting.
    expect(problemsOf({ ...strongProduction, LIGHTSPEED_SHARED_BUSINESS_ALLOWED: 'true' })).toEqual([
      expect.stringMatching(/^LIGHTSPEED_SHARED_BUSINESS_ALLOWED:/),
    ]);
    expect(loadConfig({}).LIGHTSPEED_SHARED_BUSINESS_ALLOWED).toBe(false);
    // Development keeps working with every published value.
    expect(loadConfig(published).ADMIN_TOKEN).toBe(published.ADMIN_TOKEN);
  });

  it('defaults to trusting no proxy and to no metrics token', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe('false');
    expect(loadConfig({}).METRICS_TOKEN).toBeUndefined();
    expect(loadConfig({}).RATE_LIMIT_AUTH_FAILURES_PER_IP).toBe(30);
  });

  it('requires an HTTPS public URL outside the sandbox', () => {
    const problems = problemsOf({ LIGHTSPEED_ENV: 'trial', PUBLIC_URL: 'http://example.com' });
    expect(problems).toEqual([expect.stringMatching(/^PUBLIC_URL: must be https/)]);
    expect(loadConfig({ LIGHTSPEED_ENV: 'trial', PUBLIC_URL: 'https://example.com/' }).oauthRedirectUri).toBe(
      'https://example.com/lightspeed/callback',
    );
  });

  it('parses previous encryption keys and rejects malformed ones', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const config = loadConfig({ TOKEN_ENCRYPTION_KEY_VERSION: '2', TOKEN_ENCRYPTION_PREVIOUS_KEYS: `1:${key}` });
    expect(config.TOKEN_ENCRYPTION_PREVIOUS_KEYS.get(1)?.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(problemsOf({ TOKEN_ENCRYPTION_PREVIOUS_KEYS: 'garbage' })[0]).toMatch(/^TOKEN_ENCRYPTION_PREVIOUS_KEYS:/);
  });

  it('keeps processed webhook events 30 days by default, cleaned up hourly, and rejects a bad retention naming it', () => {
    const config = loadConfig({});
    expect(config.WEBHOOK_EVENT_RETENTION_DAYS).toBe(30);
    expect(config.WEBHOOK_EVENT_RETENTION_INTERVAL_SECONDS).toBe(3600);
    expect(loadConfig({ WEBHOOK_EVENT_RETENTION_DAYS: '7' }).WEBHOOK_EVENT_RETENTION_DAYS).toBe(7);
    for (const bad of ['0', '-3', 'thirty', '1.5']) {
      expect(problemsOf({ WEBHOOK_EVENT_RETENTION_DAYS: bad }), bad).toEqual([
        expect.stringMatching(/^WEBHOOK_EVENT_RETENTION_DAYS:/),
      ]);
    }
    for (const bad of ['0', '59', 'hourly']) {
      expect(problemsOf({ WEBHOOK_EVENT_RETENTION_INTERVAL_SECONDS: bad }), bad).toEqual([
        expect.stringMatching(/^WEBHOOK_EVENT_RETENTION_INTERVAL_SECONDS:/),
      ]);
    }
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).PORT).toBe(3000);
  });

  it('PUBLIC_URL follows PORT unless it is set', () => {
    expect(loadConfig({ PORT: '5801' }).oauthRedirectUri).toBe('http://localhost:5801/lightspeed/callback');
    expect(loadConfig({ PORT: '5801', PUBLIC_URL: 'http://dev.test:8080/' }).PUBLIC_URL).toBe('http://dev.test:8080');
  });

  it('the sandbox URL follows SANDBOX_PORT unless it is set', () => {
    expect(loadConfig({}).LIGHTSPEED_SANDBOX_URL).toBe('http://127.0.0.1:4010');
    expect(loadConfig({ SANDBOX_PORT: '5803' }).LIGHTSPEED_SANDBOX_URL).toBe('http://127.0.0.1:5803');
    expect(
      loadConfig({ SANDBOX_PORT: '5803', LIGHTSPEED_SANDBOX_URL: 'http://sandbox.test:9' }).LIGHTSPEED_SANDBOX_URL,
    ).toBe('http://sandbox.test:9');
  });

  it('reads .env under the real environment: a real variable wins', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'env-'));
    const file = path.join(dir, '.env');
    writeFileSync(file, '# local\nPORT=5802\nPATH=/from/the/file\nREDIS_PREFIX="quoted"\n');
    const env = environment(file);
    expect(loadConfig(env).PORT).toBe(5802);
    expect(loadConfig(env).REDIS_PREFIX).toBe('quoted');
    expect(env.PATH).toBe(process.env.PATH);
    expect(environment(path.join(dir, 'missing'))).toBe(process.env);
  });
});
