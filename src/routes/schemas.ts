// Schemas shared by several routes.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ApiKeyView } from '../services/vendors.js';

export const errorBodySchema = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
    requestId: z.string(),
  })
  .meta({
    id: 'Error',
    example: {
      error: {
        code: 'VALIDATION_ERROR',
        message: 'Invalid request: body.payment.amount',
        details: { fields: [{ field: 'body.payment.amount', message: 'must be greater than 0' }] },
      },
      requestId: '1c17bed9-cb4d-4225-9586-69cd907b1687',
    },
  });

/** Response schemas for the error statuses a route can answer, for the OpenAPI document. */
export function errorResponses<const S extends readonly number[]>(...statuses: S) {
  return Object.fromEntries(statuses.map((s) => [s, errorBodySchema])) as { [K in S[number]]: typeof errorBodySchema };
}

/**
 * Documents, on every route registered after it in this plugin, the errors of the credential check
 * and rate limits in front of them: 401 (no or a wrong key/token) and 429 (over a limit, or too
 * many refused credentials). Those hooks run before any route, so one place says it for all.
 */
export function documentAccessErrors(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!route.schema) return;
    route.schema.response = { ...(route.schema.response as object | undefined), ...errorResponses(401, 429) };
  });
}

export const uuidParam = z.uuid({ message: 'must be a UUID' });

/** The vendor's and the operator's replay routes share one behaviour, so one description. */
export const replayRouteDoc = {
  summary: "Replay a FAILED or NEEDS_ATTENTION order's delivery, or a PAYMENT_FAILED order's payment (exactly once)",
  description:
    'FAILED: a new delivery attempt under a new reference. NEEDS_ATTENTION: delivered again under the same reference. ' +
    'PAYMENT_FAILED (the POS has the order but refused its payment): the order goes back to ACCEPTED and the payment is ' +
    'sent again under a new payment reference (payment.reference, payment.attempt); 409 PAYMENT_NOT_REPLAYABLE when ' +
    'K-Series never gave the order an account. Any other status: 409 ORDER_NOT_REPLAYABLE.',
};

export const paginationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/**
 * K-Series ids are int64. Accepted as a JSON number or a numeric string, kept as bigint,
 * and answered as a number (every K-Series id seen in practice is below 2^53).
 */
export const kseriesIdInput = z
  .union([z.number().int().positive(), z.string().regex(/^[1-9]\d{0,18}$/, 'must be a positive integer')])
  .transform((v, ctx) => {
    const id = BigInt(v);
    if (id > BigInt(Number.MAX_SAFE_INTEGER)) {
      ctx.addIssue({ code: 'custom', message: 'is larger than 2^53-1' });
      return z.NEVER;
    }
    return id;
  });

export const isoDate = z.iso.datetime();

/**
 * A date-time a client sends (filters, ranges): ISO 8601 with an offset, in years 1970-9999.
 * The ISO pattern alone lets year 0 through, which Postgres refuses (a 500, not a 400).
 */
export const dateTimeInput = z.iso.datetime({ offset: true }).refine((v) => {
  const year = new Date(v).getUTCFullYear();
  return year >= 1970 && year <= 9999;
}, 'must be between 1970 and 9999');

export function iso(date: Date): string;
export function iso(date: Date | null): string | null;
export function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

export const apiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string().nullable().meta({ example: 'kiosk 2, front door' }),
    prefix: z.string().meta({ example: 'lsk_1a4a04c63100' }),
    createdAt: isoDate,
    lastUsedAt: isoDate.nullable(),
    revokedAt: isoDate.nullable(),
  })
  .meta({ id: 'ApiKey' });

export function apiKeyView(k: ApiKeyView) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    createdAt: iso(k.createdAt),
    lastUsedAt: iso(k.lastUsedAt),
    revokedAt: iso(k.revokedAt),
  };
}
