// The error bodies K-Series actually sends. They differ by API, and clients must cope with each:
// - Order & Pay / webhooks / financial: Spring Boot `{timestamp,status,error,message,path}`,
//   plus `errors[]` (bean-validation details) for invalid bodies;
// - orders 409: `{status:"fail",msg}`;
// - Items and menus: `{status:"404",timestamp,message,apiSubExceptions[]}` (status as a string);
// - OAuth: RFC 6749 `{error,error_description}`.
import type { FastifyReply } from 'fastify';
import { springTimestamp } from './util.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? 'Error';
}

export function springBody(status: number, message: string, path: string, now: number) {
  return { timestamp: springTimestamp(now), status, error: reasonPhrase(status), message, path };
}

export function sendSpring(reply: FastifyReply, status: number, message: string, now: number): FastifyReply {
  return reply.code(status).send(springBody(status, message, pathOf(reply.request.url), now));
}

export function apiSubExceptionBody(
  status: number,
  message: string,
  now: number,
  sub: { field: string; rejectedValue: string; message: string }[] = [],
) {
  return { status: String(status), timestamp: springTimestamp(now), message, apiSubExceptions: sub };
}

export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

export type ConstraintCode = 'NotNull' | 'NotBlank' | 'Size' | 'Min' | 'Max' | 'Future' | 'Pattern';

export interface FieldError {
  field: string;
  code: ConstraintCode;
  message: string;
  javaType: string;
}

/** Bean-validation failure, as Spring's MethodArgumentNotValidException handler renders it. */
export function validationBody(objectName: string, errors: FieldError[], path: string, now: number) {
  return {
    ...springBody(400, `Validation failed for object='${objectName}'. Error count: ${errors.length}`, path, now),
    errors: errors.map((e) => ({
      codes: [`${e.code}.${objectName}.${e.field}`, `${e.code}.${e.field}`, `${e.code}.${e.javaType}`, e.code],
      arguments: [{ codes: [`${objectName}.${e.field}`, e.field], defaultMessage: e.field, code: e.field }],
      defaultMessage: e.message,
      objectName,
      field: e.field,
      bindingFailure: false,
      code: e.code,
    })),
  };
}

/** Thrown when a value cannot be bound at all (Jackson's HttpMessageNotReadableException). */
export class BindingError extends Error {}

/** Jackson binds numbers and numeric strings to Long; anything else is a parse error. */
export function toLong(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,16}$/.test(value.trim())) return Number(value.trim());
  throw new BindingError(
    `JSON parse error: Cannot deserialize value of type \`java.lang.Long\` from ${JSON.stringify(value)}: not a valid \`java.lang.Long\` value (field "${field}")`,
  );
}

export function toNumber(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw new BindingError(
    `JSON parse error: Cannot deserialize value of type \`java.math.BigDecimal\` from ${JSON.stringify(value)} (field "${field}")`,
  );
}

/** Collects bean-validation errors for one request body. */
export class Constraints {
  readonly errors: FieldError[] = [];

  notNull(field: string, value: unknown, javaType = 'java.lang.String'): boolean {
    if (value === undefined || value === null) {
      this.errors.push({ field, code: 'NotNull', message: 'must not be null', javaType });
      return false;
    }
    return true;
  }

  size(field: string, value: unknown, min: number, max: number): void {
    if (typeof value === 'string' && (value.length < min || value.length > max)) {
      this.errors.push({
        field,
        code: 'Size',
        message: `size must be between ${min} and ${max}`,
        javaType: 'java.lang.String',
      });
    }
  }

  min(field: string, value: number | undefined, min: number, javaType = 'java.lang.Integer'): void {
    if (value !== undefined && value < min) {
      this.errors.push({ field, code: 'Min', message: `must be greater than or equal to ${min}`, javaType });
    }
  }

  future(field: string, value: unknown, now: number): void {
    if (value === undefined || value === null) return;
    const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (!Number.isFinite(ms) || ms <= now) {
      this.errors.push({
        field,
        code: 'Future',
        message: 'must be a future date',
        javaType: 'java.time.ZonedDateTime',
      });
    }
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }
}

/** RFC 6749 section 5.2 error body. */
export function oauthError(error: string, description: string) {
  return { error, error_description: description };
}
