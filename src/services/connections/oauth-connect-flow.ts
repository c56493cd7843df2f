// Connect / reconnect with Lightspeed (OAuth 2.0 authorization code + PKCE, signed state).
// start(): PKCE pair, signed state, verifier cached in Redis under the nonce for 10 minutes.
// An API connect returns a URL of ours, not Lightspeed's: openAttempt() (GET
// /lightspeed/connect/start, once) binds the attempt to the browser that opens it (a cookie
// holding the nonce) and sends it on to Lightspeed. The back office sets that cookie itself.
// complete(): the callback: state signature (constant time) and age, single use (GETDEL), the
// browser binding (cookie nonce; for back-office connects also the signed-in vendor), then the
// code exchange and the connection set-up (./establish-connection.ts), which refuses a business
// another vendor holds. Every refusal has a merchant-readable message and a log entry.
import type { Redis } from 'ioredis';
import type { Config } from '../../config.js';
import type { PrismaClient } from '../../db/prisma.js';
import { BadRequestError } from '../../lib/errors.js';
import type { IntegrationLog } from '../integration-log.js';
import type { ConnectionSetup } from './establish-connection.js';
import type { EnvironmentName } from '../../integrations/lightspeed/environments.js';
import {
  createPkcePair,
  TokenEndpointError,
  type LightspeedOAuth,
} from '../../integrations/lightspeed/oauth-client.js';
import { BusinessTakenError } from './business-claim.js';
import {
  newNonce,
  OAuthStateError,
  signState,
  STATE_MAX_AGE_MS,
  verifyState,
  type StatePayload,
} from '../../integrations/lightspeed/oauth-state.js';
import type { Log } from './token-manager.js';

export type ConnectOrigin = 'backoffice' | 'api';

interface PendingConnect {
  vendorId: string;
  origin: ConnectOrigin;
  returnTo: string | null;
  verifier: string;
  environment: EnvironmentName;
}

export type CallbackProblem =
  | 'STATE_INVALID'
  | 'STATE_EXPIRED'
  | 'STATE_REPLAYED'
  | 'BROWSER_MISMATCH'
  | 'CONSENT_DENIED'
  | 'AUTHORIZATION_FAILED'
  | 'EXCHANGE_FAILED'
  | 'BUSINESS_ALREADY_CONNECTED';

export const CALLBACK_MESSAGES: Record<CallbackProblem, string> = {
  STATE_INVALID:
    'This Lightspeed sign-in link is not valid (it was altered or is incomplete). Start the connection again from your back office.',
  STATE_EXPIRED: 'The connection attempt took longer than 10 minutes and expired. Start the connection again.',
  STATE_REPLAYED: 'This Lightspeed sign-in link was already used or has expired. Start the connection again.',
  BROWSER_MISMATCH:
    'This connection was started in another browser or by another account. Sign in to the back office in this browser and start again.',
  CONSENT_DENIED:
    'Access was declined on the Lightspeed page, so nothing was connected. Click Connect again if this was a mistake.',
  AUTHORIZATION_FAILED: 'Lightspeed did not complete the authorization. Start the connection again.',
  EXCHANGE_FAILED:
    'Lightspeed did not accept the authorization code, so nothing was connected. Start the connection again.',
  BUSINESS_ALREADY_CONNECTED:
    'This Lightspeed business is already connected to another account here, and a business can be connected to one ' +
    'account at a time. Nothing was changed: disconnect it there first, or sign in to Lightspeed with another business.',
};

export type CallbackResult =
  | {
      ok: true;
      vendorId: string;
      origin: ConnectOrigin;
      returnTo: string | null;
      businessId: number | null;
      businessName: string | null;
      warnings: string[];
    }
  | {
      ok: false;
      problem: CallbackProblem;
      message: string;
      vendorId: string | null;
      origin: ConnectOrigin | null;
      returnTo: string | null;
    };

export interface CallbackQuery {
  code?: string | undefined;
  state?: string | undefined;
  error?: string | undefined;
  error_description?: string | undefined;
}

export interface CallbackBinding {
  /** The nonce from the browser's signed connect cookie (back-office connects). */
  cookieNonce: string | null;
  /** The vendor signed in to the back office in this browser, if any. */
  sessionVendorId: string | null;
}

export interface ConnectFlowDeps {
  prisma: PrismaClient;
  redis: Redis;
  redisKey: (...parts: string[]) => string;
  oauth: LightspeedOAuth;
  setup: ConnectionSetup;
  integrationLog: IntegrationLog;
  config: Pick<Config, 'LIGHTSPEED_CLIENT_SECRET' | 'LIGHTSPEED_ENV' | 'lightspeedScopes' | 'PUBLIC_URL'>;
  log: Log;
}

/** returnTo is allowed when it has the origin of an allow-list entry and starts with its path. */
export function isReturnToAllowed(returnTo: string, allowList: string[]): boolean {
  let target: URL;
  try {
    target = new URL(returnTo);
  } catch {
    return false;
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return false;
  if (target.username || target.password) return false;
  return allowList.some((entry) => {
    try {
      const allowed = new URL(entry);
      const base = allowed.pathname.endsWith('/') ? allowed.pathname : `${allowed.pathname}/`;
      return (
        allowed.origin === target.origin && (target.pathname === allowed.pathname || target.pathname.startsWith(base))
      );
    } catch {
      return false;
    }
  });
}

export function createConnectFlow(deps: ConnectFlowDeps) {
  const { redis, config, log } = deps;
  const pendingKey = (nonce: string) => deps.redisKey('lightspeed', 'oauth', nonce);
  const attemptKey = (attempt: string) => deps.redisKey('lightspeed', 'oauth-attempt', attempt);

  async function note(vendorId: string | null, problem: CallbackProblem, detail?: string) {
    log.warn({ vendorId, problem }, 'lightspeed callback refused');
    if (!vendorId) return;
    await deps.integrationLog
      .record(vendorId, {
        level: problem === 'CONSENT_DENIED' ? 'WARN' : 'ERROR',
        event: `oauth.${problem.toLowerCase()}`,
        message: CALLBACK_MESSAGES[problem],
        ...(detail ? { details: { detail } } : {}),
      })
      .catch((err: unknown) => log.warn({ err }, 'could not write integration log'));
  }

  return {
    async start(input: { vendorId: string; origin: ConnectOrigin; returnTo?: string | null | undefined }) {
      const returnTo = input.returnTo ?? null;
      if (returnTo !== null) {
        const vendor = await deps.prisma.vendor.findUnique({
          where: { id: input.vendorId },
          select: { returnToAllowList: true },
        });
        if (!vendor || !isReturnToAllowed(returnTo, vendor.returnToAllowList)) {
          throw new BadRequestError(
            "returnTo is not on this vendor's allow-list",
            { field: 'body.returnTo' },
            'RETURN_TO_NOT_ALLOWED',
          );
        }
      }
      const pkce = await createPkcePair();
      const nonce = newNonce();
      const issuedAt = Date.now();
      const state = signState({ vendorId: input.vendorId, issuedAt, nonce }, config.LIGHTSPEED_CLIENT_SECRET);
      const pending: PendingConnect = {
        vendorId: input.vendorId,
        origin: input.origin,
        returnTo,
        verifier: pkce.verifier,
        environment: config.LIGHTSPEED_ENV,
      };
      await redis.set(pendingKey(nonce), JSON.stringify(pending), 'PX', STATE_MAX_AGE_MS);
      const authorizationUrl = deps.oauth.authorizationUrl(config.LIGHTSPEED_ENV, {
        state,
        codeChallenge: pkce.challenge,
        scopes: config.lightspeedScopes,
      });
      const expiresAt = new Date(issuedAt + STATE_MAX_AGE_MS);
      if (input.origin === 'backoffice') {
        // Already in the merchant's browser: the back office sets the cookie and redirects itself.
        return { authorizationUrl: authorizationUrl.toString(), nonce, expiresAt };
      }
      // The vendor's own back office gets a link of ours: the first browser to open it is bound.
      const attempt = newNonce();
      await redis.set(
        attemptKey(attempt),
        JSON.stringify({ nonce, authorizationUrl: authorizationUrl.toString() }),
        'PX',
        STATE_MAX_AGE_MS,
      );
      const connectUrl = `${config.PUBLIC_URL}/lightspeed/connect/start?attempt=${attempt}`;
      return { authorizationUrl: connectUrl, nonce, expiresAt };
    },

    /**
     * Opens an API connect link (once): the nonce to bind this browser to and where Lightspeed
     * asks the merchant for consent; null when the link is unknown, used or expired.
     */
    async openAttempt(attempt: string): Promise<{ nonce: string; authorizationUrl: string } | null> {
      if (!/^[A-Za-z0-9_-]{16,64}$/.test(attempt)) return null;
      const raw = await redis.getdel(attemptKey(attempt));
      return raw ? (JSON.parse(raw) as { nonce: string; authorizationUrl: string }) : null;
    },

    async complete(query: CallbackQuery, binding: CallbackBinding): Promise<CallbackResult> {
      const refuse = async (
        problem: CallbackProblem,
        ctx: { vendorId: string | null; pending?: PendingConnect },
        detail?: string,
      ): Promise<CallbackResult> => {
        await note(ctx.vendorId, problem, detail);
        return {
          ok: false,
          problem,
          message: CALLBACK_MESSAGES[problem],
          vendorId: ctx.vendorId,
          origin: ctx.pending?.origin ?? null,
          returnTo: ctx.pending?.returnTo ?? null,
        };
      };

      let payload: StatePayload;
      try {
        if (!query.state) throw new OAuthStateError('MALFORMED');
        payload = verifyState(query.state, config.LIGHTSPEED_CLIENT_SECRET);
      } catch (err) {
        const stateError = err as OAuthStateError;
        // A forged state names nobody we can trust: log it for the signed-in vendor, if any.
        if (stateError.problem === 'EXPIRED')
          return refuse('STATE_EXPIRED', { vendorId: stateError.payload?.vendorId ?? null });
        return refuse('STATE_INVALID', { vendorId: binding.sessionVendorId });
      }
      const raw = await redis.getdel(pendingKey(payload.nonce));
      if (!raw) return refuse('STATE_REPLAYED', { vendorId: payload.vendorId });
      const pending = JSON.parse(raw) as PendingConnect;
      if (pending.vendorId !== payload.vendorId) return refuse('STATE_INVALID', { vendorId: payload.vendorId });
      // Every connect is bound to the browser that started it: a code completed in another
      // browser (a link forwarded to someone else's merchant) is refused.
      if (
        binding.cookieNonce !== payload.nonce ||
        (pending.origin === 'backoffice' && binding.sessionVendorId !== payload.vendorId)
      ) {
        return refuse('BROWSER_MISMATCH', { vendorId: payload.vendorId, pending });
      }
      const ctx = { vendorId: payload.vendorId, pending };
      if (query.error) {
        const detail = `${query.error}${query.error_description ? `: ${query.error_description.slice(0, 200)}` : ''}`;
        return refuse(query.error === 'access_denied' ? 'CONSENT_DENIED' : 'AUTHORIZATION_FAILED', ctx, detail);
      }
      if (!query.code) return refuse('AUTHORIZATION_FAILED', ctx, 'no authorization code');

      const params = new URLSearchParams({ code: query.code, state: query.state! });
      let tokens: Awaited<ReturnType<typeof deps.oauth.exchangeCode>>;
      try {
        tokens = await deps.oauth.exchangeCode(pending.environment, params, {
          expectedState: query.state!,
          codeVerifier: pending.verifier,
        });
      } catch (err) {
        const detail = err instanceof TokenEndpointError ? err.message : 'unexpected error';
        if (!(err instanceof TokenEndpointError)) log.error({ err }, 'code exchange failed unexpectedly');
        return refuse('EXCHANGE_FAILED', ctx, detail);
      }
      let result: Awaited<ReturnType<typeof deps.setup.establish>>;
      try {
        result = await deps.setup.establish({ vendorId: payload.vendorId, environment: pending.environment, tokens });
      } catch (err) {
        if (err instanceof BusinessTakenError) return refuse('BUSINESS_ALREADY_CONNECTED', ctx, err.message);
        throw err;
      }
      return { ok: true, vendorId: payload.vendorId, origin: pending.origin, returnTo: pending.returnTo, ...result };
    },
  };
}

export type ConnectFlow = ReturnType<typeof createConnectFlow>;
