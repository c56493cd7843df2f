// OpenAPI generated from the route schemas, served at /docs.
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

export default fp<{ publicUrl: string }>(
  async (app, opts) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Lightspeed K-Series ordering integration',
          description: 'Vendor API (bearer vendor API key) under /v1, admin API (bearer ADMIN_TOKEN) under /admin.',
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
      transformObject: jsonSchemaTransformObject,
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'swagger' },
);
