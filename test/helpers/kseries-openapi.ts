// Lightspeed's OpenAPI files as a request checker: find the operation a request addresses, and
// check its required query parameters and JSON body (ajv, JSON Schema 2020-12 as OpenAPI 3.2 uses).
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { loadOpenApi } from './openapi.js';

export const API_FILES = [
  'lightspeed-order-and-pay-api-openapi.yml',
  'lightspeed-order-and-pay-webhook-api-openapi.yml',
  'lightspeed-financial-api-openapi.yml',
  'lightspeed-items-api-openapi.yml',
  'lightspeed-rich-item-api-openapi.yml',
] as const;

export interface SpecOperation {
  id: string;
  /** The API file that documents it. */
  file: (typeof API_FILES)[number];
  method: string;
  template: string;
  /** Problems with a request to this operation (empty when it conforms). */
  check(query: URLSearchParams, body: string | undefined): string[];
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

/** The JSON values a query string value may stand for ("12" -> "12" or 12, "true" -> true). */
function candidates(value: string): unknown[] {
  const out: unknown[] = [value];
  if (value.trim() !== '' && !Number.isNaN(Number(value))) out.push(Number(value));
  if (value === 'true' || value === 'false') out.push(value === 'true');
  return out;
}

/** `#/components/...` refs made absolute to the file, so one Ajv instance holds every spec. */
function absoluteRefs(node: unknown, file: string): unknown {
  if (Array.isArray(node)) return node.map((n) => absoluteRefs(n, file));
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `${file}${v}` : absoluteRefs(v, file),
    ]),
  );
}

export function loadSpecs() {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  const addFormats = addFormatsModule as unknown as (a: Ajv2020) => void;
  addFormats(ajv);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) <= 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addFormat('double', { type: 'number', validate: () => true });

  const operations: SpecOperation[] = [];
  for (const file of API_FILES) {
    const doc = loadOpenApi(file);
    ajv.addSchema({ $id: file, components: absoluteRefs(doc.components ?? {}, file) });
    const parameters = (doc.components?.parameters ?? {}) as Record<string, any>;
    for (const [template, item] of Object.entries<any>(doc.paths ?? {})) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        const params = ([...(item.parameters ?? []), ...(op.parameters ?? [])] as any[]).map((p) =>
          p.$ref ? parameters[String(p.$ref).split('/').pop() as string] : p,
        );
        const requiredQuery = params.filter((p) => p?.in === 'query' && p.required).map((p) => p.name as string);
        // Every documented query parameter with a validator for one (string) value of it.
        const queryParams = new Map<string, { array: boolean; validate: ValidateFunction }>(
          params
            .filter((p) => p?.in === 'query')
            .map((p) => {
              const schema = absoluteRefs(p.schema ?? {}, file) as Record<string, any>;
              const array = schema.type === 'array';
              return [p.name as string, { array, validate: ajv.compile(array ? (schema.items ?? {}) : schema) }];
            }),
        );
        const content = op.requestBody?.content ?? {};
        const jsonSchema = content['application/json']?.schema;
        let validate: ValidateFunction | undefined;
        if (jsonSchema) validate = ajv.compile(absoluteRefs(jsonSchema, file) as object);
        const id = `${method.toUpperCase()} ${template}`;
        operations.push({
          id,
          method: method.toUpperCase(),
          template,
          file,
          check(query, body) {
            const problems = requiredQuery
              .filter((name) => !query.has(name))
              .map((name) => `required query parameter "${name}" missing`);
            for (const name of new Set(query.keys())) {
              const param = queryParams.get(name);
              if (!param) {
                problems.push(`query parameter "${name}" is not documented`);
                continue;
              }
              const raw = query.getAll(name);
              const values = param.array ? raw.flatMap((v) => v.split(',')) : raw;
              if (!param.array && values.length > 1) problems.push(`query parameter "${name}" repeated`);
              for (const value of values) {
                if (!candidates(value).some((v) => param.validate(v)))
                  problems.push(`query parameter "${name}"=${value}: ${param.validate.errors?.[0]?.message ?? ''}`);
              }
            }
            if (body !== undefined && !validate) problems.push('sends a JSON body the operation does not take');
            if (validate && body === undefined && op.requestBody?.required !== false)
              problems.push('request body missing');
            if (validate && body !== undefined && !validate(JSON.parse(body))) {
              problems.push(...(validate.errors ?? []).map((e) => `body${e.instancePath} ${e.message ?? ''}`));
            }
            return problems;
          },
        });
      }
    }
  }

  // Literal segments beat parameters: /i/richItem/{businessId}/pictureSpec before /{sku}.
  const compiled = operations.map((op) => ({
    op,
    params: (op.template.match(/\{/g) ?? []).length,
    regex: new RegExp(`^${op.template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));
  return {
    operations,
    match(method: string, pathname: string): SpecOperation | undefined {
      return compiled
        .filter((c) => c.op.method === method.toUpperCase() && c.regex.test(pathname))
        .sort((a, b) => a.params - b.params)[0]?.op;
    },
  };
}
