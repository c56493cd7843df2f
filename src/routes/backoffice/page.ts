// Shared plumbing of the back-office pages: the signed-in session of a request, rendering a
// tab with the vendor's name, CSRF token and flash message, and redirect-with-message.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, UnauthorizedError } from '../../lib/errors.js';
import { layout, type Flash, type SafeHtml, type Tab } from './html.js';
import { csrfToken, type BackofficeSession, type SessionStore } from './session.js';

declare module 'fastify' {
  interface FastifyRequest {
    backofficeSession: BackofficeSession | null;
  }
  interface FastifyContextConfig {
    /** Back-office routes reachable without a session (sign-in). */
    backofficePublic?: boolean;
  }
}

export interface BackofficeContext {
  sessions: SessionStore;
}

export function sessionOf(request: FastifyRequest): BackofficeSession {
  if (!request.backofficeSession) throw new UnauthorizedError('Sign in first');
  return request.backofficeSession;
}

export function sendHtml(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(body);
}

export async function renderTab(
  app: FastifyInstance,
  ctx: BackofficeContext,
  reply: FastifyReply,
  session: BackofficeSession,
  tab: Tab,
  title: string,
  body: SafeHtml,
): Promise<FastifyReply> {
  const vendorName = await app.services.vendors.nameOf(session.vendorId);
  const flash = await ctx.sessions.takeFlash(session);
  return sendHtml(
    reply,
    200,
    layout({
      title,
      vendorName: vendorName ?? 'Vendor',
      csrf: csrfToken(app.config.SESSION_SECRET, session.id),
      active: tab,
      flash,
      body,
    }),
  );
}

/** POST-redirect-GET with a message shown once on the next page. */
export async function redirectWithFlash(
  ctx: BackofficeContext,
  reply: FastifyReply,
  session: BackofficeSession,
  location: string,
  flash: Flash,
): Promise<FastifyReply> {
  await ctx.sessions.setFlash(session, flash);
  return reply.redirect(location, 303);
}

/** Runs an action; an AppError (validation, conflict, K-Series failure) becomes an error message. */
export async function withFlashOnError(
  ctx: BackofficeContext,
  reply: FastifyReply,
  session: BackofficeSession,
  location: string,
  action: () => Promise<Flash>,
): Promise<FastifyReply> {
  try {
    return await redirectWithFlash(ctx, reply, session, location, await action());
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return redirectWithFlash(ctx, reply, session, location, { kind: 'error', text: err.message });
  }
}
