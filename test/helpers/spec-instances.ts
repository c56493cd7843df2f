// Instances built from Lightspeed's OpenAPI schemas, for checking our parsers against the spec:
// the documented examples of an answer, and a minimal instance holding only what the schema
// requires (recursively; arrays empty unless minItems says otherwise).
import { loadOpenApi } from './openapi.js';

type Json = Record<string, any>;

export interface SpecAnswer {
  file: string;
  method: string;
  template: string;
  status: string;
  schema: Json | undefined;
  /** Named examples of the answer (response-level `example` / `examples`). */
  examples: { name: string; value: unknown }[];
}

const docs = new Map<string, Json>();
const doc = (file: string) => {
  let d = docs.get(file);
  if (!d) {
    d = loadOpenApi(file);
    docs.set(file, d);
  }
  return d;
};

function resolve(file: string, node: Json): Json {
  let n = node;
  for (let i = 0; i < 20 && typeof n?.$ref === 'string'; i++) {
    const parts = (n.$ref as string).replace(/^#\//, '').split('/');
    n = parts.reduce((o: Json, k) => o?.[k], doc(file));
  }
  return n ?? {};
}

/** The first 2xx answer of an operation with its schema and examples, or undefined. */
export function specAnswer(file: string, method: string, template: string): SpecAnswer | undefined {
  const op = doc(file).paths?.[template]?.[method.toLowerCase()];
  if (!op) return undefined;
  const [status, response] = (Object.entries(op.responses ?? {}) as [string, Json][]).find(([s]) =>
    s.startsWith('2'),
  ) ?? ['', undefined];
  if (!response) return undefined;
  const content = Object.values((resolve(file, response).content ?? {}) as Record<string, Json>)[0];
  const examples: { name: string; value: unknown }[] = [];
  if (content?.example !== undefined) examples.push({ name: 'example', value: content.example });
  for (const [name, ex] of Object.entries((content?.examples ?? {}) as Record<string, Json>))
    examples.push({ name, value: resolve(file, ex).value });
  return { file, method, template, status, schema: content?.schema, examples };
}

/** Only what the schema requires, recursively. */
export function minimalInstance(file: string, schema: Json | undefined, depth = 0): unknown {
  if (!schema || depth > 30) return {};
  const s = resolve(file, schema);
  if (s.allOf) {
    return Object.assign({}, ...(s.allOf as Json[]).map((m) => minimalInstance(file, m, depth + 1) as object));
  }
  if (s.oneOf || s.anyOf) return minimalInstance(file, (s.oneOf ?? s.anyOf)[0], depth + 1);
  if (s.enum) return s.enum[0];
  if (s.const !== undefined) return s.const;
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type;
  switch (type ?? (s.properties ? 'object' : s.items ? 'array' : undefined)) {
    case 'object': {
      const out: Json = {};
      for (const key of (s.required ?? []) as string[])
        out[key] = minimalInstance(file, s.properties?.[key] ?? {}, depth + 1);
      return out;
    }
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => minimalInstance(file, s.items, depth + 1));
    case 'string':
      return s.format === 'date-time' ? '2025-01-01T00:00:00Z' : s.format === 'date' ? '2025-01-01' : 'x';
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    default:
      return {};
  }
}
