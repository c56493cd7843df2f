// The OAuth side of K-Series, through openid-client 6: authorization URL with PKCE (S256),
// code exchange and refresh at the token endpoint with HTTP Basic client authentication
// (client_id:client_secret; never credentials in the body). Errors come out as
// TokenEndpointError with a kind the callers act on; no token or secret is ever in a message.
import * as oidc from 'openid-client';
import { environmentUrls, type EnvironmentName } from './environments.js';

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  /** From expires_in of the response; never assumed. */
  expiresAt: Date;
  scopes: string[];
}

/**
 * invalid_grant: the code or refresh token is dead (used, revoked, expired).
 * rejected: any other OAuth error answer (bad client credentials, bad request): not retryable.
 * unavailable: network error, timeout, 5xx, or a response we could not read: retry later.
 */
export type TokenErrorKind = 'invalid_grant' | 'rejected' | 'unavailable';

export class TokenEndpointError extends Error {
  constructor(
    public readonly kind: TokenErrorKind,
    message: string,
    public readonly oauthError?: string,
    public readonly status?: number,
  ) {
    super(message);
    this.name = 'TokenEndpointError';
  }
}

export interface PkcePair {
  verifier: string;
  challenge: string;
}

export async function createPkcePair(): Promise<PkcePair> {
  const verifier = oidc.randomPKCECodeVerifier();
  return { verifier, challenge: await oidc.calculatePKCECodeChallenge(verifier) };
}

export interface LightspeedOAuth {
  authorizationUrl(env: EnvironmentName, params: { state: string; codeChallenge: string; scopes: string[] }): URL;
  /** `callbackQuery` is the query string our redirect URI was called with (code, state). */
  exchangeCode(
    env: EnvironmentName,
    callbackQuery: URLSearchParams,
    checks: { expectedState: string; codeVerifier: string },
  ): Promise<TokenSet>;
  /** `grantedScopes`: what the connection has now (kept when the response names none). */
  refresh(env: EnvironmentName, refreshToken: string, grantedScopes: string[]): Promise<TokenSet>;
}

export interface LightspeedOAuthOptions {
  /** The settings the OAuth client reads (its own view of src/config.ts, which it never imports). */
  config: {
    LIGHTSPEED_CLIENT_ID: string;
    LIGHTSPEED_CLIENT_SECRET: string;
    LIGHTSPEED_SANDBOX_URL: string;
    oauthRedirectUri: string;
    lightspeedScopes: string[];
  };
  /** Seconds before a token request is abandoned (treated as "unavailable"). */
  timeoutSeconds?: number;
  /** Replaces fetch for token requests (e.g. a proxy agent). */
  fetch?: oidc.CustomFetch;
}

function parseScopes(scope: unknown, fallback: string[]): string[] {
  if (typeof scope !== 'string') return fallback;
  return scope.split(/\s+/).filter(Boolean);
}

function toTokenSet(
  response: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
  previous: { refreshToken?: string; scopes: string[] },
): TokenSet {
  const expiresIn = response.expiresIn();
  if (expiresIn === undefined) throw new TokenEndpointError('unavailable', 'token response has no expires_in');
  const refreshToken = response.refresh_token ?? previous.refreshToken;
  if (!refreshToken) throw new TokenEndpointError('unavailable', 'token response has no refresh_token');
  return {
    accessToken: response.access_token,
    refreshToken,
    expiresAt: new Date(Date.now() + expiresIn * 1000),
    scopes: parseScopes(response.scope, previous.scopes),
  };
}

/** Maps whatever openid-client threw into a TokenEndpointError without leaking request data. */
export function toTokenEndpointError(err: unknown): TokenEndpointError {
  if (err instanceof TokenEndpointError) return err;
  if (err instanceof oidc.ResponseBodyError) {
    const description = err.error_description ? `: ${String(err.error_description).slice(0, 300)}` : '';
    const kind: TokenErrorKind =
      err.error === 'invalid_grant' ? 'invalid_grant' : err.status >= 500 ? 'unavailable' : 'rejected';
    return new TokenEndpointError(
      kind,
      `token endpoint answered ${err.status} ${err.error}${description}`,
      err.error,
      err.status,
    );
  }
  if (err instanceof oidc.WWWAuthenticateChallengeError) {
    return new TokenEndpointError(
      'rejected',
      `token endpoint refused the client credentials (${err.status})`,
      undefined,
      err.status,
    );
  }
  if (err instanceof oidc.ClientError) {
    const cause = (err as { cause?: unknown }).cause;
    const status = cause instanceof Response ? cause.status : undefined;
    if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
      return new TokenEndpointError('rejected', `token endpoint answered ${status}`, undefined, status);
    }
    return new TokenEndpointError(
      'unavailable',
      `token endpoint: ${err.message}${status ? ` (${status})` : ''}`,
      undefined,
      status,
    );
  }
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return new TokenEndpointError('unavailable', 'token endpoint timed out');
  }
  // fetch failures (TypeError: fetch failed) and anything unexpected: keep the old tokens, retry.
  const code = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  return new TokenEndpointError(
    'unavailable',
    `token endpoint unreachable${typeof code === 'string' ? ` (${code})` : ''}`,
  );
}

export function createLightspeedOAuth(options: LightspeedOAuthOptions): LightspeedOAuth {
  const { config } = options;
  const configurations = new Map<EnvironmentName, oidc.Configuration>();

  function configuration(env: EnvironmentName): oidc.Configuration {
    let c = configurations.get(env);
    if (c) return c;
    const urls = environmentUrls(env, config);
    c = new oidc.Configuration(
      { issuer: urls.baseUrl, authorization_endpoint: urls.authorizeUrl, token_endpoint: urls.tokenUrl },
      config.LIGHTSPEED_CLIENT_ID,
      { client_secret: config.LIGHTSPEED_CLIENT_SECRET },
      oidc.ClientSecretBasic(config.LIGHTSPEED_CLIENT_SECRET),
    );
    // The local sandbox speaks plain HTTP; trial and production are HTTPS only.
    if (urls.tokenUrl.startsWith('http://')) oidc.allowInsecureRequests(c);
    c.timeout = options.timeoutSeconds ?? 15;
    if (options.fetch) c[oidc.customFetch] = options.fetch;
    configurations.set(env, c);
    return c;
  }

  return {
    authorizationUrl(env, params) {
      return oidc.buildAuthorizationUrl(configuration(env), {
        redirect_uri: config.oauthRedirectUri,
        scope: params.scopes.join(' '),
        state: params.state,
        code_challenge: params.codeChallenge,
        code_challenge_method: 'S256',
      });
    },

    async exchangeCode(env, callbackQuery, checks) {
      // openid-client derives redirect_uri from this URL: use the registered one, not the
      // URL the request arrived on (a proxy may have rewritten host or scheme).
      const current = new URL(config.oauthRedirectUri);
      for (const [k, v] of callbackQuery) current.searchParams.append(k, v);
      try {
        const response = await oidc.authorizationCodeGrant(configuration(env), current, {
          expectedState: checks.expectedState,
          pkceCodeVerifier: checks.codeVerifier,
        });
        return toTokenSet(response, { scopes: config.lightspeedScopes });
      } catch (err) {
        throw toTokenEndpointError(err);
      }
    },

    async refresh(env, refreshToken, grantedScopes) {
      try {
        const response = await oidc.refreshTokenGrant(configuration(env), refreshToken);
        return toTokenSet(response, { refreshToken, scopes: grantedScopes });
      } catch (err) {
        throw toTokenEndpointError(err);
      }
    },
  };
}
