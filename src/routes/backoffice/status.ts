// Status tab: connection state, business, scopes, token expiry, last check and last error, and
// Test Connection (a real K-Series call).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { csrfField, formatTime, html } from './html.js';
import { renderTab, sessionOf, withFlashOnError, type BackofficeContext } from './page.js';
import { csrfToken } from './session.js';

const STATE_WORDS = {
  CONNECTED: 'Connected: orders and data flow between this service and your Lightspeed POS.',
  DISCONNECTED: 'Disconnected: nothing is sent to Lightspeed until you connect again (Settings).',
  NOT_CONNECTED: 'Not connected yet: connect with Lightspeed on the Settings tab.',
} as const;

export function statusRoutes(ctx: BackofficeContext): FastifyPluginAsyncZod {
  return async (app) => {
    const { connections } = app.services.lightspeed;

    app.get('/status', {
      schema: { hide: true, response: { 200: z.string() } },
      handler: async (request, reply) => {
        const session = sessionOf(request);
        const s = await connections.status(session.vendorId);
        const body = html`<section><h2>Status</h2>
<p><span class="badge ${s.status}" data-testid="connection-state">${s.status.replace('_', ' ')}</span></p>
<p>${s.reconnectRequired ? 'Lightspeed no longer accepts our credentials. Go to Settings and click Reconnect.' : STATE_WORDS[s.status]}</p>
<dl>
<dt>Business id</dt><dd data-testid="business-id">${s.businessId ?? '—'}</dd>
<dt>Business name</dt><dd>${s.businessName ?? '—'}</dd>
<dt>Environment</dt><dd>${s.environment ?? '—'}</dd>
<dt>Granted scopes</dt><dd>${s.scopes.length > 0 ? s.scopes.join(', ') : '—'}</dd>
<dt>Access token valid until</dt><dd>${s.accessTokenExpiresAt ? formatTime(s.accessTokenExpiresAt) : '—'} <span class="muted">(renewed automatically)</span></dd>
<dt>Order webhooks</dt><dd>${s.webhookRegistered ? 'registered at Lightspeed' : 'not registered'}</dd>
<dt>Connected since</dt><dd>${formatTime(s.connectedAt)}</dd>
<dt>Last checked</dt><dd data-testid="last-checked">${formatTime(s.lastCheckedAt)}</dd>
<dt>Last error</dt><dd data-testid="last-error">${s.lastError ?? 'none'}</dd>
</dl>
${
  s.status === 'CONNECTED'
    ? html`<form method="post" action="/backoffice/test">${csrfField(csrfToken(app.config.SESSION_SECRET, session.id))}<button type="submit">Test connection</button></form>`
    : ''
}
</section>`;
        return renderTab(app, ctx, reply, session, 'status', 'Status', body);
      },
    });

    app.post('/test', {
      schema: { hide: true, body: z.object({ _csrf: z.string().optional() }), response: { 303: z.null() } },
      handler: async (request, reply) => {
        const session = sessionOf(request);
        return withFlashOnError(ctx, reply, session, '/backoffice/status', async () => {
          const result = await connections.test(session.vendorId);
          return { kind: result.ok ? 'ok' : 'error', text: result.message };
        });
      },
    });
  };
}
