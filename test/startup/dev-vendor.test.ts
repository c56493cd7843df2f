// `npm run dev` signs in with the same demo key on every start instead of adding keys.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_VENDOR, ensureDemoKey } from '../../src/dev-vendor.js';
import { createTestDatabase, type TestDatabase } from '../helpers/context.js';

describe('the demo vendor key of npm run dev', () => {
  let db: TestDatabase;
  const keyFile = path.join(mkdtempSync(path.join(tmpdir(), 'devkey-')), '.dev-api-key');
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  const activeKeys = () => db.prisma.apiKey.count({ where: { vendor: { name: DEMO_VENDOR } } });

  it('creates one vendor with one key on the first start, and reuses that key afterwards', async () => {
    const first = await ensureDemoKey(db.prisma, keyFile);
    expect(first.created).toBe(true);
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(first.apiKey);
    expect(await activeKeys()).toBe(1);

    const second = await ensureDemoKey(db.prisma, keyFile);
    const third = await ensureDemoKey(db.prisma, keyFile);
    expect(second).toEqual({ vendorId: first.vendorId, apiKey: first.apiKey, created: false });
    expect(third.apiKey).toBe(first.apiKey);
    expect(await activeKeys()).toBe(1);
    expect(await db.prisma.vendor.count({ where: { name: DEMO_VENDOR } })).toBe(1);
  });

  it('makes a new key when the saved one was revoked or the file is garbage', async () => {
    const before = await ensureDemoKey(db.prisma, keyFile);
    await db.prisma.apiKey.updateMany({ data: { revokedAt: new Date() } });
    const after = await ensureDemoKey(db.prisma, keyFile);
    expect(after.created).toBe(true);
    expect(after.apiKey).not.toBe(before.apiKey);
    expect(after.vendorId).toBe(before.vendorId);

    writeFileSync(keyFile, 'not a key\n');
    expect((await ensureDemoKey(db.prisma, keyFile)).created).toBe(true);
    expect(await activeKeys()).toBe(3);
  });
});
