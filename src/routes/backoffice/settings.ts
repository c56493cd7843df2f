// Settings tab: connect / reconnect with Lightspeed, delete the integration (typed
// confirmation), the business id, and the returnTo allow-list for the vendor's own back office.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DISCONNECT_CONFIRMATION } from '../../services/connections/manage-connection.js';
import { csrfField, html } from './html.js';
import { renderTab, sessionOf, withFlashOnError, type BackofficeContext } from './page.js';
import { CONNECT_COOKIE, cookieOptions, csrfToken } from './session.js';

const csrfBody = z.object({ _csrf: z.string().optional() });

export function settingsRoutes(ctx: BackofficeContext): FastifyPluginAsyncZod {
  return async (app) => {
    const { connect, connections } = app.services.lightspeed;

    app.get('/settings', {
      schema: { hide: true, response: { 200: z.string() } },
      handler: async (request, reply) => {
        const session = sessionOf(request);
        const csrf = csrfToken(app.config.SESSION_SECRET, session.id);
        const status = await connections.status(session.vendorId);
        const allowList = await connections.returnToAllowList(session.vendorId);
        const connected = status.status === 'CONNECTED';
        const everConnected = status.status !== 'NOT_CONNECTED';
        const body = html`
<section><h2>Lightspeed connection</h2>
<dl>
<dt>State</dt><dd><span class="badge ${status.status}" data-testid="connection-state">${status.status.replace('_', ' ')}</span>
${status.reconnectRequired ? html` <strong>Reconnect required.</strong>` : ''}</dd>
<dt>Business id</dt><dd data-testid="business-id">${status.businessId ?? 'not known yet'}</dd>
<dt>Business name</dt><dd>${status.businessName ?? '—'}</dd>
<dt>Environment</dt><dd>${status.environment ?? app.config.LIGHTSPEED_ENV}</dd>
</dl>
<form method="post" action="/backoffice/connect">${csrfField(csrf)}
<p class="muted">${
          connected
            ? 'Reconnecting keeps this integration and replaces its credentials. Use it if Lightspeed access was changed.'
            : 'You will be sent to Lightspeed to sign in and approve access, then brought back here.'
        }</p>
<button type="submit">${everConnected ? 'Reconnect with Lightspeed' : 'Connect with Lightspeed'}</button>
</form></section>
${
  connected || status.reconnectRequired
    ? html`
<section><h2>Delete the integration</h2>
<p>This disconnects Lightspeed: credentials are deleted and Lightspeed stops sending us updates. Orders cannot be sent to the POS until you connect again. You can reconnect at any time.</p>
<form method="post" action="/backoffice/disconnect">${csrfField(csrf)}
<label for="confirmation">Type <strong>${DISCONNECT_CONFIRMATION}</strong> to confirm</label>
<div class="row"><input id="confirmation" name="confirmation" autocomplete="off">
<button class="danger" type="submit">Delete integration</button></div>
</form></section>`
    : ''
}
<section><h2>Return addresses for your own back office</h2>
<p class="muted">When your own system starts a connection through the API with <code>returnTo</code>, that address must start with one of these (one per line).</p>
<form method="post" action="/backoffice/return-to">${csrfField(csrf)}
<textarea name="urls" rows="4" cols="70">${allowList.join('\n')}</textarea>
<p><button class="secondary" type="submit">Save addresses</button></p>
</form></section>`;
        return renderTab(app, ctx, reply, session, 'settings', 'Settings', body);
      },
    });

    app.post('/connect', {
      schema: { hide: true, body: csrfBody, response: { 303: z.null() } },
      handler: async (request, reply) => {
        const session = sessionOf(request);
        const started = await connect.start({ vendorId: session.vendorId, origin: 'backoffice' });
        // Only the callback needs the nonce: the cookie is scoped to its path.
        void reply.setCookie(CONNECT_COOKIE, started.nonce, cookieOptions(app, 600, '/lightspeed/callback'));
        request.log.info({ vendorId: session.vendorId }, 'back-office connect started');
        return reply.redirect(started.authorizationUrl, 303);
      },
    });

    app.post('/disconnect', {
      schema: {
        hide: true,
        body: csrfBody.extend({ confirmation: z.string().max(100).default('') }),
        response: { 303: z.null() },
      },
      handler: async (request, reply) => {
        const session = sessionOf(request);
        return withFlashOnError(ctx, reply, session, '/backoffice/settings', async () => {
          const typed = request.body.confirmation.trim();
          if (typed !== DISCONNECT_CONFIRMATION) {
            return {
              kind: 'error',
              text: `Nothing was deleted: type "${DISCONNECT_CONFIRMATION}" exactly to confirm.`,
            };
          }
          const { webhookRemoved } = await connections.disconnect(session.vendorId, typed);
          return {
            kind: 'ok',
            text: `The Lightspeed integration was deleted${webhookRemoved ? ' and our webhook removed at Lightspeed' : ''}. You can connect again at any time.`,
          };
        });
      },
    });

    app.post('/return-to', {
      schema: {
        hide: true,
        body: csrfBody.extend({ urls: z.string().max(20_000).default('') }),
        response: { 303: z.null() },
      },
      handler: async (request, reply) => {
        const session = sessionOf(request);
        return withFlashOnError(ctx, reply, session, '/backoffice/settings', async () => {
          const lines = request.body.urls
            .split(/\r?\n/)
            .map((l) => l.trim())
            .filter(Boolean);
          const parsed = z
            .array(z.url({ protocol: /^https?$/ }).max(2000))
            .max(20)
            .safeParse(lines);
          if (!parsed.success) {
            return {
              kind: 'error',
              text: 'Not saved: each line must be a full http(s) address, and at most 20 lines.',
            };
          }
          await connections.setReturnToAllowList(session.vendorId, parsed.data);
          return {
            kind: 'ok',
            text: `Saved ${parsed.data.length} return address${parsed.data.length === 1 ? '' : 'es'}.`,
          };
        });
      },
    });
  };
}
