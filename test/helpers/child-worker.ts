// The real worker entry point (src/worker.ts) as a child process, for crash tests.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Config } from '../../src/config.js';

const root = path.resolve(import.meta.dirname, '../..');

/** Environment that gives a child process the same configuration as a test's app. */
export function envFor(config: Config, overrides: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  for (const [key, value] of Object.entries(config)) {
    if (/^[A-Z][A-Z0-9_]+$/.test(key) && value !== undefined && typeof value !== 'object') env[key] = String(value);
  }
  env.TOKEN_ENCRYPTION_PREVIOUS_KEYS = [...config.TOKEN_ENCRYPTION_PREVIOUS_KEYS]
    .map(([v, k]) => `${v}:${k.toString('base64')}`)
    .join(',');
  return { ...env, WORKER_METRICS_PORT: '0', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn', ...overrides };
}

export function spawnWorker(env: Record<string, string>): {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    cwd: root,
    env: { ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      if (buffer.includes('workers started')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
    setTimeout(() => reject(new Error('worker did not start within 20 s')), 20_000).unref();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, ready, exited };
}
