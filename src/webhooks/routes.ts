// POST /webhook/lightspeed: authenticate, store the raw event durably, acknowledge, and leave
// the processing to the process-webhook job. Storing comes before the 2xx: an acknowledged
// event is never lost; enqueueing comes after, and the sweeper covers a failed enqueue.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sha256Hex } from '../lib/canonical-json.js';
import { UnauthorizedError } from '../lib/errors.js';
import { errorResponses } from '../routes/schemas.js';
import { classifyWebhook } from './classify.js';
import { configuredPairs, matchesBasic, parseBasic } from './credentials.js';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
    /** The vendor whose endpoint id authenticated the call, when that is how it was authenticated. */
    webhookVendorId?: string | null;
  }
}

const WEBHOOK_BODY_LIMIT = 512 * 1024;

const webhookRoutes: FastifyPluginAsyncZod = async (app) => {
  const pairs = configuredPairs(app.config);

  // Keep the raw text: its hash is the dedupe key (Lightspeed sends no event id).
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: WEBHOOK_BODY_LIMIT }, (request, body, done) => {
    request.rawBody = body as string;
    try {
      done(null, JSON.parse(body as string));
    } catch {
      const err = new Error('Body is not valid JSON') as Error & { statusCode: number; code: string };
      err.statusCode = 400;
      err.code = 'FST_ERR_CTP_INVALID_JSON_BODY';
      done(err, undefined);
    }
  });

  /** Basic Auth first; the endpoint id is the fallback. Returns the vendor when known. */
  async function authenticate(authorization: string | undefined, endpoint: string | undefined): Promise<{ vendorId: string | null }> {
    if (matchesBasic(parseBasic(authorization), pairs)) return { vendorId: null };
    if (endpoint) {
      const connection = await app.prisma.lightspeedConnection.findUnique({ where: { webhookEndpointId: endpoint }, select: { vendorId: true } });
      if (connection) return { vendorId: connection.vendorId };
    }
    throw new UnauthorizedError('Webhook credentials are missing or wrong');
  }

  app.post('/webhook/lightspeed', {
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
      response: { 200: z.object({ received: z.literal(true), duplicate: z.boolean(), eventId: z.uuid() }), ...errorResponses(400, 401, 413, 415) },
    },
    handler: async (request) => {
      const raw = request.rawBody ?? JSON.stringify(request.body);
      const headerKey = request.headers['x-lightspeed-idempotency-key'];
      const dedupeKey = typeof headerKey === 'string' && headerKey.length > 0 && headerKey.length <= 200 ? `key:${headerKey}` : `sha256:${sha256Hex(raw)}`;
      const type = classifyWebhook(request.body);
      const vendorId = request.webhookVendorId ?? null;
      // One round trip: insert unless this exact event was stored before.
      const inserted = await app.prisma.$queryRaw<{ id: string }[]>`
        INSERT INTO webhook_events (id, dedupe_key, type, vendor_id, payload)
        VALUES (gen_random_uuid(), ${dedupeKey}, ${type}, ${vendorId}::uuid, ${raw}::jsonb)
        ON CONFLICT (dedupe_key) DO NOTHING
        RETURNING id`;
      if (inserted[0]) {
        const eventId = inserted[0].id;
        try {
          await app.queues.processWebhook.add({ eventId }, { jobId: `wh-${eventId}` });
        } catch (err) {
          request.log.warn({ err, eventId }, 'webhook stored but not enqueued; the sweeper will');
        }
        request.log.info({ eventId, type }, 'webhook stored');
        return { received: true as const, duplicate: false, eventId };
      }
      const existing = await app.prisma.webhookEvent.findUniqueOrThrow({ where: { dedupeKey }, select: { id: true } });
      request.log.info({ eventId: existing.id, type }, 'duplicate webhook acknowledged');
      return { received: true as const, duplicate: true, eventId: existing.id };
    },
  });
};

export default webhookRoutes;
