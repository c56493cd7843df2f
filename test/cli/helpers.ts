// The CLI as operators run it, in-process: the real program (src/cli/program.ts) with the
// arguments, the test's environment as its configuration and captured stdout/stderr. One
// process-level smoke test (program.test.ts) covers the entry point itself.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'vitest';
import { runCli as runProgram } from '../../src/cli/program.js';
import { loadConfig } from '../../src/config.js';
import type { PrismaClient } from '../../src/db/prisma.js';

const root = path.resolve(import.meta.dirname, '../..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for --json runs). */
  json<T = any>(): T;
  /** The error a --json run printed: the last line of stderr. */
  jsonError(): { error: { code: string; message: string } };
}

function result(code: number | null, stdout: string, stderr: string): CliRun {
  return {
    code,
    stdout,
    stderr,
    jsonError() {
      const last = stderr.trim().split('\n').at(-1) ?? '';
      return JSON.parse(last) as { error: { code: string; message: string } };
    },
    json() {
      try {
        return JSON.parse(stdout);
      } catch {
        throw new Error(`not JSON (exit ${code}):\n${stdout}\nstderr: ${stderr}`);
      }
    },
  };
}

/** A stream that keeps what is written to it, as the CLI's stdout or stderr. */
export function capture(): Writable & { text: string } {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      stream.text += chunk.toString();
      done();
    },
  }) as Writable & { text: string };
  stream.text = '';
  return stream;
}

/** One command line, in this process; `env` is the whole environment the CLI configures from. */
export async function runCli(
  args: string[],
  env: Record<string, string>,
  options: { timeoutMs?: number } = {},
): Promise<CliRun> {
  const stdout = capture();
  const stderr = capture();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(`cli ${args.join(' ')} did not finish in time\nstdout: ${stdout.text}\nstderr: ${stderr.text}`),
        ),
      options.timeoutMs ?? 25_000,
    );
  });
  try {
    const code = await Promise.race([
      runProgram(args, { streams: { stdout, stderr }, loadConfig: () => loadConfig(env) }),
      timeout,
    ]);
    return result(code, stdout.text, stderr.text);
  } finally {
    clearTimeout(timer);
  }
}

/** The entry point as a child process (`node --import tsx src/cli/index.ts ...`): the smoke test. */
export function runCliProcess(args: string[], env: Record<string, string>): Promise<CliRun> {
  return runProcess(['--import', 'tsx', 'src/cli/index.ts', ...args], env);
}

/** `node <nodeArgs>` in the repository, with `env` as its whole environment. */
export function runProcess(nodeArgs: string[], env: Record<string, string>, timeoutMs = 25_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node ${nodeArgs.join(' ')} did not finish in time\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve(result(code, stdout, stderr));
    });
  });
}

/** Everything a CLI command could change, to prove a refused command changed nothing. */
export async function snapshot(prisma: PrismaClient): Promise<unknown> {
  const [vendors, apiKeys, connections, orders, events, logs, checkpoints] = await Promise.all([
    prisma.vendor.findMany({ orderBy: { id: 'asc' } }),
    prisma.apiKey.findMany({ orderBy: { id: 'asc' } }),
    prisma.lightspeedConnection.findMany({ orderBy: { id: 'asc' } }),
    prisma.order.findMany({ orderBy: { id: 'asc' } }),
    prisma.orderEvent.findMany({ orderBy: { id: 'asc' } }),
    prisma.integrationLog.findMany({ orderBy: { id: 'asc' } }),
    prisma.syncCheckpoint.findMany({ orderBy: { id: 'asc' } }),
  ]);
  return { vendors, apiKeys, connections, orders, events, logs, checkpoints };
}

/** Runs `fn` over `items`, a few at a time. */
export async function inBatches<T, R>(items: readonly T[], fn: (item: T) => Promise<R>, size = 4): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return results;
}

export interface RefusalCase {
  args: string[];
  /** 1: the operation was refused; 2: the command line was wrong. */
  code: number;
  message: RegExp;
}

/** Each case exits with its code and message on stderr, and prints nothing on stdout. */
export async function expectRefusals(
  cli: (...args: string[]) => Promise<CliRun>,
  cases: readonly RefusalCase[],
): Promise<void> {
  const runs = await inBatches(cases, (c) => cli(...c.args));
  runs.forEach((run, i) => {
    const c = cases[i]!;
    expect(run.code, c.args.join(' ')).toBe(c.code);
    expect(run.stderr, c.args.join(' ')).toMatch(c.message);
    expect(run.stdout, c.args.join(' ')).toBe('');
  });
}
