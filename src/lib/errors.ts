// The small set of errors services throw. The error handler (src/plugins/error-handler.ts)
// turns each into the one public error shape: {error:{code, message, details?}, requestId}.

export class AppError extends Error {
  constructor(
    public readonly statusCode: number,
    public readonly code: string,
    message: string,
    public readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends AppError {
  constructor(message: string, details?: unknown, code = 'BAD_REQUEST') {
    super(400, code, message, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Missing or invalid credentials', code = 'UNAUTHORIZED') {
    super(401, code, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string, details?: unknown, code = 'FORBIDDEN') {
    super(403, code, message, details);
  }
}

/** Also used for another vendor's resource: never confirm that it exists. */
export class NotFoundError extends AppError {
  constructor(what: string, code = 'NOT_FOUND') {
    super(404, code, `${what} not found`);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code = 'CONFLICT', details?: unknown) {
    super(409, code, message, details);
  }
}

/** A failure of a system we depend on (K-Series, Postgres, Redis): 502, 503 or 504. */
export class UpstreamError extends AppError {
  constructor(statusCode: 502 | 503 | 504, code: string, message: string, details?: unknown) {
    super(statusCode, code, message, details);
  }
}

// Socket-level failures, SQLSTATE classes 08 (connection exception) and 57P (the server is
// shutting down or starting up), and Prisma's "cannot reach / connection closed" codes.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'P1001',
  'P1002',
  'P1017',
]);

/**
 * The error says a server we depend on (Postgres) could not be reached or dropped the
 * connection: worth retrying, so a 503 rather than a 500 that reads as our bug. node-postgres
 * gives these no class of their own, hence the codes and messages.
 */
export function isDependencyUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08') || code.startsWith('57P')))
      return true;
    if (/^Connection terminated|timeout exceeded when trying to connect/.test(e.message)) return true;
  }
  return false;
}
