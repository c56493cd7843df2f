// The direct entry `./cli` (scripts/cli.mjs): it runs the CLI from a bundle, so it must find the
// migrations from there, and it must never run a bundle older than the sources -- also when
// several commands start together. Staleness is checked on a scratch project of two files, so
// the test never edits the repository's own sources.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { testConfig } from '../helpers/context.js';
import { TEST_DATABASE_URL, TEST_SCHEMA_PREFIX } from '../helpers/env.js';
import { envFor } from '../helpers/child-worker.js';
import { runProcess } from './helpers.js';

const root = path.resolve(import.meta.dirname, '../..');

// Building the bundle under a loaded machine takes a while: more time than a plain command.
const run = (file: string, args: string[], env: Record<string, string>) => runProcess([file, ...args], env, 60_000);

describe('./cli, the direct entry', { timeout: 180_000 }, () => {
  const schema = `${TEST_SCHEMA_PREFIX}${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const scratch: string[] = [];
  afterAll(async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
    for (const dir of scratch) await rm(dir, { recursive: true, force: true });
  });

  it('migrates a fresh schema and lists vendors from the bundle', async () => {
    const env = envFor(testConfig({ DATABASE_URL: `${TEST_DATABASE_URL}?schema=${schema}` }));
    const cli = path.join(root, 'cli');
    const migrated = await run(cli, ['migrate', '--json'], env);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(JSON.parse(migrated.stdout).applied.length).toBeGreaterThan(0);
    const created = await run(cli, ['vendors', 'create', '--name', 'Entry Bistro', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    const listed = await run(cli, ['vendors', 'list', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).items).toEqual([
      expect.objectContaining({ id: JSON.parse(created.stdout).id, name: 'Entry Bistro', activeApiKeys: 1 }),
    ]);
  });

  it('builds again after a source change, also with several commands starting at once', async () => {
    // A project of the same layout: scripts/cli.mjs, src/cli/index.ts and esbuild in node_modules.
    const dir = await mkdtemp(path.join(tmpdir(), 'cli-entry-'));
    scratch.push(dir);
    await mkdir(path.join(dir, 'scripts'));
    await mkdir(path.join(dir, 'src/cli'), { recursive: true });
    await mkdir(path.join(dir, 'node_modules'));
    await copyFile(path.join(root, 'scripts/cli.mjs'), path.join(dir, 'scripts/cli.mjs'));
    await copyFile(path.join(root, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
    await writeFile(path.join(dir, 'package.json'), '{ "type": "module" }\n');
    await symlink(path.join(root, 'node_modules/esbuild'), path.join(dir, 'node_modules/esbuild'));
    await writeFile(
      path.join(dir, 'src/cli/index.ts'),
      "import { message } from './message.js';\nconsole.log(message satisfies string);\n",
    );
    const setMessage = (text: string) =>
      writeFile(path.join(dir, 'src/cli/message.ts'), `export const message = ${JSON.stringify(text)};\n`);
    const cacheDir = path.join(dir, 'node_modules/.cache/kseries-cli');
    const builds = async () => (await readdir(cacheDir)).filter((name) => name.startsWith('build-')).sort();
    const currentBuild = async () => JSON.parse(await readFile(path.join(cacheDir, 'manifest.json'), 'utf8')).build;
    const entry = path.join(dir, 'scripts/cli.mjs');
    const env = { PATH: process.env.PATH ?? '' };

    await setMessage('first');
    expect((await run(entry, [], env)).stdout).toBe('first\n');
    const [firstBuild] = await builds();
    expect(await currentBuild()).toBe(firstBuild);
    // Nothing changed: the same build runs.
    expect((await run(entry, [], env)).stdout).toBe('first\n');
    expect(await builds()).toEqual([firstBuild]);

    await setMessage('the second message');
    expect((await run(entry, [], env)).stdout).toBe('the second message\n');
    expect(await currentBuild()).not.toBe(firstBuild);

    await setMessage('third, four at once');
    const together = await Promise.all([1, 2, 3, 4].map(() => run(entry, [], env)));
    for (const r of together) expect(r, r.stderr).toMatchObject({ code: 0, stdout: 'third, four at once\n' });
    // Whichever build won, it is whole, and the next command runs it without building again.
    const winner = await currentBuild();
    expect(await builds()).toContain(winner);
    const before = await builds();
    expect((await run(entry, [], env)).stdout).toBe('third, four at once\n');
    expect(await currentBuild()).toBe(winner);
    expect(await builds()).toEqual(before);
  });
});
