// OAuth 2.0 authorization server: /oauth/authorize (sign-in + consent page) and /oauth/token.
// Strict where K-Series is: a bad client or redirect URI never redirects, client authentication
// is HTTP Basic only, codes are single use and short lived, PKCE is checked when a challenge was
// sent, refresh tokens rotate and a replayed one revokes its whole family.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SandboxContext } from './context.js';
import { oauthError } from './errors.js';
import { CARRIED_PARAMS, consentPage, errorPage, SCOPE_DESCRIPTIONS } from './oauth-pages.js';
import type { OAuthClient } from './state.js';
import { createGrant, issueTokens, revokeGrant } from './tokens.js';
import { firstString, parseBasicAuth, randomToken, sha256Base64Url } from './util.js';

export const KNOWN_SCOPES = Object.keys(SCOPE_DESCRIPTIONS);

type Params = Record<string, string>;

type AuthorizeCheck =
  | { kind: 'page'; message: string }
  | { kind: 'redirect'; redirectUri: string; error: string; description: string; state?: string }
  | {
      kind: 'ok';
      client: OAuthClient;
      redirectUri: string;
      redirectUriSent: boolean;
      scopes: string[];
      state?: string;
      challenge?: string;
    };

function stringParams(source: unknown): Params {
  const out: Params = {};
  if (source && typeof source === 'object') {
    for (const [k, v] of Object.entries(source)) {
      const s = firstString(v);
      if (s !== undefined) out[k] = s;
    }
  }
  return out;
}

function checkAuthorize(ctx: SandboxContext, p: Params): AuthorizeCheck {
  const client = p.client_id ? ctx.clients.get(p.client_id) : undefined;
  if (!client) return { kind: 'page', message: `Unknown client_id "${p.client_id ?? ''}".` };
  let redirectUri = p.redirect_uri;
  if (!redirectUri) {
    if (client.redirectUris.length !== 1) return { kind: 'page', message: 'redirect_uri is required.' };
    redirectUri = client.redirectUris[0] as string;
  } else if (!client.redirectUris.includes(redirectUri)) {
    return { kind: 'page', message: `redirect_uri "${redirectUri}" is not registered for this client.` };
  }
  if (p.response_type !== 'code') {
    return { kind: 'page', message: `Unsupported response_type "${p.response_type ?? ''}": only "code" is supported.` };
  }
  const fail = (error: string, description: string): AuthorizeCheck => ({
    kind: 'redirect',
    redirectUri: redirectUri as string,
    error,
    description,
    ...(p.state !== undefined ? { state: p.state } : {}),
  });
  const scopes = [...new Set((p.scope ?? '').split(/[\s+]+/).filter(Boolean))];
  if (scopes.length === 0) return fail('invalid_scope', 'scope is required');
  const allowed = client.scopes ?? KNOWN_SCOPES;
  const notAllowed = scopes.find((s) => !allowed.includes(s));
  if (notAllowed) return fail('invalid_scope', `scope "${notAllowed}" is not available to this client`);
  const challenge = p.code_challenge;
  if (challenge !== undefined || p.code_challenge_method !== undefined) {
    if (!challenge || !/^[A-Za-z0-9_-]{43}$/.test(challenge))
      return fail('invalid_request', 'code_challenge must be a base64url SHA-256 digest');
    if (p.code_challenge_method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
  }
  return {
    kind: 'ok',
    client,
    redirectUri,
    redirectUriSent: Boolean(p.redirect_uri),
    scopes,
    ...(p.state !== undefined ? { state: p.state } : {}),
    ...(challenge ? { challenge } : {}),
  };
}

function redirectWith(reply: FastifyReply, uri: string, params: Record<string, string | undefined>): FastifyReply {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return reply.code(302).header('cache-control', 'no-store').redirect(url.toString(), 302);
}

function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);
}

function merchantFor(ctx: SandboxContext, username: string | undefined, password: string | undefined) {
  const name = (username ?? '').trim().toLowerCase();
  return ctx.state.businesses.find(
    (b) => b.merchant.username.toLowerCase() === name && b.merchant.password === password,
  );
}

export function registerOAuthRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const defaultMerchant = ctx.state.businesses[0]?.merchant;

  app.get('/oauth/authorize', async (request, reply) => {
    const params = stringParams(request.query);
    const check = checkAuthorize(ctx, params);
    if (check.kind === 'page') return html(reply, 400, errorPage(check.message));
    if (check.kind === 'redirect') {
      return redirectWith(reply, check.redirectUri, {
        error: check.error,
        error_description: check.description,
        state: check.state,
      });
    }
    const hinted = params.login_hint
      ? ctx.state.businesses.find((b) => b.merchant.username === params.login_hint)
      : undefined;
    const merchant = hinted?.merchant ?? defaultMerchant;
    return html(
      reply,
      200,
      consentPage({
        clientName: check.client.name ?? check.client.clientId,
        params,
        scopes: check.scopes,
        username: merchant?.username ?? '',
        password: merchant?.password ?? '',
      }),
    );
  });

  app.post('/oauth/authorize', async (request, reply) => {
    const params = stringParams(request.body);
    const check = checkAuthorize(ctx, params);
    if (check.kind === 'page') return html(reply, 400, errorPage(check.message));
    if (check.kind === 'redirect') {
      return redirectWith(reply, check.redirectUri, {
        error: check.error,
        error_description: check.description,
        state: check.state,
      });
    }
    if (params.decision === 'deny') {
      return redirectWith(reply, check.redirectUri, {
        error: 'access_denied',
        error_description: 'The resource owner denied the request',
        state: check.state,
      });
    }
    if (params.decision !== 'approve') return html(reply, 400, errorPage('decision must be "approve" or "deny".'));
    const business = merchantFor(ctx, params.username, params.password);
    if (!business) {
      const carried = Object.fromEntries(
        CARRIED_PARAMS.filter((k) => params[k] !== undefined).map((k) => [k, params[k] as string]),
      );
      return html(
        reply,
        401,
        consentPage({
          clientName: check.client.name ?? check.client.clientId,
          params: carried,
          scopes: check.scopes,
          username: params.username ?? '',
          password: '',
          error: 'Invalid email or password.',
        }),
      );
    }
    const code = randomToken(12);
    ctx.state.codes.set(code, {
      code,
      clientId: check.client.clientId,
      redirectUri: check.redirectUri,
      scopes: check.scopes,
      businessId: business.id,
      ...(check.challenge ? { codeChallenge: check.challenge, codeChallengeMethod: 'S256' as const } : {}),
      expiresAt: ctx.now() + ctx.options.codeTtlSeconds * 1000,
      redirectUriSent: check.redirectUriSent,
      used: false,
    });
    return redirectWith(reply, check.redirectUri, { code, state: check.state });
  });

  app.post('/oauth/token', async (request, reply) => {
    void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const params = { ...stringParams(request.query), ...stringParams(request.body) };
    const grantType = params.grant_type ?? '(missing)';
    const respond = (status: number, body: object, clientId?: string): FastifyReply => {
      const error = 'error' in body ? String((body as { error: unknown }).error) : undefined;
      ctx.state.tokenRequests.push({
        at: new Date(ctx.now()).toISOString(),
        grantType,
        httpStatus: status,
        ...(clientId ? { clientId } : {}),
        ...(error ? { error } : {}),
      });
      return reply.code(status).send(body);
    };

    const basic = parseBasicAuth(request.headers.authorization);
    if (!basic) {
      void reply.header('www-authenticate', 'Basic realm="oauth"');
      return respond(401, oauthError('invalid_client', 'Client authentication with HTTP Basic is required'));
    }
    const client = ctx.clients.get(basic.user);
    if (!client || client.clientSecret !== basic.password) {
      void reply.header('www-authenticate', 'Basic realm="oauth"');
      return respond(401, oauthError('invalid_client', 'Bad client credentials'));
    }
    const fail = (error: string, description: string): FastifyReply =>
      respond(400, oauthError(error, description), client.clientId);

    if (params.grant_type === 'authorization_code') {
      if (!params.code) return fail('invalid_request', 'Missing parameter: code');
      const code = ctx.state.codes.get(params.code);
      if (!code || code.clientId !== client.clientId) return fail('invalid_grant', 'Invalid authorization code');
      if (code.used) {
        if (code.grantId) revokeGrant(ctx, code.grantId);
        return fail('invalid_grant', 'Authorization code already used');
      }
      code.used = true; // consumed by any attempt, so a verifier cannot be brute forced
      if (ctx.now() >= code.expiresAt) return fail('invalid_grant', 'Authorization code expired');
      // RFC 6749 4.1.3: required (and must match) when the authorize request carried one.
      if ((code.redirectUriSent || params.redirect_uri !== undefined) && params.redirect_uri !== code.redirectUri) {
        return fail('invalid_grant', 'redirect_uri does not match the authorization request');
      }
      if (code.codeChallenge) {
        const verifier = params.code_verifier;
        if (!verifier) return fail('invalid_grant', 'PKCE code_verifier is required');
        if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || sha256Base64Url(verifier) !== code.codeChallenge) {
          return fail('invalid_grant', 'PKCE verification failed');
        }
      }
      const grant = createGrant(ctx, client.clientId, code.businessId, code.scopes);
      code.grantId = grant.id;
      return respond(200, issueTokens(ctx, grant), client.clientId);
    }

    if (params.grant_type === 'refresh_token') {
      if (!params.refresh_token) return fail('invalid_request', 'Missing parameter: refresh_token');
      const stored = ctx.state.refreshTokens.get(params.refresh_token);
      const grant = stored ? ctx.state.grants.get(stored.grantId) : undefined;
      if (!stored || !grant || grant.clientId !== client.clientId)
        return fail('invalid_grant', 'Invalid refresh token');
      if (grant.revoked) return fail('invalid_grant', 'Token is not active');
      if (stored.used) {
        // Replay of a rotated token: K-Series "may revoke" the active one; the sandbox always does.
        revokeGrant(ctx, grant.id);
        return fail('invalid_grant', 'Refresh token already used');
      }
      if (params.scope) {
        const extra = params.scope
          .split(/\s+/)
          .filter(Boolean)
          .find((s) => !grant.scopes.includes(s));
        if (extra) return fail('invalid_scope', `scope "${extra}" exceeds the original grant`);
      }
      stored.used = true;
      return respond(200, issueTokens(ctx, grant), client.clientId);
    }

    if (!params.grant_type) return fail('invalid_request', 'Missing parameter: grant_type');
    return fail('unsupported_grant_type', `Unsupported grant_type "${params.grant_type}"`);
  });
}
