// /backoffice: the merchant's page, server-rendered HTML (no front-end build). Sign in with an
// API key -> session cookie; tabs Settings, Status, Locations, Orders, Logs, API keys. Forms post
// application/x-www-form-urlencoded with a per-session CSRF token; errors are shown in words.
import formbody from '@fastify/formbody';
import type { FastifyError } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../../lib/errors.js';
import { apiKeyRoutes } from './api-keys.js';
import { authRoutes } from './auth.js';
import { html, layout } from './html.js';
import { locationRoutes } from './locations.js';
import { logRoutes } from './logs.js';
import { orderRoutes } from './orders.js';
import { sendHtml, type BackofficeContext } from './page.js';
import { csrfValid, sessionStore } from './session.js';
import { settingsRoutes } from './settings.js';
import { statusRoutes } from './status.js';

function errorPage(status: number, message: string, requestId: string): string {
  return layout({
    title: 'Problem',
    flash: { kind: 'error', text: message },
    body: html`<section><p><a href="/backoffice">Back to the back office</a></p>
<p class="muted">HTTP ${status} · reference ${requestId}</p></section>`,
  });
}

const backofficeRoutes: FastifyPluginAsyncZod = async (app) => {
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  const ctx: BackofficeContext = { sessions: sessionStore(app) };

  app.decorateRequest('backofficeSession', null);

  // CSP and the other security headers: @fastify/helmet (src/plugins/security-headers.ts).
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });

  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.config.backofficePublic) return;
    const session = await ctx.sessions.load(request);
    if (!session) return reply.redirect('/backoffice', 303);
    if (
      request.method === 'POST' &&
      !csrfValid(app.config.SESSION_SECRET, session.id, (request.body as { _csrf?: unknown } | undefined)?._csrf)
    ) {
      return sendHtml(
        reply,
        403,
        errorPage(403, 'This form has expired. Go back, reload the page and try again.', request.id),
      );
    }
    request.backofficeSession = session;
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const fields = err.validation
        .map((v) => v.instancePath.split('/').filter(Boolean).join('.') || err.validationContext)
        .join(', ');
      return sendHtml(
        reply,
        400,
        errorPage(400, `Some of what was sent is not valid (${fields}). Go back and check the form.`, request.id),
      );
    }
    if (err instanceof AppError)
      return sendHtml(reply, err.statusCode, errorPage(err.statusCode, err.message, request.id));
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) request.log.error({ err }, 'back-office request failed');
    const message =
      status === 500
        ? 'Something went wrong on our side. Try again in a moment.'
        : 'That request could not be handled.';
    return sendHtml(reply, status, errorPage(status, message, request.id));
  });

  await app.register(authRoutes(ctx));
  await app.register(settingsRoutes(ctx));
  await app.register(statusRoutes(ctx));
  await app.register(locationRoutes(ctx));
  await app.register(orderRoutes(ctx));
  await app.register(logRoutes(ctx));
  await app.register(apiKeyRoutes(ctx));
};

export default backofficeRoutes;
