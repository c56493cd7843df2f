// Back-office sessions: a random session id in an httpOnly, signed, SameSite=Lax cookie; the
// session itself (vendor, API key id, one flash message) lives in Redis, so API processes stay
// stateless and sign-out really ends it. Lax (not Strict) because the OAuth callback is a
// top-level navigation coming back from Lightspeed and must see the session.
import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CookieSerializeOptions } from '@fastify/cookie';
import { safeEqual } from '../../lib/timing-safe.js';
import type { Flash } from './html.js';

export const SESSION_COOKIE = 'bo_session';
/** Binds a back-office connect to this browser: holds the OAuth state's nonce. */
export const CONNECT_COOKIE = 'ls_connect';
const SESSION_TTL_SECONDS = 8 * 60 * 60;

export interface BackofficeSession {
  id: string;
  vendorId: string;
  apiKeyId: string;
  createdAt: number;
  flash?: Flash;
}

export function cookieOptions(app: FastifyInstance, maxAgeSeconds: number, path = '/'): CookieSerializeOptions {
  return {
    path,
    httpOnly: true,
    sameSite: 'lax',
    secure: app.config.PUBLIC_URL.startsWith('https://'),
    signed: true,
    maxAge: maxAgeSeconds,
  };
}

/** Reads a signed cookie; null when absent or tampered with. */
export function readSignedCookie(request: FastifyRequest, name: string): string | null {
  const raw = request.cookies[name];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid ? unsigned.value : null;
}

export function sessionStore(app: FastifyInstance) {
  const key = (id: string) => app.redisKey('backoffice', 'session', id);

  async function save(session: BackofficeSession): Promise<void> {
    await app.redis.set(key(session.id), JSON.stringify(session), 'KEEPTTL');
  }

  return {
    async create(reply: FastifyReply, vendor: { id: string; apiKeyId: string }): Promise<BackofficeSession> {
      const session: BackofficeSession = {
        id: randomBytes(24).toString('base64url'),
        vendorId: vendor.id,
        apiKeyId: vendor.apiKeyId,
        createdAt: Date.now(),
      };
      await app.redis.set(key(session.id), JSON.stringify(session), 'EX', SESSION_TTL_SECONDS);
      void reply.setCookie(SESSION_COOKIE, session.id, cookieOptions(app, SESSION_TTL_SECONDS));
      return session;
    },

    /** The session of this browser, when its API key is still valid. */
    async load(request: FastifyRequest): Promise<BackofficeSession | null> {
      const id = readSignedCookie(request, SESSION_COOKIE);
      if (!id) return null;
      const raw = await app.redis.get(key(id));
      if (!raw) return null;
      const session = JSON.parse(raw) as BackofficeSession;
      if (!(await app.services.vendors.keyIsActive(session.vendorId, session.apiKeyId))) {
        await app.redis.del(key(id));
        return null;
      }
      return session;
    },

    async setFlash(session: BackofficeSession, flash: Flash): Promise<void> {
      session.flash = flash;
      await save(session);
    },

    async takeFlash(session: BackofficeSession): Promise<Flash | null> {
      const flash = session.flash ?? null;
      if (flash) {
        delete session.flash;
        await save(session);
      }
      return flash;
    },

    async destroy(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const id = readSignedCookie(request, SESSION_COOKIE);
      if (id) await app.redis.del(key(id));
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    },
  };
}

export type SessionStore = ReturnType<typeof sessionStore>;

/** Per-session CSRF token for the back office's forms. */
export function csrfToken(secret: string, sessionId: string): string {
  return createHmac('sha256', secret).update(`csrf:${sessionId}`).digest('base64url');
}

export function csrfValid(secret: string, sessionId: string, token: unknown): boolean {
  return typeof token === 'string' && safeEqual(token, csrfToken(secret, sessionId));
}
