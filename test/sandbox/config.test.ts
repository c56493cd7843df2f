import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSandboxConfig, SandboxConfigError } from '../../src/sandbox/config.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('sandbox configuration and standalone entry point', () => {
  it("defaults to the service's client and callback", () => {
    const config = loadSandboxConfig({});
    expect(config.port).toBe(4010);
    expect(config.host).toBe('127.0.0.1');
    expect(config.sandbox.clients).toEqual([
      {
        clientId: 'dev-client',
        clientSecret: 'dev-secret',
        redirectUris: ['http://localhost:3000/lightspeed/callback'],
        name: 'Ordering integration (dev)',
      },
    ]);
    expect(config.sandbox).toMatchObject({
      accessTokenTtlSeconds: 3600,
      webhookDelayMs: 50,
      logger: { level: 'info' },
    });
  });

  it('reads overrides and extra redirect URIs', () => {
    const config = loadSandboxConfig({
      SANDBOX_PORT: '5050',
      PUBLIC_URL: 'https://orders.example.com/',
      LIGHTSPEED_CLIENT_ID: 'prod-like',
      LIGHTSPEED_CLIENT_SECRET: 's3cret',
      SANDBOX_ACCESS_TOKEN_TTL_SECONDS: '120',
      SANDBOX_WEBHOOK_DELAY_MS: '0',
      LOG_LEVEL: 'silent',
      SANDBOX_EXTRA_REDIRECT_URIS: 'http://127.0.0.1:3001/lightspeed/callback',
    });
    expect(config.port).toBe(5050);
    expect(config.sandbox.clients[0]).toMatchObject({
      clientId: 'prod-like',
      clientSecret: 's3cret',
      redirectUris: ['https://orders.example.com/lightspeed/callback', 'http://127.0.0.1:3001/lightspeed/callback'],
    });
    expect(config.sandbox).toMatchObject({ accessTokenTtlSeconds: 120, webhookDelayMs: 0, logger: false });
  });

  it('names every bad variable', () => {
    let error: unknown;
    try {
      loadSandboxConfig({ SANDBOX_PORT: 'eighty', PUBLIC_URL: 'ftp://x', SANDBOX_WEBHOOK_DELAY_MS: '-1' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SandboxConfigError);
    const problems = (error as SandboxConfigError).problems.join('\n');
    expect(problems).toMatch(/SANDBOX_PORT/);
    expect(problems).toMatch(/PUBLIC_URL/);
    expect(problems).toMatch(/SANDBOX_WEBHOOK_DELAY_MS/);
  });

  it('runs standalone: prints its URL, serves, and exits cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/main.ts'], {
      cwd: repoRoot,
      env: { ...process.env, SANDBOX_PORT: '0', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${output}`)), 20_000);
      child.stdout.on('data', (c: Buffer) => {
        output += c.toString();
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    const seed = await fetch(`${url}/__sandbox/seed`);
    expect(seed.status).toBe(200);
    expect(((await seed.json()) as { business: { id: number } }).business.id).toBe(45454565682155);
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
