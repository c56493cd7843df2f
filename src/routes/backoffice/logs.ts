// Logs tab: the integration log, newest first; repeated entries show how often and when last.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { formatTime, html } from './html.js';
import { renderTab, sessionOf, type BackofficeContext } from './page.js';

/** Order and payment entries name their order: link to its page on the Orders tab. */
function orderLink(details: Record<string, unknown> | null) {
  const orderId = details?.orderId;
  return typeof orderId === 'string' && /^[0-9a-f-]{36}$/.test(orderId)
    ? html` · <a href="/backoffice/orders/${orderId}">view the order</a>`
    : '';
}

export function logRoutes(ctx: BackofficeContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/logs', {
      schema: { hide: true, response: { 200: z.string() } },
      handler: async (request, reply) => {
        const session = sessionOf(request);
        const entries = await app.services.lightspeed.integrationLog.list(session.vendorId);
        const body = html`<section><h2>Integration log</h2>
<p class="muted">Newest first; the last 100 entries are kept. Identical entries in a row are shown once with a count.</p>
${
  entries.length === 0
    ? html`<p>Nothing logged yet.</p>`
    : html`<table><thead><tr><th>When</th><th>Level</th><th>What happened</th><th>Times</th></tr></thead><tbody>
${entries.map(
  (e) => html`<tr data-testid="log-row"><td>${formatTime(e.lastAt)}</td><td class="level-${e.level}">${e.level}</td>
<td>${e.message}<br><span class="muted">${e.event}</span>${orderLink(e.details)}</td>
<td>${e.count > 1 ? html`×${e.count} <span class="muted">since ${formatTime(e.firstAt)}</span>` : '1'}</td></tr>`,
)}
</tbody></table>`
}</section>`;
        return renderTab(app, ctx, reply, session, 'logs', 'Logs', body);
      },
    });
  };
}
