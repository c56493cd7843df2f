// /docs cannot drift: every documented request example (src/plugins/openapi-examples.ts) is sent
// to the service, in order, as a vendor or operator would, and each answer must have a
// documented 2xx status and match the documented response schema. The document itself must
// describe every route's 2xx response with a real schema (fields, not a bare string) and the
// CSV exports as text/csv.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_IDS, REQUEST_EXAMPLES } from '../../src/plugins/openapi-examples.js';
import { connectedVendor, createConnectContext, type ConnectContext } from '../connect/helpers.js';
import { ADMIN_TOKEN, bearer } from '../helpers/context.js';

type Json = Record<string, any>;

// 14 requests, some to K-Series (the sandbox): about 7 s on a quiet machine, 20-30 s at a load of 50.
describe('OpenAPI document and its examples', { timeout: 90_000 }, () => {
  let c: ConnectContext;
  let doc: Json;
  beforeAll(async () => {
    c = await createConnectContext();
    await c.ctx.app.ready();
    doc = c.ctx.app.swagger() as Json;
  });
  afterAll(async () => c?.close());

  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
  /** The documented schema of one answer, with the document's components to resolve $refs. */
  function validator(schema: Json) {
    return ajv.compile({ ...schema, components: doc.components });
  }

  it('documents every 2xx answer with a schema that has fields, CSV as text/csv, JSON bodies with examples', () => {
    const bare: string[] = [];
    for (const [path, ops] of Object.entries<Json>(doc.paths)) {
      for (const [method, op] of Object.entries<Json>(ops)) {
        for (const [status, response] of Object.entries<Json>(op.responses ?? {})) {
          if (!status.startsWith('2') || status === '204') continue;
          const [type, media] = Object.entries<Json>(response.content ?? {})[0] ?? [];
          if (type === 'application/json' && media?.schema?.type === 'string') bare.push(`${method} ${path} ${status}`);
          if (path.endsWith('.csv')) expect(type, path).toBe('text/csv');
        }
        const body = op.requestBody?.content?.['application/json'];
        // Lightspeed's webhook is documented by Lightspeed (spec/kseries/openapi), not here.
        if (body && path !== '/webhook/lightspeed') expect(body.example, `${method} ${path}`).toBeDefined();
      }
    }
    expect(bare).toEqual([]);
    for (const status of ['400', '404'])
      expect(doc.paths['/v1/orders/{orderId}'].get.responses[status].content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/Error',
      });
  });

  it('every request example is accepted and answered as documented', async () => {
    const vendor = await connectedVendor(c.ctx, 'Docs vendor');
    const ids: Record<string, string> = { vendorId: vendor.id };
    for (const example of REQUEST_EXAMPLES) {
      const url = example.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        expect(ids[name], `${example.path}: no ${name} yet`).toBeDefined();
        return ids[name]!;
      });
      const payload = JSON.parse(
        JSON.stringify(example.body).replaceAll(EXAMPLE_IDS.locationId, ids.locationId ?? EXAMPLE_IDS.locationId),
      );
      const res = await c.ctx.app.inject({
        method: example.method,
        url,
        headers: bearer(example.path.startsWith('/admin') ? ADMIN_TOKEN : vendor.apiKey),
        payload,
      });
      const where = `${example.method} ${example.path}: ${res.statusCode} ${res.body}`;
      const op = doc.paths[example.path]?.[example.method.toLowerCase()];
      expect(op, where).toBeDefined();
      expect(op.requestBody.content['application/json'].example, where).toEqual(example.body);
      expect(res.statusCode, where).toBeGreaterThanOrEqual(200);
      expect(res.statusCode, where).toBeLessThan(300);
      const documented = op.responses[String(res.statusCode)];
      expect(documented, where).toBeDefined();
      const schema = documented.content?.['application/json']?.schema;
      if (schema) {
        const validate = validator(schema);
        expect(validate(res.json()), `${where}\n${JSON.stringify(validate.errors)}`).toBe(true);
      }
      // Later examples address what earlier ones created.
      const body = res.statusCode === 204 ? {} : res.json();
      if (example.path === '/v1/locations') ids.locationId = body.id;
      if (example.path === '/v1/locations/{locationId}/items') ids.itemId = String(body.data.id);
    }
    expect(ids.locationId).toBeDefined();
    expect(ids.itemId).toBeDefined();
  });
});
