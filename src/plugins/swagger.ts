// OpenAPI generated from the route schemas, served at /docs. After the zod schemas become JSON
// Schema, one pass finishes the document: responses that are not JSON (CSV exports, HTML pages)
// get their real media type (a route marks its schema with `x-media-type`), and each route that
// takes a body gets its request example from ./openapi-examples.ts, each answer its example from
// src/routes/examples/.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { RESPONSE_EXAMPLES } from '../routes/examples/index.js';
import { REQUEST_EXAMPLES } from './openapi-examples.js';

type Json = Record<string, unknown>;
interface MediaType {
  schema?: Json;
  example?: unknown;
}
interface Operation {
  requestBody?: { content?: Record<string, MediaType> };
  responses?: Record<string, { content?: Record<string, MediaType> }>;
}

/** Moves a response marked `x-media-type` from application/json to its own media type. */
function mediaTypes(op: Operation): void {
  for (const response of Object.values(op.responses ?? {})) {
    const json = response.content?.['application/json'];
    const type = json?.schema?.['x-media-type'];
    if (typeof type !== 'string' || !json?.schema) continue;
    const { 'x-media-type': _type, ...schema } = json.schema;
    response.content = { [type]: { schema, ...(schema.example === undefined ? {} : { example: schema.example }) } };
  }
}

/** Puts each documented answer's example beside its schema (JSON or CSV alike). */
function responseExamples(op: Operation, examples: Partial<Record<number, unknown>>): void {
  for (const [status, response] of Object.entries(op.responses ?? {})) {
    const media = Object.values(response.content ?? {})[0];
    const example = examples[Number(status)];
    if (media && example !== undefined) media.example = example;
  }
}

export function finishDocument<T extends { paths?: Record<string, Record<string, unknown>> }>(doc: T): T {
  for (const [path, operations] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(operations as Record<string, Operation>)) {
      mediaTypes(op);
      const example = REQUEST_EXAMPLES.find((e) => e.path === path && e.method === method.toUpperCase());
      const media = op.requestBody?.content?.['application/json'];
      if (example && media) media.example = example.body;
      responseExamples(op, RESPONSE_EXAMPLES[`${method.toUpperCase()} ${path}`] ?? {});
    }
  }
  return doc;
}

export default fp<{ publicUrl: string }>(
  async (app, opts) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Lightspeed K-Series ordering integration',
          description:
            'Vendor API (bearer vendor API key) under /v1, admin API (bearer ADMIN_TOKEN) under /admin. Every error ' +
            'answers `{"error":{"code","message","details?"},"requestId"}` (the Error schema); money is exact, as ' +
            'decimal strings ("25.50") in what we answer.',
          version: '0.1.0',
        },
        servers: [{ url: opts.publicUrl }],
        components: {
          securitySchemes: {
            vendorApiKey: { type: 'http', scheme: 'bearer', description: 'Vendor API key (lsk_...)' },
            adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' },
          },
        },
      },
      transform: jsonSchemaTransform,
      // Schemas registered with .meta({ id }) become components the paths refer to.
      transformObject: (input) => finishDocument(jsonSchemaTransformObject(input) as never),
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'swagger' },
);
