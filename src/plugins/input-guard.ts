// One rule for every route's input: no NUL characters and no lone UTF-16 surrogates, in the
// query, the path parameters, the headers and the parsed body (values and object keys). Neither
// can be stored (Postgres refuses NUL in text and jsonb, and "\ud800" in jsonb) nor means
// anything in our domain, so they are a 400 here instead of a 500 from deep inside a route.
// Query, params and headers are checked at onRequest, before any route hook reads them (the
// webhook's credential check looks its endpoint id up in Postgres); bodies at preValidation.
// The webhook's body is left to its ingest, which keeps one unstorable notification from
// failing the others (src/webhooks).
// Also refused at onRequest: a query parameter given more than once (or as name[]) where the
// route's schema does not take a list -- hooks that read request.query before validation
// (the webhook's endpoint id) would otherwise get an array where they expect a string.
import fp from 'fastify-plugin';
import { BadRequestError } from '../lib/errors.js';

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const forbidden = (text: string) => text.includes('\u0000') || LONE_SURROGATE.test(text);
const BODY_EXEMPT = new Set(['/webhook/lightspeed']);

/** Unwraps optional/default/pipe/... to see whether a zod query field takes a list. */
function acceptsList(field: unknown): boolean {
  let current = field as { _zod?: { def: Record<string, unknown> } } | undefined;
  for (let i = 0; i < 10 && current?._zod; i++) {
    const def = current._zod.def;
    if (def.type === 'array' || def.type === 'tuple') return true;
    if (def.type === 'union') return (def.options as unknown[]).some(acceptsList);
    const inner = def.innerType ?? def.in;
    if (!inner) return false;
    current = inner as typeof current;
  }
  return false;
}

function repeatedParameter(query: unknown, schema: unknown): string | null {
  if (!query || typeof query !== 'object') return null;
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  for (const [name, value] of Object.entries(query)) {
    if (typeof value === 'string') continue;
    if (!shape?.[name] || !acceptsList(shape[name])) return name;
  }
  return null;
}

export class InvalidCharactersError extends BadRequestError {
  constructor(field: string) {
    super(
      `${field} contains a NUL character or an unpaired surrogate, which are not accepted`,
      { field },
      'INVALID_CHARACTERS',
    );
  }
}

/**
 * The path (e.g. "body.items.0.name") of the first string or key holding a forbidden character,
 * or null. Iterative: a deeply nested body must not overflow the stack.
 */
export function findForbidden(value: unknown, root: string): string | null {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [current, path] = stack.pop()!;
    if (typeof current === 'string') {
      if (forbidden(current)) return path;
    } else if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++) stack.push([current[i], `${path}.${i}`]);
    } else if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        if (forbidden(key)) return `${path} (a key)`;
        stack.push([child, `${path}.${key}`]);
      }
    }
  }
  return null;
}

export default fp(
  async (app) => {
    app.addHook('onRequest', async (request) => {
      const field =
        findForbidden(request.query, 'query') ??
        findForbidden(request.params, 'params') ??
        findForbidden(request.headers, 'headers');
      if (field) throw new InvalidCharactersError(field);
      const repeated = repeatedParameter(request.query, request.routeOptions.schema?.querystring);
      if (repeated) {
        throw new BadRequestError(
          `query parameter ${repeated} must be given once`,
          { field: `query.${repeated}` },
          'REPEATED_PARAMETER',
        );
      }
    });
    app.addHook('preValidation', async (request) => {
      if (BODY_EXEMPT.has(request.routeOptions.url ?? '')) return;
      const field = findForbidden(request.body, 'body');
      if (field) throw new InvalidCharactersError(field);
    });
  },
  { name: 'input-guard' },
);
