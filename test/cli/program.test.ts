// The CLI's shape: --help everywhere (every command, found by walking the program, so a new one
// is covered too), usage errors exit 2, and `migrate` against a fresh schema.
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { Output } from '../../src/cli/output.js';
import { buildProgram, CliBuilder, runCli as runInProcess } from '../../src/cli/program.js';
import { testConfig } from '../helpers/context.js';
import { TEST_DATABASE_URL, TEST_SCHEMA_PREFIX } from '../helpers/env.js';
import { envFor } from '../helpers/child-worker.js';
import { freePort } from '../connect/helpers.js';
import { capture, runCli, runCliProcess } from './helpers.js';

/** Paths of every command that runs something, e.g. ["vendors", "create"]. */
function leaves(command: Command, path: string[] = []): string[][] {
  if (command.commands.length === 0) return [path];
  return command.commands.flatMap((c) => leaves(c, [...path, c.name()]));
}

describe('cli program', { timeout: 120_000 }, () => {
  const schema = `${TEST_SCHEMA_PREFIX}${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('every command answers --help with its usage and the --json option, exit 0, without configuration', async () => {
    const env = {
      streams: { stdout: capture(), stderr: capture() },
      loadConfig: () => {
        throw new Error('help must not load configuration');
      },
    };
    const paths = leaves(buildProgram(new CliBuilder(env)));
    expect(paths.map((p) => p.join(' '))).toEqual(
      expect.arrayContaining([
        'vendors create',
        'vendors list',
        'vendors logs',
        'keys issue',
        'keys list',
        'keys revoke',
        'orders attention',
        'orders replay',
        'tokens refresh',
        'tokens reencrypt',
        'financial status',
        'financial sync',
        'financial backfill',
        'webhooks reregister',
        'migrate',
      ]),
    );
    for (const path of paths) {
      const stdout = capture();
      const code = await runInProcess([...path, '--help'], { ...env, streams: { stdout, stderr: capture() } });
      expect(code, path.join(' ')).toBe(0);
      expect(stdout.text, path.join(' ')).toContain(`Usage: cli ${path.join(' ')}`);
      expect(stdout.text, path.join(' ')).toContain('--json');
    }
  });

  it('as a process: --help lists the commands; no command or an unknown one is a usage error', async () => {
    const env = { NODE_ENV: 'test' };
    const help = await runCliProcess(['--help'], env);
    expect(help.code).toBe(0);
    for (const group of ['vendors', 'keys', 'orders', 'tokens', 'financial', 'webhooks', 'migrate'])
      expect(help.stdout).toContain(group);
    const none = await runCliProcess([], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: cli');
    const unknown = await runCliProcess(['vendor', 'create'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'vendor'");
    const groupHelp = await runCliProcess(['tokens', 'reencrypt', '--help'], env);
    expect(groupHelp.code).toBe(0);
    expect(groupHelp.stdout).toContain('--dry-run');
  });

  it('draws a progress bar on a terminal only, never with --json or into a pipe', () => {
    const terminal = Object.assign(capture(), { isTTY: true });
    const bar = new Output({ stdout: capture(), stderr: terminal }, false).progress('backfill', 4);
    bar.update(2, '(2024-01-01..2024-01-31)');
    bar.finish();
    expect(terminal.text).toContain(`backfill [${'#'.repeat(15)}${'.'.repeat(15)}] 50% (2024-01-01..2024-01-31)`);
    expect(terminal.text.endsWith('\n')).toBe(true);
    for (const [stderr, json] of [
      [Object.assign(capture(), { isTTY: true }), true],
      [capture(), false],
    ] as const) {
      const silent = new Output({ stdout: capture(), stderr }, json).progress('backfill', 4);
      silent.update(3);
      silent.finish();
      expect(stderr.text).toBe('');
    }
  });

  it('a missing database or an unreachable server is one line naming DATABASE_URL and what to do', async () => {
    const base = new URL(TEST_DATABASE_URL);
    const missing = new URL(base);
    missing.pathname = `/no_such_db_${randomBytes(4).toString('hex')}`;
    const absent = await runCli(['vendors', 'list'], envFor(testConfig({ DATABASE_URL: missing.toString() })));
    expect(absent.code).toBe(1);
    expect(absent.stderr.trim().split('\n').at(-1)).toBe(
      'error: the database in DATABASE_URL does not exist yet: create it with `./cli migrate` (or `npm run migrate`)',
    );
    const closed = new URL(base);
    closed.port = String(await freePort());
    const unreachable = await runCli(
      ['vendors', 'list', '--json'],
      envFor(testConfig({ DATABASE_URL: closed.toString() })),
    );
    expect(unreachable.code).toBe(1);
    expect(JSON.parse(unreachable.stderr.trim().split('\n').at(-1) ?? '')).toEqual({
      error: {
        code: 'DATABASE_UNAVAILABLE',
        message: 'PostgreSQL is not reachable at DATABASE_URL: start it (or `docker compose up -d postgres`)',
      },
    });
  });

  it('migrate applies pending migrations to a fresh schema, then finds nothing to do', async () => {
    const env = envFor(testConfig({ DATABASE_URL: `${TEST_DATABASE_URL}?schema=${schema}` }));
    const first = await runCli(['migrate', '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    const applied = first.json<{ applied: string[]; alreadyApplied: string[] }>();
    expect(applied.applied.length).toBeGreaterThan(0);
    expect(applied.alreadyApplied).toEqual([]);
    const second = await runCli(['migrate'], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`migrations: 0 applied, ${applied.applied.length} already applied`);
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1 AND tablename = $2',
        [schema, 'vendors'],
      );
      expect(rows[0].n).toBe(1);
    } finally {
      await client.end();
    }
  });
});
