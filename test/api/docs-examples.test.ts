// /docs cannot drift. Everything here is read from the OpenAPI document the service serves:
// - coverage: every /v1 and /admin operation documents each success answer with a schema that has
//   fields (CSV exports: text/csv) and an example, has an example for its request body, and
//   documents its error answers (400, 401, 404, 429 as they apply) with the shared Error schema;
//   the failure lists every operation that misses one, so a new route without examples fails;
// - every example in the document (request, response, field) validates against its own schema;
// - every request-body example is sent, as a vendor or operator would, in the test's own tenant
//   (ids in paths and bodies are the ones earlier examples created), and each answer must have a
//   documented 2xx status, validate against the documented schema and have the keys of the
//   documented example for that status.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_IDS } from '../../src/plugins/openapi-examples.js';
import { RESPONSE_EXAMPLES } from '../../src/routes/examples/index.js';
import { connectedVendor, createConnectContext, type ConnectContext } from '../connect/helpers.js';
import { ADMIN_TOKEN, bearer } from '../helpers/context.js';

type Json = Record<string, any>;
interface Operation {
  method: string;
  path: string;
  op: Json;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const ERROR_REF = '#/components/schemas/Error';
// An example can depend on another one's effect: connect's returnTo must be on the allow-list
// first, and disconnecting ends the connection the other examples use.
const FIRST = ['PUT /v1/lightspeed/return-to-allow-list'];
const LAST = ['POST /v1/lightspeed/disconnect'];

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where two bodies differ in their keys, recursively (arrays: their first elements). */
function shapeDifferences(example: unknown, actual: unknown, at = '$'): string[] {
  if (Array.isArray(example) && Array.isArray(actual))
    return example.length > 0 && actual.length > 0 ? shapeDifferences(example[0], actual[0], `${at}[0]`) : [];
  if (!isObject(example) || !isObject(actual)) return [];
  const keys = new Set([...Object.keys(example), ...Object.keys(actual)]);
  return [...keys].flatMap((key) => {
    if (!(key in actual)) return [`${at}.${key}: in the example, not in the answer`];
    if (!(key in example)) return [`${at}.${key}: in the answer, not in the example`];
    return shapeDifferences(example[key], actual[key], `${at}.${key}`);
  });
}

// 14 requests, some to K-Series (the sandbox): about 7 s on a quiet machine, 20-30 s at a load of 50.
describe('OpenAPI document and its examples', { timeout: 90_000 }, () => {
  let c: ConnectContext;
  let doc: Json;
  let operations: Operation[];
  beforeAll(async () => {
    c = await createConnectContext();
    doc = (await c.ctx.app.inject({ method: 'GET', url: '/docs/json' })).json();
    operations = Object.entries<Json>(doc.paths).flatMap(([path, ops]) =>
      METHODS.filter((m) => ops[m]).map((m) => ({ method: m.toUpperCase(), path, op: ops[m] })),
    );
  });
  afterAll(async () => c?.close());

  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
  /** Validates a value against a schema of the document, its components there to resolve $refs. */
  function validate(schema: Json, value: unknown): string | null {
    // A component's own $id ("#/components/...") is no base URI; its $refs resolve from the root.
    const { $id: _id, ...own } = schema;
    const check = ajv.compile({ ...own, components: doc.components });
    return check(value) ? null : JSON.stringify(check.errors);
  }
  const resolve = (schema: Json): Json =>
    typeof schema?.$ref === 'string' ? resolve(doc.components.schemas[schema.$ref.split('/').pop()!]) : schema;
  const api = () => operations.filter((o) => o.path.startsWith('/v1/') || o.path.startsWith('/admin/'));

  it('documents every /v1 and /admin operation: fields, examples and errors', () => {
    const missing: string[] = [];
    for (const { method, path, op } of api()) {
      const where = `${method} ${path}`;
      const body = op.requestBody?.content?.['application/json'];
      if (body && body.example === undefined) missing.push(`${where}: no request example`);
      const responses = Object.entries<Json>(op.responses ?? {});
      if (!responses.some(([s]) => s.startsWith('2'))) missing.push(`${where}: no success answer`);
      for (const [status, response] of responses) {
        if (!status.startsWith('2') || status === '204') continue;
        const [type, media] = Object.entries<Json>(response.content ?? {})[0] ?? [];
        if (path.endsWith('.csv')) {
          if (type !== 'text/csv' || media?.schema?.type !== 'string') missing.push(`${where} ${status}: not text/csv`);
        } else if (type !== 'application/json' || resolve(media?.schema)?.type !== 'object')
          missing.push(`${where} ${status}: not a JSON object with fields`);
        if (media?.example === undefined) missing.push(`${where} ${status}: no example`);
      }
      const errors = ['401', '429'];
      if (op.parameters?.length || op.requestBody) errors.push('400');
      if (path.includes('{')) errors.push('404');
      for (const status of errors) if (!op.responses?.[status]) missing.push(`${where}: ${status} not documented`);
      for (const [status, response] of responses)
        if (status.startsWith('4') && response.content?.['application/json']?.schema?.$ref !== ERROR_REF)
          missing.push(`${where} ${status}: not the Error schema`);
    }
    expect(missing).toEqual([]);
    // Every response example belongs to a documented answer (none left behind by a changed route).
    const stale = Object.entries(RESPONSE_EXAMPLES).flatMap(([operation, byStatus]) => {
      const [method, path] = operation.split(' ') as [string, string];
      return Object.keys(byStatus)
        .filter((status) => !doc.paths[path]?.[method.toLowerCase()]?.responses?.[status])
        .map((status) => `${operation} ${status}`);
    });
    expect(stale).toEqual([]);
    expect(api().length).toBeGreaterThanOrEqual(60);
  });

  it('every example in the document validates against its own schema', () => {
    const invalid: string[] = [];
    let checked = 0;
    // Media examples (request and response bodies) against the media's schema; schema-level
    // examples (components, fields) against the schema that carries them.
    const visit = (node: unknown, at: string): void => {
      if (Array.isArray(node)) {
        node.forEach((n, i) => {
          visit(n, `${at}/${i}`);
        });
        return;
      }
      if (!isObject(node)) return;
      if (node.example !== undefined && (node.schema || node.type || node.$ref || node.anyOf || node.properties)) {
        checked++;
        const error = validate(node.schema ?? node, node.example);
        if (error) invalid.push(`${at}: ${error}`);
      }
      for (const [key, value] of Object.entries(node)) if (key !== 'example') visit(value, `${at}/${key}`);
    };
    visit(doc.paths, '#/paths');
    visit(doc.components, '#/components');
    expect(invalid).toEqual([]);
    expect(checked).toBeGreaterThan(60);
  });

  it('every request example, sent to the service, is answered as documented', async () => {
    const vendor = await connectedVendor(c.ctx, 'Docs vendor');
    const key = (o: Operation) => `${o.method} ${o.path}`;
    const rank = (o: Operation) => (FIRST.includes(key(o)) ? 0 : LAST.includes(key(o)) ? 2 : 1);
    const withExamples = operations
      .filter((o) => o.op.requestBody?.content?.['application/json']?.example !== undefined)
      .sort((a, b) => rank(a) - rank(b));
    expect(withExamples.map(key)).toEqual(expect.arrayContaining([...FIRST, ...LAST, 'POST /v1/orders']));
    // What earlier examples created, by the collection they were posted to: `{locationId}` in
    // /v1/locations/{locationId}/items is the id POST /v1/locations answered.
    const created: Record<string, string> = { '/admin/vendors': vendor.id };
    const replaced: string[] = [];
    for (const o of withExamples) {
      const where = key(o);
      const url = o.path.replace(/\{(\w+)\}/g, (match, _name: string, offset: number) => {
        const collection = o.path.slice(0, offset - 1);
        const id = created[collection];
        expect(id, `${where}: nothing created at ${collection} yet`).toBeDefined();
        return id ?? match;
      });
      const example = o.op.requestBody.content['application/json'].example;
      const exampleJson = JSON.stringify(example);
      const realLocation = created['/v1/locations'] ?? EXAMPLE_IDS.locationId;
      if (exampleJson.includes(EXAMPLE_IDS.locationId)) replaced.push(where);
      const res = await c.ctx.app.inject({
        method: o.method as 'POST',
        url,
        headers: bearer(o.path.startsWith('/admin') ? ADMIN_TOKEN : vendor.apiKey),
        payload: JSON.parse(exampleJson.replaceAll(EXAMPLE_IDS.locationId, realLocation)),
      });
      const answer = `${where}: ${res.statusCode} ${res.body.slice(0, 2000)}`;
      expect(res.statusCode, answer).toBeGreaterThanOrEqual(200);
      expect(res.statusCode, answer).toBeLessThan(300);
      const documented = o.op.responses[String(res.statusCode)];
      expect(documented, answer).toBeDefined();
      if (res.statusCode === 204) continue;
      const media = documented.content['application/json'];
      const body = res.json();
      expect(validate(media.schema, body), answer).toBeNull();
      expect(shapeDifferences(media.example, body), answer).toEqual([]);
      const id = body.id ?? body.data?.id;
      if (o.method === 'POST' && id !== undefined) created[o.path] = String(id);
    }
    expect(replaced).toContain('POST /v1/orders');
    expect(Object.keys(created)).toEqual(
      expect.arrayContaining(['/v1/locations', '/v1/locations/{locationId}/items', '/admin/vendors']),
    );
  });
});
