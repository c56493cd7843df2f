// cli vendors create|list|logs and keys issue|list|revoke, in-process against this
// file's schema; refused commands (bad arguments, unknown ids, bad configuration) exit non-zero
// with a message and change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntegrationLog } from '../../src/services/integration-log.js';
import { envFor } from '../helpers/child-worker.js';
import { bearer, createTestContext, createVendor, type TestContext } from '../helpers/context.js';
import { expectRefusals, runCli, snapshot, type RefusalCase } from './helpers.js';

const UNKNOWN = '3f2b8c4e-1d2a-4c6b-9e8f-0a1b2c3d4e5f';

describe('cli: vendors and keys', { timeout: 120_000 }, () => {
  let ctx: TestContext;
  let env: Record<string, string>;
  beforeAll(async () => {
    ctx = await createTestContext();
    env = envFor(ctx.config);
  });
  afterAll(async () => ctx?.close());

  const cli = (...args: string[]) => runCli(args, env);
  const locations = (key: string) => ctx.app.inject({ method: 'GET', url: '/v1/locations', headers: bearer(key) });

  it('vendors create makes a vendor whose printed API key works; the key appears nowhere else', async () => {
    const run = await cli('vendors', 'create', '--name', '  Bistro Uno  ', '--json');
    expect(run.code).toBe(0);
    const created = run.json<{ id: string; name: string; apiKey: string; apiKeyPrefix: string; apiKeyId: string }>();
    expect(created.name).toBe('Bistro Uno');
    expect(created.apiKey.startsWith(created.apiKeyPrefix)).toBe(true);
    expect(run.stderr).not.toContain(created.apiKey);
    expect((await locations(created.apiKey)).statusCode).toBe(200);
    expect(await ctx.db.prisma.vendor.count({ where: { id: created.id } })).toBe(1);

    const text = await cli('vendors', 'create', '--name', 'Bistro Due');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^apiKey:\s+lsk_/m);
    expect(text.stdout).toContain('shown this once');

    const list = await cli('keys', 'list', created.id, '--json');
    expect(list.code).toBe(0);
    expect(list.stdout).not.toContain(created.apiKey);
    expect(list.json().items).toEqual([
      expect.objectContaining({ id: created.apiKeyId, prefix: created.apiKeyPrefix, revokedAt: null }),
    ]);
  });

  it('vendors list shows each vendor with its connection status', async () => {
    const connected = await createVendor(ctx.app, 'Listed connected');
    await ctx.db.prisma.lightspeedConnection.create({
      data: {
        vendorId: connected.id,
        environment: 'SANDBOX',
        status: 'DISCONNECTED',
        businessName: 'Demo business',
        lastError: 'Reconnect with Lightspeed.',
      },
    });
    const plain = await createVendor(ctx.app, 'Listed plain');
    const run = await cli('vendors', 'list', '--json');
    expect(run.code).toBe(0);
    const items = run.json<{
      items: {
        id: string;
        connectionStatus: string;
        businessName: string | null;
        lastError: string | null;
        activeApiKeys: number;
      }[];
    }>().items;
    expect(items.find((v) => v.id === connected.id)).toMatchObject({
      connectionStatus: 'DISCONNECTED',
      businessName: 'Demo business',
      lastError: 'Reconnect with Lightspeed.',
      activeApiKeys: 1,
    });
    expect(items.find((v) => v.id === plain.id)).toMatchObject({
      connectionStatus: 'NOT_CONNECTED',
      businessName: null,
    });

    const table = await cli('vendors', 'list');
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^id\s+name\s+connectionStatus/);
    expect(table.stdout).toMatch(new RegExp(`${connected.id}\\s+Listed connected\\s+DISCONNECTED`));
  });

  it('vendors logs shows the integration log newest first', async () => {
    const vendor = await createVendor(ctx.app, 'Logged');
    const log = createIntegrationLog({ prisma: ctx.db.prisma });
    await log.record(vendor.id, { level: 'INFO', event: 'oauth.connected', message: 'Connected' });
    await log.record(vendor.id, {
      level: 'WARN',
      event: 'token.refresh_failed',
      message: 'Could not refresh',
      details: { kind: 'unavailable' },
    });
    await log.record(vendor.id, {
      level: 'WARN',
      event: 'token.refresh_failed',
      message: 'Could not refresh',
      details: { kind: 'unavailable' },
    });
    const run = await cli('vendors', 'logs', vendor.id, '--json');
    expect(run.code).toBe(0);
    const items = run.json<{ items: { event: string; count: number; details: unknown }[] }>().items;
    expect(items.map((e) => [e.event, e.count])).toEqual([
      ['token.refresh_failed', 2],
      ['oauth.connected', 1],
    ]);
    const limited = await cli('vendors', 'logs', vendor.id, '--limit', '1');
    expect(limited.code).toBe(0);
    expect(limited.stdout).toContain('token.refresh_failed');
    expect(limited.stdout).not.toContain('oauth.connected');
  });

  it('keys issue adds a working key; keys revoke makes it 401 (twice is fine)', async () => {
    const vendor = await createVendor(ctx.app, 'Keys');
    const issued = await cli('keys', 'issue', vendor.id, '--name', 'kiosk', '--json');
    expect(issued.code).toBe(0);
    const key = issued.json<{ id: string; apiKey: string; name: string }>();
    expect(key.name).toBe('kiosk');
    expect((await locations(key.apiKey)).statusCode).toBe(200);

    const revoked = await cli('keys', 'revoke', vendor.id, key.id, '--json');
    expect(revoked.code).toBe(0);
    expect(revoked.json().revokedAt).toEqual(expect.any(String));
    expect(revoked.stdout).not.toContain(key.apiKey);
    expect((await locations(key.apiKey)).statusCode).toBe(401);
    expect((await locations(vendor.apiKey)).statusCode).toBe(200);
    expect((await cli('keys', 'revoke', vendor.id, key.id)).code).toBe(0);
  });

  it('refuses bad arguments and unknown ids with a message and a non-zero exit, changing nothing', async () => {
    const vendor = await createVendor(ctx.app, 'Untouched');
    const other = await createVendor(ctx.app, 'Other');
    const otherKey = (await ctx.db.prisma.apiKey.findFirstOrThrow({ where: { vendorId: other.id } })).id;
    const before = await snapshot(ctx.db.prisma);
    const cases: RefusalCase[] = [
      { args: ['vendors', 'create'], code: 2, message: /required option '--name <name>' not specified/ },
      { args: ['vendors', 'create', '--name', '   '], code: 2, message: /--name.*1 to 200 characters/ },
      { args: ['vendors', 'create', '--name', 'x', '--callback'], code: 2, message: /unknown option '--callback'/ },
      { args: ['vendors', 'logs', 'nope'], code: 2, message: /invalid for argument 'vendorId'\. It must be a UUID/ },
      { args: ['vendors', 'logs', vendor.id, '--limit', '0'], code: 2, message: /--limit.*from 1 to 100/ },
      { args: ['vendors', 'logs', UNKNOWN], code: 1, message: /Vendor not found/ },
      { args: ['keys', 'issue', UNKNOWN], code: 1, message: /Vendor not found/ },
      { args: ['keys', 'issue', vendor.id, '--name', 'x'.repeat(101)], code: 2, message: /1 to 100 characters/ },
      { args: ['keys', 'revoke', vendor.id], code: 2, message: /missing required argument 'keyId'/ },
      { args: ['keys', 'revoke', vendor.id, otherKey], code: 1, message: /API key not found/ },
      { args: ['keys', 'rotate', vendor.id], code: 2, message: /unknown command 'rotate'/ },
    ];
    await expectRefusals(cli, cases);
    const json = await cli('keys', 'issue', UNKNOWN, '--json');
    expect(json.code).toBe(1);
    expect(json.jsonError()).toEqual({ error: { code: 'NOT_FOUND', message: 'Vendor not found' } });
    expect(await snapshot(ctx.db.prisma)).toEqual(before);
  });

  it('a bad configuration stops before anything runs, naming the variable', async () => {
    const before = await snapshot(ctx.db.prisma);
    const run = await runCli(['vendors', 'create', '--name', 'Never'], { ...env, DATABASE_URL: 'mysql://nowhere/db' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('DATABASE_URL');
    expect(await snapshot(ctx.db.prisma)).toEqual(before);
  });
});
