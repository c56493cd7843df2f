// POST /webhook/lightspeed: authenticate, store the raw event durably, acknowledge, and leave
// the processing to the process-webhook job. Storing comes before the 2xx: an acknowledged
// event is never lost (see ./store-events.ts for batching and enqueueing, ./deferred.ts for
// Postgres outages).
import { hash } from 'node:crypto';
import { type FastifyPluginAsyncZod, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { UnauthorizedError } from '../lib/errors.js';
import { uuid7 } from '../lib/uuid7.js';
import { errorResponses } from '../routes/schemas.js';
import { classifyWebhook } from './classify.js';
import { configuredPairs, matchesBasic, parseBasic } from './credentials.js';
import { createDeferredStore, startDrainer } from './deferred.js';
import { lazyChildLogger } from './request-logger.js';
import { storableBody } from './storable.js';
import { createEventWriter, createWebhookIngest } from './store-events.js';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
    /** The vendor whose endpoint id authenticated the call, when that is how it was authenticated. */
    webhookVendorId?: string | null;
  }
}

const WEBHOOK_BODY_LIMIT = 512 * 1024;

/** What the zod compilers take: Fastify hands a route's compiler one part's schema, typed as the whole route's. */
type ZodRouteSchema = Parameters<typeof validatorCompiler>[0] & Parameters<typeof serializerCompiler>[0];

const webhookRoutes: FastifyPluginAsyncZod = async (app) => {
  const pairs = configuredPairs(app.config);
  const deferredKey = app.redisKey('webhooks', 'deferred');
  const deferred = createDeferredStore(app.redis, deferredKey);
  const ingest = createWebhookIngest({ prisma: app.prisma, queues: app.queues, log: app.log, deferred });
  const writer = createEventWriter({ prisma: app.prisma, queues: app.queues, log: app.log });
  const drainer = startDrainer({
    redis: app.redis,
    key: deferredKey,
    insert: writer.insertIsolated,
    log: app.log,
    intervalMs: 1_000,
  });
  app.addHook('onClose', async () => drainer.stop());

  // The hottest route: per request, no logger unless something is logged (./request-logger.ts),
  // and at the default info level no "incoming request" / "request completed" / "stored" lines
  // either: each stored batch logs one line with its request ids, and a webhook that is refused
  // or fails logs its own warning (below, and where it fails). LOG_LEVEL=debug brings them back.
  app.setChildLoggerFactory(lazyChildLogger);
  const perRequestLevel = app.log.level === 'info' ? 'warn' : undefined;
  if (perRequestLevel) {
    // Fastify's own "request completed" line, for the requests that were not acknowledged.
    app.addHook('onResponse', (request, reply, done) => {
      if (reply.statusCode >= 400) {
        request.log.warn(
          { req: request, statusCode: reply.statusCode, responseTime: reply.elapsedTime },
          'webhook not acknowledged',
        );
      }
      done();
    });
  }

  // Keep the raw text: its hash is the dedupe key (Lightspeed sends no event id).
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: WEBHOOK_BODY_LIMIT },
    (request, body, done) => {
      request.rawBody = body as string;
      try {
        done(null, JSON.parse(body as string));
      } catch {
        const err = new Error('Body is not valid JSON') as Error & { statusCode: number; code: string };
        err.statusCode = 400;
        err.code = 'FST_ERR_CTP_INVALID_JSON_BODY';
        done(err, undefined);
      }
    },
  );

  /** Basic Auth first; the endpoint id is the fallback. Returns the vendor when known. */
  async function authenticate(
    authorization: string | undefined,
    endpoint: string | undefined,
  ): Promise<{ vendorId: string | null }> {
    if (matchesBasic(parseBasic(authorization), pairs)) return { vendorId: null };
    if (endpoint) {
      const connection = await app.prisma.lightspeedConnection.findUnique({
        where: { webhookEndpointId: endpoint },
        select: { vendorId: true },
      });
      if (connection) return { vendorId: connection.vendorId };
    }
    throw new UnauthorizedError('Webhook credentials are missing or wrong');
  }

  app.post('/webhook/lightspeed', {
    logLevel: perRequestLevel,
    // The body is any JSON (its schema, z.unknown(), is for the docs) and the 200 answer is built
    // below from our own values: neither needs a zod pass per webhook. The query and the error
    // answers keep theirs.
    validatorCompiler: (route) =>
      route.httpPart === 'body' ? (body) => ({ value: body }) : validatorCompiler(route as unknown as ZodRouteSchema),
    serializerCompiler: (route) =>
      route.httpStatus === '200'
        ? (data) => JSON.stringify(data)
        : serializerCompiler(route as unknown as ZodRouteSchema),
    // Authenticate before the body is parsed: an unauthenticated caller cannot make us store anything.
    onRequest: async (request, reply) => {
      try {
        const endpoint = (request.query as { endpoint?: string }).endpoint;
        const { vendorId } = await authenticate(request.headers.authorization, endpoint);
        request.webhookVendorId = vendorId;
      } catch (err) {
        reply.header('www-authenticate', 'Basic realm="lightspeed-webhook"');
        request.log.warn({ ip: request.ip }, 'webhook refused: bad credentials');
        throw err;
      }
    },
    schema: {
      tags: ['webhooks'],
      summary: 'Lightspeed K-Series notifications (HTTP Basic)',
      querystring: z.object({ endpoint: z.string().max(200).optional() }),
      body: z.unknown(),
      response: {
        200: z.object({ received: z.literal(true), duplicate: z.boolean(), eventId: z.uuid() }),
        ...errorResponses(400, 401, 413, 415),
      },
    },
    handler: async (request) => {
      const raw = request.rawBody ?? JSON.stringify(request.body);
      const headerKey = request.headers['x-lightspeed-idempotency-key'];
      const dedupeKey =
        typeof headerKey === 'string' && headerKey.length > 0 && headerKey.length <= 200
          ? `key:${headerKey}`
          : `sha256:${hash('sha256', raw)}`; // one-shot: the same hex as createHash, without a Hash object
      const type = classifyWebhook(request.body);
      const { payload, rawBody } = storableBody(raw, request.body);
      const stored = await ingest.store(
        // Time-ordered: webhook_events' primary key is appended to, not written at random leaves.
        { id: uuid7(), dedupeKey, type, vendorId: request.webhookVendorId ?? null, payload, rawBody },
        request.id,
      );
      request.log.debug(
        { eventId: stored.eventId, type, duplicate: stored.duplicate, deferred: stored.deferred, altered: !!rawBody },
        'webhook stored',
      );
      return { received: true as const, duplicate: stored.duplicate, eventId: stored.eventId };
    },
  });
};

export default webhookRoutes;
