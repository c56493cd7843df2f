// Request parsing shared by the API routes, with K-Series' own error messages for missing or
// malformed parameters (Spring's MissingServletRequestParameter / type-mismatch wording).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { checkLocation } from '../auth.js';
import type { SandboxContext } from '../context.js';
import { sendSpring } from '../errors.js';
import { firstString } from '../util.js';

export function query(request: FastifyRequest): Record<string, unknown> {
  return (request.query ?? {}) as Record<string, unknown>;
}

export function params(request: FastifyRequest): Record<string, string> {
  return (request.params ?? {}) as Record<string, string>;
}

/** A required int64 query parameter; sends the 400 and returns undefined when absent or bad. */
export function requiredLong(
  ctx: SandboxContext,
  request: FastifyRequest,
  reply: FastifyReply,
  name: string,
): number | undefined {
  const raw = firstString(query(request)[name]);
  if (raw === undefined || raw === '') {
    void sendSpring(
      reply,
      400,
      `Required request parameter '${name}' for method parameter type Long is not present`,
      ctx.now(),
    );
    return undefined;
  }
  return parseLongParam(ctx, reply, name, raw);
}

export function parseLongParam(
  ctx: SandboxContext,
  reply: FastifyReply,
  name: string,
  raw: string,
): number | undefined {
  if (!/^-?\d{1,16}$/.test(raw)) {
    void sendSpring(
      reply,
      400,
      `Failed to convert value of type 'java.lang.String' to required type 'java.lang.Long'; For input string: "${raw}" (parameter '${name}')`,
      ctx.now(),
    );
    return undefined;
  }
  return Number(raw);
}

/** An optional integer query parameter within [min, max]; NaN signals "already answered 400". */
export function optionalInt(
  ctx: SandboxContext,
  request: FastifyRequest,
  reply: FastifyReply,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = firstString(query(request)[name]);
  if (raw === undefined || raw === '') return fallback;
  const n = /^-?\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (Number.isNaN(n) || n < min || n > max) {
    void sendSpring(
      reply,
      400,
      `Invalid value for parameter '${name}': must be an integer between ${min} and ${max}`,
      ctx.now(),
    );
    return Number.NaN;
  }
  return n;
}

/** `businessLocationId` from the query, checked against the token's business. */
export function locationFromQuery(
  ctx: SandboxContext,
  request: FastifyRequest,
  reply: FastifyReply,
): number | undefined {
  const id = requiredLong(ctx, request, reply, 'businessLocationId');
  if (id === undefined) return undefined;
  return checkLocation(ctx, request, reply, id) ? id : undefined;
}

/** `businessLocationId` from the path, checked against the token's business. */
export function locationFromPath(
  ctx: SandboxContext,
  request: FastifyRequest,
  reply: FastifyReply,
): number | undefined {
  const id = parseLongParam(ctx, reply, 'businessLocationId', params(request).businessLocationId ?? '');
  if (id === undefined) return undefined;
  return checkLocation(ctx, request, reply, id) ? id : undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A repeated query parameter (`skus=A&skus=B`) or a comma-separated one (`skus=A,B`), as Spring binds lists. */
export function listParam(value: unknown): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values
    .flatMap((v) => String(v).split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}
