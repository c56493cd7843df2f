// Bearer token and scope checks for the API routes. Bodies follow Spring Security OAuth2, which
// is what K-Series answers: 401 `{error:"unauthorized"|"invalid_token"}`, 403 `insufficient_scope`
// naming the scope, and 403 `access_denied` for a location outside the token's business.
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { SandboxContext } from './context.js';
import type { Grant } from './state.js';

export interface AuthInfo {
  grant: Grant;
  accessToken: string;
}

const authByRequest = new WeakMap<FastifyRequest, AuthInfo>();

/** The authenticated grant of a request that passed requireScope. */
export function authOf(request: FastifyRequest): AuthInfo {
  const auth = authByRequest.get(request);
  if (!auth) throw new Error('sandbox: route used authOf() without a requireScope() preHandler');
  return auth;
}

function unauthorized(reply: FastifyReply, error: string, description: string): FastifyReply {
  return reply
    .code(401)
    .header('www-authenticate', `Bearer realm="lightspeed", error="${error}", error_description="${description}"`)
    .send({ error, error_description: description });
}

/**
 * A preHandler that requires a valid bearer token holding at least one of `scopes`
 * (several only where K-Series documents either scope as sufficient).
 */
export function requireScope(ctx: SandboxContext, ...scopes: string[]): preHandlerAsyncHookHandler {
  return async (request, reply) => {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match?.[1]) {
      return unauthorized(reply, 'unauthorized', 'Full authentication is required to access this resource');
    }
    const token = ctx.state.accessTokens.get(match[1]);
    const grant = token ? ctx.state.grants.get(token.grantId) : undefined;
    if (!token || !grant) return unauthorized(reply, 'invalid_token', 'Invalid access token');
    if (token.revoked || grant.revoked) return unauthorized(reply, 'invalid_token', 'Access token was revoked');
    if (ctx.now() >= token.expiresAt) return unauthorized(reply, 'invalid_token', 'Access token expired');
    if (!scopes.some((s) => grant.scopes.includes(s))) {
      return reply.code(403).send({
        error: 'insufficient_scope',
        error_description: `Insufficient scope for this resource: requires ${scopes.join(' or ')}`,
        scope: scopes.join(' '),
      });
    }
    authByRequest.set(request, { grant, accessToken: token.token });
    return undefined;
  };
}

/**
 * Checks that the location belongs to the token's business. Sends 403 and returns false when it
 * does not (an unknown location id looks the same as another merchant's, on purpose).
 */
export function checkLocation(
  ctx: SandboxContext,
  request: FastifyRequest,
  reply: FastifyReply,
  locationId: number,
): boolean {
  const location = ctx.state.locations.get(locationId);
  if (location && location.businessId === authOf(request).grant.businessId) return true;
  void reply.code(403).send({
    error: 'access_denied',
    error_description: 'Access token not relevant for the businessLocation, use authorization-code',
  });
  return false;
}

export function checkBusiness(
  ctx: SandboxContext,
  request: FastifyRequest,
  reply: FastifyReply,
  businessId: number,
): boolean {
  if (authOf(request).grant.businessId === businessId && ctx.state.business(businessId)) return true;
  void reply.code(403).send({ error: 'access_denied', error_description: 'Access is denied' });
  return false;
}
