// The shape of src/, read from its import statements: layers only point down, there are no import
// circles, the sandbox stands alone, and routes never touch the database themselves.
// Layers (lowest first): lib, config < db, queues < integrations/lightspeed (the K-Series adapter)
// < services < routes, webhooks, jobs, cli, plugins < app.ts and the entry points.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(SRC, path)] : [];
  });
}

// Every relative import, type-only ones included: a type import still says which way a layer
// points. Dynamic import() counts too.
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s*'(\.{1,2}\/[^']+)'|import\(\s*'(\.{1,2}\/[^']+)'\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const targets: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2];
    if (!spec) continue;
    const target = relative(SRC, resolve(dirname(join(SRC, file)), spec)).replace(/\.js$/, '.ts');
    if (!target.startsWith('..')) targets.push(target);
  }
  return targets;
}

/** The layer a file belongs to; null for the sandbox, which stands apart. */
function layerOf(file: string): { name: string; rank: number } | null {
  const top = file.split('/')[0] ?? file;
  if (top === 'sandbox') return null;
  if (top === 'lib' || top === 'config.ts' || top === 'generated') return { name: 'lib', rank: 0 };
  if (top === 'db' || top === 'queues') return { name: top, rank: 1 };
  if (file.startsWith('integrations/lightspeed/')) return { name: 'integrations/lightspeed', rank: 2 };
  if (top === 'services') return { name: 'services', rank: 3 };
  if (['routes', 'webhooks', 'jobs', 'cli', 'plugins'].includes(top)) return { name: top, rank: 4 };
  if (['app.ts', 'server.ts', 'worker.ts', 'dev.ts', 'dev-vendor.ts'].includes(top))
    return { name: 'entry points', rank: 5 };
  throw new Error(`${file}: no layer; add its folder to test/architecture.test.ts and the README`);
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((file) => [file, importsOf(file)]));

// Import circles we know of. None today: any new one fails the test below.
const KNOWN_CIRCLES: string[][] = [];

/** Strongly connected components with more than one file (Tarjan), each sorted. */
function circles(): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string) => {
    indexOf.set(file, index);
    low.set(file, index);
    index++;
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (!indexOf.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file) as number, indexOf.get(next) as number));
      }
    }
    if (low.get(file) === indexOf.get(file)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const file of files) if (!indexOf.has(file)) visit(file);
  return found;
}

describe('architecture of src/', () => {
  it('finds the source files and their imports (the reader itself works)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(graph.get('app.ts')).toContain('config.ts');
  });

  it('resolves every relative import to a file that exists', () => {
    const missing = [...graph].flatMap(([file, targets]) =>
      targets.filter((t) => !graph.has(t) && !t.startsWith('generated/')).map((t) => `${file} -> ${t}`),
    );
    expect(missing).toEqual([]);
  });

  it('imports only from the same or a lower layer', () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      const from = layerOf(file);
      for (const target of targets) {
        const to = layerOf(target);
        if (from === null || to === null) continue;
        if (to.rank > from.rank) upward.push(`${file} (${from.name}) -> ${target} (${to.name})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('keeps the sandbox apart: it imports only itself and lib, and only entry points import it', () => {
    const crossings: string[] = [];
    for (const [file, targets] of graph) {
      const inSandbox = file.startsWith('sandbox/');
      for (const target of targets) {
        const toSandbox = target.startsWith('sandbox/');
        if (inSandbox && !toSandbox && !target.startsWith('lib/')) crossings.push(`${file} -> ${target}`);
        if (!inSandbox && toSandbox && layerOf(file)?.name !== 'entry points') crossings.push(`${file} -> ${target}`);
      }
    }
    expect(crossings).toEqual([]);
  });

  it('keeps the K-Series adapter self-contained: it imports only itself and lib (config comes in as its own interfaces)', () => {
    const outside = [...graph].flatMap(([file, targets]) =>
      file.startsWith('integrations/lightspeed/')
        ? targets
            .filter((t) => !t.startsWith('integrations/lightspeed/') && !t.startsWith('lib/'))
            .map((t) => `${file} -> ${t}`)
        : [],
    );
    expect(outside).toEqual([]);
  });

  it('has no import circles beyond the known, documented ones', () => {
    const key = (circle: string[]) => circle.join(' <-> ');
    const found = circles().map(key).sort();
    expect(found).toEqual(KNOWN_CIRCLES.map(key).sort());
  });

  it('keeps the database out of src/routes/', () => {
    // Enums from the generated client are plain values and may be used; the client itself may not.
    const DB_USE =
      /\.prisma\b|prisma\.|\$queryRaw|\$executeRaw|\bpoolOf\b|\bPrisma\.|\/db\/|generated\/prisma\/client|\bsql`|\.query\(/;
    const offenders = files
      .filter((file) => file.startsWith('routes/'))
      .flatMap((file) =>
        readFileSync(join(SRC, file), 'utf8')
          .split('\n')
          .map((line, i) => ({ line: line.replace(/\/\/.*$/, ''), at: `${file}:${i + 1}` }))
          .filter(({ line }) => DB_USE.test(line))
          .map(({ at, line }) => `${at}: ${line.trim()}`),
      );
    expect(offenders).toEqual([]);
  });
});
