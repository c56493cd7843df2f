// Generates hostile requests from our own OpenAPI document (/docs/json): for every operation,
// every parameter (path, query, header) and every body field, a set of values no client should
// send -- NUL characters, lone surrogates, huge strings, wrong types, negative and huge numbers,
// impossible dates, arrays where scalars go, repeated parameters -- plus whole-body attacks.
// The generator knows nothing about the routes beyond the document.
type Schema = Record<string, any>;
type Doc = { paths: Record<string, Record<string, any>>; components?: { schemas?: Record<string, Schema> } };

export interface HostileRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
  /** What was made hostile, for the failure report. */
  what: string;
}

/** Values for any field; strings that cannot be URI-encoded get a raw percent form in URLs. */
export const HOSTILE_VALUES: unknown[] = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  'x'.repeat(20_000),
  '',
  -5,
  1.5,
  1e12,
  1e308,
  -(2 ** 63) * 2,
  '99999999999999999999999999',
  true,
  null,
  [],
  ['a', 'b'],
  {},
  '0000-00-00',
  '9999-99-99',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '2026-02-30',
  "' OR 1=1 --",
  '../../etc/passwd',
  '%00',
];

/** Raw query strings for one parameter: repeated, encoded NUL, invalid UTF-8, very long. */
const RAW_QUERY_VALUES = (name: string) => [
  `${name}=a&${name}=b`,
  `${name}[]=a`,
  `${name}[x]=a`,
  `${name}=%00`,
  `${name}=%ED%A0%80`,
  `${name}=%FF%FE`,
  `${name}=%`,
  `${name}=${'y'.repeat(20_000)}`,
  Array.from({ length: 500 }, () => `${name}=z`).join('&'),
];

function resolve(doc: Doc, schema: Schema | undefined): Schema {
  let s = schema ?? {};
  for (let i = 0; i < 10 && typeof s.$ref === 'string'; i++) {
    const name = decodeURIComponent(s.$ref.split('/').pop()!);
    s = doc.components?.schemas?.[name] ?? {};
  }
  return s;
}

/** A plausible value for a schema, so one field at a time can be made hostile. */
function sample(doc: Doc, schema: Schema | undefined, ids: Record<string, string>, name = '', depth = 0): unknown {
  const s = resolve(doc, schema);
  if (depth > 6) return null;
  if (s.example !== undefined) return s.example;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if (s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  const options = s.anyOf ?? s.oneOf;
  if (Array.isArray(options)) {
    const first = options.map((o: Schema) => resolve(doc, o)).find((o: Schema) => o.type !== 'null') ?? options[0];
    return sample(doc, first, ids, name, depth + 1);
  }
  if (Array.isArray(s.allOf)) return sample(doc, s.allOf[0], ids, name, depth + 1);
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) out[key] = sample(doc, s.properties?.[key], ids, key, depth + 1);
      return out;
    }
    case 'array':
      return [sample(doc, s.items, ids, name, depth + 1)];
    case 'integer':
      return Math.max(1, s.minimum ?? 1);
    case 'number':
      return Math.max(1, s.minimum ?? 1);
    case 'boolean':
      return true;
    case 'string':
      if (s.format === 'uuid') return ids[name] ?? '00000000-0000-4000-8000-000000000000';
      if (s.format === 'date-time') return '2026-01-01T12:00:00.000Z';
      if (s.format === 'date') return '2026-01-01';
      if (s.format === 'uri' || s.format === 'url') return 'https://example.com/x';
      if (s.format === 'email') return 'a@example.com';
      return 'x'.repeat(Math.max(1, Math.min(s.minLength ?? 1, 64)));
    default:
      return 'x';
  }
}

/** Paths of every field of a sample body (to depth 3), each as a list of keys/indexes. */
function fieldPaths(value: unknown, prefix: (string | number)[] = [], depth = 0): (string | number)[][] {
  if (depth >= 3 || value === null || typeof value !== 'object') return [];
  const out: (string | number)[][] = [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  for (const [key, child] of entries) {
    out.push([...prefix, key]);
    out.push(...fieldPaths(child, [...prefix, key], depth + 1));
  }
  return out;
}

function withField(body: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let target = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  target[path.at(-1)!] = value;
  return copy;
}

function queryPair(name: string, value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  try {
    return `${encodeURIComponent(name)}=${encodeURIComponent(text)}`;
  } catch {
    // A lone surrogate cannot be encoded as UTF-8: send its (invalid) UTF-8 bytes raw.
    return `${encodeURIComponent(name)}=%ED%A0%80`;
  }
}

function pathSegment(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

export function hostileRequests(
  doc: Doc,
  options: { auth: (path: string) => Record<string, string>; ids: Record<string, string> },
): HostileRequest[] {
  const out: HostileRequest[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    if (path.startsWith('/docs')) continue;
    for (const [method, op] of Object.entries<any>(operations)) {
      const params: Schema[] = op.parameters ?? [];
      const base: Record<string, Record<string, unknown>> = { path: {}, query: {}, header: {} };
      for (const p of params) {
        if (!(p.in in base)) continue;
        if (p.in === 'query' && !p.required) continue;
        base[p.in]![p.name] = sample(doc, p.schema, options.ids, p.name);
      }
      for (const p of params.filter((x) => x.in === 'path')) {
        base.path![p.name] = options.ids[p.name] ?? sample(doc, p.schema, options.ids, p.name);
      }
      const bodySchema = op.requestBody?.content?.['application/json']?.schema;
      const baseBody = bodySchema ? sample(doc, bodySchema, options.ids) : undefined;

      const build = (
        what: string,
        change: { path?: Record<string, string>; query?: string[]; header?: Record<string, string>; body?: string },
      ): HostileRequest => {
        const pathValues = { ...base.path, ...change.path };
        const url = path.replace(/\{([^}]+)\}/g, (_m, name: string) =>
          change.path?.[name] !== undefined ? change.path[name]! : pathSegment(pathValues[name]),
        );
        const query = change.query ?? Object.entries(base.query!).map(([k, v]) => queryPair(k, v));
        const headers: Record<string, string> = { ...options.auth(path) };
        for (const [k, v] of Object.entries(base.header!)) headers[k] = String(v);
        Object.assign(headers, change.header);
        const payload = change.body ?? (baseBody === undefined ? undefined : JSON.stringify(baseBody));
        if (payload !== undefined) headers['content-type'] = 'application/json';
        return {
          method: method.toUpperCase(),
          url: query.length > 0 ? `${url}?${query.join('&')}` : url,
          headers,
          ...(payload !== undefined ? { payload } : {}),
          what: `${method.toUpperCase()} ${path} ${what}`,
        };
      };

      for (const p of params) {
        for (const value of HOSTILE_VALUES) {
          const label = `${p.in} ${p.name}=${JSON.stringify(value)?.slice(0, 40)}`;
          if (p.in === 'path') out.push(build(label, { path: { [p.name]: pathSegment(value) } }));
          if (p.in === 'query') {
            const others = Object.entries(base.query!)
              .filter(([k]) => k !== p.name)
              .map(([k, v]) => queryPair(k, v));
            out.push(build(label, { query: [...others, queryPair(p.name, value)] }));
          }
          if (p.in === 'header' && typeof value === 'string' && /^[\t\x20-\x7e]*$/.test(value)) {
            out.push(build(label, { header: { [p.name]: value } }));
          }
        }
        if (p.in === 'query') {
          for (const raw of RAW_QUERY_VALUES(p.name)) out.push(build(`query ${raw.slice(0, 40)}`, { query: [raw] }));
        }
      }
      if (baseBody !== undefined) {
        for (const field of fieldPaths(baseBody)) {
          for (const value of HOSTILE_VALUES) {
            out.push(
              build(`body.${field.join('.')}=${JSON.stringify(value)?.slice(0, 40)}`, {
                body: JSON.stringify(withField(baseBody, field, value)),
              }),
            );
          }
        }
        const whole: [string, string][] = [
          ['body=[]', '[]'],
          ['body="x"', '"x"'],
          ['body=null', 'null'],
          ['body=1e999', '1e999'],
          ['body with a NUL key', JSON.stringify({ ...(baseBody as object), 'k\u0000': 1 })],
          ['body with a lone-surrogate key', `{"\\ud800":1}`],
          ['body with escaped NUL', `{"name":"\\u0000"}`],
          ['deeply nested body', `${'['.repeat(5000)}${']'.repeat(5000)}`],
          ['deeply nested object', `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`],
          ['__proto__ body', '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}'],
          [
            'body of 10,000 keys',
            JSON.stringify(Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]))),
          ],
        ];
        for (const [what, body] of whole) out.push(build(what, { body }));
      }
      // Extra ids and traversal in the path itself.
      out.push(
        build('path with encoded slash', {
          path: Object.fromEntries(Object.keys(base.path!).map((k) => [k, '..%2F..%2Fadmin'])),
        }),
      );
    }
  }
  return out;
}
