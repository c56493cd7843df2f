// One error shape everywhere: {error:{code, message, details?}, requestId}.
import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, isDependencyUnavailable } from '../lib/errors.js';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
  requestId: string;
}

export function sendError(
  reply: FastifyReply,
  request: FastifyRequest,
  statusCode: number,
  code: string,
  message: string,
  details?: unknown,
): FastifyReply {
  const body: ErrorBody = {
    error: { code, message, ...(details === undefined ? {} : { details }) },
    requestId: request.id,
  };
  return reply.status(statusCode).type('application/json').send(body);
}

// Fastify's own client errors, renamed into our vocabulary.
const FASTIFY_CLIENT_ERRORS: Record<string, { code: string; message?: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Content-Type must be application/json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'INVALID_JSON',
    message: 'Body cannot be empty when Content-Type is application/json',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'INVALID_JSON', message: 'Body is not valid JSON' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'BAD_REQUEST', message: 'Content-Length does not match the body' },
};

export default fp(
  async (app) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      if (hasZodFastifySchemaValidationErrors(err)) {
        const fields = err.validation.map((v) => ({
          field: [err.validationContext, ...v.instancePath.split('/').filter(Boolean)].join('.'),
          message: v.message ?? 'is invalid',
        }));
        const names = fields.map((f) => f.field).join(', ');
        return sendError(reply, request, 400, 'VALIDATION_ERROR', `Invalid request: ${names}`, { fields });
      }
      if (err instanceof AppError) {
        if (err.statusCode >= 500) request.log.warn({ err }, 'request failed on a dependency');
        return sendError(reply, request, err.statusCode, err.code, err.message, err.details);
      }
      if (isResponseSerializationError(err)) {
        request.log.error({ err, issues: err.cause?.issues }, 'response did not match its schema');
        return sendError(reply, request, 500, 'INTERNAL_ERROR', 'Internal server error');
      }
      if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
        return sendError(reply, request, 400, 'INVALID_JSON', 'Body is not valid JSON');
      }
      const known = err.code ? FASTIFY_CLIENT_ERRORS[err.code] : undefined;
      const status = err.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        return sendError(reply, request, status, known?.code ?? 'BAD_REQUEST', known?.message ?? err.message);
      }
      if (isDependencyUnavailable(err)) {
        // Retryable: Postgres may have dropped the connection before or after a commit, and a
        // retry with the same Idempotency-Key answers with the stored order either way.
        request.log.warn({ err }, 'request failed: a dependency is unreachable');
        reply.header('retry-after', 2);
        return sendError(
          reply,
          request,
          503,
          'SERVICE_UNAVAILABLE',
          'A service we depend on is unreachable; retry shortly',
        );
      }
      request.log.error({ err }, 'unhandled error');
      return sendError(reply, request, 500, 'INTERNAL_ERROR', 'Internal server error');
    });

    app.setNotFoundHandler((request, reply) =>
      sendError(
        reply,
        request,
        404,
        'ROUTE_NOT_FOUND',
        `Route ${request.method} ${request.url.split('?')[0]} not found`,
      ),
    );
  },
  { name: 'error-handler' },
);
