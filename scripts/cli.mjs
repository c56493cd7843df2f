// Runs the operator CLI (src/cli/index.ts) from a JavaScript bundle that esbuild builds on first
// use and builds again whenever a file in it has changed. Why: through tsx's loader every command
// paid ~0.5 s to compile and load ~100 TypeScript modules; the bundle loads in a few milliseconds
// and a read command answers in well under a second (issue 17). `./cli` and `npm run cli` run this.
//
// The bundle lives in node_modules/.cache/kseries-cli/<build>/; manifest.json names the current
// build and the size and mtime of every source file in it. A command whose sources all match
// runs that build; otherwise it builds a new one into a directory of its own and then replaces
// the manifest by renaming a temporary file over it, so two commands starting together never
// see half a build: each runs the build it made or found whole.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';

// Prisma's query compiler is 4.5 MB of WebAssembly. By default V8 also recompiles its hot
// functions with its optimising compiler on other threads: worth it for the API, not for a
// process that runs a few queries. Measured: 0.78 -> 0.49 s of CPU for `vendors list`.
v8.setFlagsFromString('--liftoff-only');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = 'src/cli/index.ts';
const cacheDir = path.join(root, 'node_modules', '.cache', 'kseries-cli');
const manifestFile = path.join(cacheDir, 'manifest.json');
// Besides the bundled sources, what decides how they are built.
const BUILD_INPUTS = ['scripts/cli.mjs', 'tsconfig.json'];
// Builds older than this that are no longer current are deleted (a command still running one
// has long since loaded it).
const KEEP_OLD_BUILDS_MS = 60 * 60 * 1000;
const MTIME_TICK_MS = 20;

/** [mtime, size] of a file, or null if it is gone. */
function stamp(file) {
  try {
    const s = statSync(path.join(root, file));
    return [s.mtimeMs, s.size];
  } catch {
    return null;
  }
}

function currentBuild() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch {
    return null;
  }
  for (const [file, recorded] of Object.entries(manifest.inputs)) {
    const now = stamp(file);
    if (!now || now[0] !== recorded[0] || now[1] !== recorded[1]) return null;
  }
  const entry = path.join(cacheDir, manifest.build, 'index.js');
  return existsSync(entry) ? entry : null;
}

async function build() {
  const { build: esbuild } = await import('esbuild');
  mkdirSync(cacheDir, { recursive: true });
  const id = `build-${Date.now().toString(36)}-${process.pid}`;
  const startedAt = Date.now();
  const result = await esbuild({
    absWorkingDir: root,
    entryPoints: [ENTRY],
    outdir: path.join(cacheDir, id),
    bundle: true,
    splitting: true, // commands still load their services only when they run
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external', // node_modules is loaded as installed, never copied
    tsconfig: 'tsconfig.json',
    metafile: true,
    logLevel: 'error',
  });
  const inputs = {};
  for (const file of [...Object.keys(result.metafile.inputs), ...BUILD_INPUTS]) {
    const s = stamp(file);
    // A file changed while we built may not be in this build: record it so that it never matches
    // (with a margin: the kernel stamps files from a clock that lags by up to a tick).
    inputs[file] = s && s[0] < startedAt - MTIME_TICK_MS ? s : [-1, -1];
  }
  const temp = `${manifestFile}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify({ build: id, inputs }));
  renameSync(temp, manifestFile);
  pruneOldBuilds(id);
  return path.join(cacheDir, id, 'index.js');
}

function pruneOldBuilds(keep) {
  for (const name of readdirSync(cacheDir)) {
    if (!name.startsWith('build-') || name === keep) continue;
    const dir = path.join(cacheDir, name);
    try {
      if (Date.now() - statSync(dir).mtimeMs > KEEP_OLD_BUILDS_MS) rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another command pruned it first.
    }
  }
}

const CANNOT_WRITE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC']);

let entry = currentBuild();
if (!entry) {
  try {
    entry = await build();
  } catch (err) {
    if (!CANNOT_WRITE.has(err?.code)) {
      process.stderr.write(`error: could not build the CLI from ${ENTRY}: ${err?.message ?? err}\n`);
      process.exit(1);
    }
    // A read-only install (a container running as another user): run the sources through tsx,
    // as fast as the CLI was before it had a bundle.
    const { register } = await import('tsx/esm/api');
    register();
    entry = path.join(root, ENTRY);
  }
}
await import(pathToFileURL(entry).href);
