// The real entry points as child processes: they start, serve, and stop cleanly on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/context.js';
import { TEST_REDIS_URL } from '../helpers/env.js';

const root = path.resolve(import.meta.dirname, '../..');

function start(
  entry: string,
  env: Record<string, string>,
): {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  waitFor: (msg: RegExp) => Promise<Record<string, unknown>>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: { re: RegExp; resolve: (l: Record<string, unknown>) => void }[] = [];
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const raw = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      try {
        const line = JSON.parse(raw) as Record<string, unknown>;
        lines.push(line);
        for (const w of waiters.filter((w) => w.re.test(String(line.msg)))) w.resolve(line);
      } catch {
        // not a log line
      }
    }
  });
  const waitFor = (re: RegExp) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const found = lines.find((l) => re.test(String(l.msg)));
      if (found) return resolve(found);
      waiters.push({ re, resolve });
      setTimeout(() => reject(new Error(`timed out waiting for ${re}`)), 20_000).unref();
    });
  return { child, lines, waitFor };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

describe('entry points', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  it('the API serves and exits 0 on SIGTERM', async () => {
    const api = start('src/server.ts', {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: 'test:proc-api',
      PORT: '0',
    });
    const listening = await api.waitFor(/Server listening/);
    const address = String(listening.msg).replace('Server listening at ', '');
    const res = await fetch(`${address}/readyz`);
    expect(res.status).toBe(200);
    const exit = exited(api.child);
    const started = Date.now();
    api.child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(api.lines.some((l) => l.msg === 'shut down cleanly')).toBe(true);
  });

  it('the worker starts and exits 0 on SIGTERM', async () => {
    const worker = start('src/worker.ts', {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: 'test:proc-worker',
      WORKER_METRICS_PORT: '0',
    });
    await worker.waitFor(/workers started/);
    const listening = await worker.waitFor(/Server listening/);
    const address = String(listening.msg).replace('Server listening at ', '');
    expect((await fetch(`${address}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${address}/metrics`)).text()).toContain('process_cpu_user_seconds_total');
    const exit = exited(worker.child);
    worker.child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('a bad variable stops the process with a message naming it', async () => {
    const bad = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', PORT: 'not-a-port' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    bad.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    expect(await exited(bad)).not.toBe(0);
    expect(stderr).toContain('PORT:');
  });
});
