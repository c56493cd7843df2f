// Loads Lightspeed's published OpenAPI descriptions (spec/kseries/openapi) and validates
// sandbox responses and webhook payloads against them with Ajv (JSON Schema 2020-12, which
// OpenAPI 3.1+/3.2 uses) and ajv-formats.
//
// Conversions: OpenAPI 3.0 leftovers (`nullable`, `example`, `discriminator`) are normalised, and
// refs are made absolute. Objects are *closed* (`unevaluatedProperties: false`) so a misspelt or
// invented field fails the check too; allOf members are inlined open so composition still works.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import { parse } from 'yaml';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const OPENAPI_DIR = path.resolve(repoRoot, 'spec/kseries/openapi');

export const SPEC_FILES = {
  orders: 'lightspeed-order-and-pay-api-openapi.yml',
  webhooks: 'lightspeed-order-and-pay-webhook-api-openapi.yml',
  financial: 'lightspeed-financial-api-openapi.yml',
  items: 'lightspeed-items-api-openapi.yml',
  rich: 'lightspeed-rich-item-api-openapi.yml',
} as const;
export type SpecName = keyof typeof SPEC_FILES;

type Json = Record<string, unknown>;
type Doc = {
  paths: Record<string, Record<string, Json>>;
  components?: { schemas?: Record<string, Json> };
  webhooks?: Record<string, Record<string, Json>>;
};

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const DROP = new Set(['example', 'discriminator', 'xml', 'externalDocs']);

/** Fields Lightspeed's own examples send but the schemas do not declare (documented in the README). */
export const UNDECLARED_BUT_DOCUMENTED: Record<string, string[]> = {
  'apeOrder notification': ['ikentooAccountId'],
  'apePayment notification': ['ikentooAccountId'],
};

const addFormats = addFormatsImport as unknown as (ajv: Ajv2020) => Ajv2020;

export class OpenApiContracts {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly docs = new Map<SpecName, Doc>();
  private readonly cache = new Map<string, ValidateFunction>();

  constructor() {
    addFormats(this.ajv);
    for (const [name, file] of Object.entries(SPEC_FILES) as [SpecName, string][]) {
      const doc = parse(readFileSync(path.join(OPENAPI_DIR, file), 'utf8')) as Doc;
      this.docs.set(name, doc);
      const defs: Json = {};
      for (const [key, schema] of Object.entries(doc.components?.schemas ?? {}))
        defs[key] = this.convert(name, schema, true);
      this.ajv.addSchema({ $id: this.id(name), $defs: defs });
    }
  }

  /** Every documented operation, as "METHOD /path". */
  operations(name: SpecName): string[] {
    const doc = this.docs.get(name)!;
    return Object.entries(doc.paths).flatMap(([p, item]) =>
      Object.keys(item)
        .filter((m) => HTTP_METHODS.includes(m))
        .map((m) => `${m.toUpperCase()} ${p}`),
    );
  }

  /** Every documented non-2xx answer, as "METHOD /path STATUS". */
  errorResponses(name: SpecName): string[] {
    const doc = this.docs.get(name)!;
    return Object.entries(doc.paths).flatMap(([p, item]) =>
      Object.entries(item)
        .filter(([m]) => HTTP_METHODS.includes(m))
        .flatMap(([m, op]) =>
          Object.keys((op.responses as Json | undefined) ?? {})
            .filter((status) => /^[45]\d\d$/.test(status))
            .map((status) => `${m.toUpperCase()} ${p} ${status}`),
        ),
    );
  }

  /** The JSON request body schema of an operation, or undefined when it takes none. */
  requestBodySchema(name: SpecName, method: string, specPath: string): Json | undefined {
    const op = this.docs.get(name)!.paths[specPath]?.[method.toLowerCase()] as Json | undefined;
    const content = (op?.requestBody as Json | undefined)?.content as Record<string, { schema?: Json }> | undefined;
    return content?.['application/json']?.schema;
  }

  /** The response schema of an operation, or undefined when the spec documents no body for it. */
  responseSchema(name: SpecName, method: string, specPath: string, status: number): Json | undefined | null {
    const op = this.docs.get(name)!.paths[specPath]?.[method.toLowerCase()] as Json | undefined;
    if (!op) throw new Error(`${name}: no operation ${method} ${specPath}`);
    const response = (op.responses as Record<string, Json>)[String(status)];
    if (!response) return null; // status not documented at all
    const content = response.content as Record<string, { schema?: Json }> | undefined;
    return content ? Object.values(content)[0]?.schema : undefined;
  }

  validator(
    name: SpecName,
    key: string,
    schema: Json,
    opts: { open?: boolean; extraProps?: string[] } = {},
  ): ValidateFunction {
    const cacheKey = `${name}|${key}|${opts.open ? 'open' : 'closed'}`;
    let fn = this.cache.get(cacheKey);
    if (!fn) {
      const withExtras = opts.extraProps?.length
        ? {
            ...schema,
            properties: {
              ...((schema.properties as Json | undefined) ?? {}),
              ...Object.fromEntries(opts.extraProps.map((p) => [p, {}])),
            },
          }
        : schema;
      fn = this.ajv.compile(this.convert(name, withExtras, !opts.open));
      this.cache.set(cacheKey, fn);
    }
    return fn;
  }

  webhookSchema(name: string): Json {
    const hook = this.docs.get('orders')!.webhooks?.[name];
    const schema = (
      (hook?.post?.requestBody as Json | undefined)?.content as Record<string, { schema: Json }> | undefined
    )?.['application/json']?.schema;
    if (!schema) throw new Error(`no webhook schema ${name}`);
    return schema;
  }

  private id(name: SpecName): string {
    return `https://kseries.openapi.test/${name}`;
  }

  /** Normalises one schema node. `close` adds unevaluatedProperties:false to this node. */
  private convert(name: SpecName, node: unknown, close: boolean, depth = 0): Json {
    if (depth > 60) throw new Error('schema too deep');
    if (Array.isArray(node) || typeof node !== 'object' || node === null) return node as Json;
    const src = node as Json;
    const out: Json = {};
    for (const [k, v] of Object.entries(src)) {
      if (DROP.has(k) || k === 'nullable') continue;
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
        out.$ref = `${this.id(name)}#/$defs/${v.slice('#/components/schemas/'.length)}`;
      } else if (k === 'allOf' && Array.isArray(v)) {
        // Members are inlined and left open: the holder (this node) closes the union of their properties.
        out.allOf = v.map((member: Json) => this.convert(name, this.inline(name, member), false, depth + 1));
      } else if (k === 'properties' && v && typeof v === 'object') {
        out.properties = Object.fromEntries(
          Object.entries(v).map(([p, s]) => [p, this.convert(name, s, true, depth + 1)]),
        );
      } else if (['items', 'additionalProperties', 'not'].includes(k) && v && typeof v === 'object') {
        out[k] = this.convert(name, v, true, depth + 1);
      } else if ((k === 'oneOf' || k === 'anyOf') && Array.isArray(v)) {
        out[k] = v.map((s) => this.convert(name, s, true, depth + 1));
      } else {
        out[k] = v;
      }
    }
    if (src.nullable === true) {
      if (typeof out.type === 'string') out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    }
    const hasProps = out.properties && Object.keys(out.properties as Json).length > 0;
    if (close && (hasProps || out.allOf) && out.additionalProperties === undefined) out.unevaluatedProperties = false;
    return out;
  }

  /** Replaces a same-file component $ref with the component itself (so it can be left open). */
  private inline(name: SpecName, member: Json): Json {
    const ref = member.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/components/schemas/')) return member;
    const target = this.docs.get(name)!.components?.schemas?.[ref.slice('#/components/schemas/'.length)];
    if (!target) throw new Error(`${name}: dangling ${ref}`);
    const { $ref: _ignored, ...siblings } = member;
    return { ...target, ...siblings };
  }
}

export function describeErrors(fn: ValidateFunction): string {
  return (fn.errors ?? [])
    .map((e) => `${e.instancePath || '(root)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`)
    .join('\n');
}
