// GET /lightspeed/connect/start: the link an API connect returns; binds the attempt to the
// browser that opens it (signed cookie with the state's nonce), then on to Lightspeed.
// GET /lightspeed/callback: the OAuth redirect URI. The connect flow verifies state, bindings
// and the code; this route decides where the merchant lands: the back office (with a message),
// the vendor's own back office (returnTo with lightspeed=connected|error), or a plain page.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CallbackResult } from '../services/connections/oauth-connect-flow.js';
import { html, layout } from './backoffice/html.js';
import { errorBodySchema } from './schemas.js';
import { sendHtml } from './backoffice/page.js';
import { CONNECT_COOKIE, cookieOptions, readSignedCookie, sessionStore } from './backoffice/session.js';

const param = z.string().max(2048).optional();

function resultPage(result: CallbackResult): string {
  const ok = result.ok;
  const text = ok
    ? `Connected to Lightspeed${result.businessName ? ` (business "${result.businessName}", id ${result.businessId})` : ''}. You can close this window.`
    : result.message;
  return layout({
    title: ok ? 'Connected' : 'Not connected',
    flash: { kind: ok ? 'ok' : 'error', text },
    body: html`<section><p><a href="/backoffice">Go to the back office</a></p></section>`,
  });
}

function withParams(url: string, params: Record<string, string>): string {
  const target = new URL(url);
  for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
  return target.toString();
}

const htmlPage = z.string().meta({ 'x-media-type': 'text/html', description: 'A page for the merchant' });

const callbackRoutes: FastifyPluginAsyncZod = async (app) => {
  const sessions = sessionStore(app);

  app.get('/lightspeed/connect/start', {
    schema: {
      tags: ['lightspeed'],
      summary: "Opens a connect link returned by POST /v1/lightspeed/connect (in the merchant's browser, once)",
      querystring: z.object({ attempt: z.string().max(128) }),
      response: { 303: z.null(), 400: z.union([z.string(), errorBodySchema]) },
    },
    handler: async (request, reply) => {
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      const opened = await app.services.lightspeed.connect.openAttempt(request.query.attempt);
      if (!opened) {
        const page = layout({
          title: 'Not connected',
          flash: {
            kind: 'error',
            text: 'This connect link was already used or has expired (links work once, for 10 minutes). Start the connection again.',
          },
          body: html`<section><p><a href="/backoffice">Go to the back office</a></p></section>`,
        });
        return sendHtml(reply, 400, page);
      }
      // The callback only accepts the code in the browser holding this cookie.
      void reply.setCookie(CONNECT_COOKIE, opened.nonce, cookieOptions(app, 600, '/lightspeed/callback'));
      request.log.info('lightspeed connect link opened');
      return reply.redirect(opened.authorizationUrl, 303);
    },
  });

  app.get('/lightspeed/callback', {
    schema: {
      tags: ['lightspeed'],
      summary: "OAuth redirect URI (Lightspeed sends the merchant's browser here)",
      querystring: z.object({ code: param, state: param, error: param, error_description: param }).loose(),
      // An HTML page for the merchant's browser (x-media-type: documented as text/html); malformed
      // input (validation, NUL, 429) gets the usual error body.
      response: { 200: htmlPage, 303: z.null(), 400: z.union([htmlPage, errorBodySchema]), 500: htmlPage },
    },
    handler: async (request, reply) => {
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      const session = await sessions.load(request);
      let result: CallbackResult;
      try {
        result = await app.services.lightspeed.connect.complete(request.query, {
          cookieNonce: readSignedCookie(request, CONNECT_COOKIE),
          sessionVendorId: session?.vendorId ?? null,
        });
      } catch (err) {
        request.log.error({ err }, 'lightspeed callback failed');
        const page = layout({
          title: 'Not connected',
          flash: {
            kind: 'error',
            text: 'Something went wrong on our side while connecting. Start the connection again in a moment.',
          },
          body: html`<section><p><a href="/backoffice">Go to the back office</a></p><p class="muted">Reference ${request.id}</p></section>`,
        });
        return sendHtml(reply, 500, page);
      }
      void reply.clearCookie(CONNECT_COOKIE, { path: '/lightspeed/callback' });

      if (result.returnTo) {
        const params: Record<string, string> = result.ok
          ? { lightspeed: 'connected' }
          : { lightspeed: 'error', reason: result.problem };
        return reply.redirect(withParams(result.returnTo, params), 303);
      }
      // The merchant is signed in to our back office in this browser: show the outcome there.
      if (
        session &&
        (result.ok ? result.origin === 'backoffice' : result.vendorId === null || result.vendorId === session.vendorId)
      ) {
        const text = result.ok
          ? `Connected to Lightspeed${result.businessName ? `: business "${result.businessName}" (id ${result.businessId})` : ''}.` +
            (result.warnings.length > 0 ? ` Warning: ${result.warnings.join(' ')}` : '')
          : result.message;
        await sessions.setFlash(session, { kind: result.ok && result.warnings.length === 0 ? 'ok' : 'error', text });
        return reply.redirect(result.ok ? '/backoffice/status' : '/backoffice/settings', 303);
      }
      return sendHtml(reply, result.ok ? 200 : 400, resultPage(result));
    },
  });
};

export default callbackRoutes;
