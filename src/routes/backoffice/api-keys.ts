// API keys tab: the vendor's keys (prefix, name, created, last used, revoked), a new key shown
// once, and revoking a key. Same vendor service as /v1/api-keys and the admin API.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiKeyView } from '../../services/vendors.js';
import { csrfField, formatTime, html, type SafeHtml } from './html.js';
import { redirectWithFlash, renderTab, sessionOf, withFlashOnError, type BackofficeContext } from './page.js';
import { csrfToken, type BackofficeSession } from './session.js';

export function apiKeyRoutes(ctx: BackofficeContext): FastifyPluginAsyncZod {
  return async (app) => {
    const vendors = app.services.vendors;

    function keysTable(keys: ApiKeyView[], session: BackofficeSession, csrf: string): SafeHtml {
      const active = keys.filter((k) => !k.revokedAt);
      const ordered = [...active, ...keys.filter((k) => k.revokedAt)];
      return html`<table><thead><tr><th>Key</th><th>Name</th><th>Created</th><th>Last used</th><th></th></tr></thead><tbody>
${ordered.map(
  (k) => html`<tr data-testid="api-key-row" data-prefix="${k.prefix}"${k.revokedAt ? html` class="muted"` : ''}>
<td><code>${k.prefix}_…</code></td><td>${k.name ?? '—'}</td><td>${formatTime(k.createdAt)}</td><td>${formatTime(k.lastUsedAt)}</td>
<td>${
    k.revokedAt
      ? html`<span class="badge muted" data-testid="api-key-state">Revoked ${formatTime(k.revokedAt)}</span>`
      : k.id === session.apiKeyId
        ? html`<span class="muted" data-testid="api-key-state">You are signed in with this key</span>`
        : html`<form method="post" action="/backoffice/api-keys/${k.id}/revoke">${csrfField(csrf)}
<button class="danger" type="submit" aria-label="Revoke ${k.prefix}">Revoke</button></form>`
  }</td></tr>`,
)}
</tbody></table>`;
    }

    async function page(session: BackofficeSession, created: { key: string; prefix: string } | null) {
      const csrf = csrfToken(app.config.SESSION_SECRET, session.id);
      const keys = await vendors.listKeys(session.vendorId);
      return html`${
        created
          ? html`<section class="problem warn" data-testid="new-key"><h2>Your new API key</h2>
<p><strong>Copy it now: it is shown only this once.</strong> We keep only a fingerprint of it, so nobody can show it to you again.</p>
<code class="secret" data-testid="new-key-value">${created.key}</code></section>`
          : ''
      }
<section><h2>API keys</h2>
<p class="muted">Your kiosks and ordering systems use these keys to call the API, and you sign in here with one. Revoke a key that is no longer used or may have leaked: it stops working at once.</p>
${keysTable(keys, session, csrf)}</section>
<section><h2>Create a key</h2>
<form method="post" action="/backoffice/api-keys">${csrfField(csrf)}
<label for="key-name">Name (what uses it, e.g. "Kiosk 2")</label><input id="key-name" name="name" maxlength="100">
<p><button type="submit">Create key</button></p></form></section>`;
    }

    app.get('/api-keys', {
      schema: { hide: true, response: { 200: z.string() } },
      handler: async (request, reply) => {
        const session = sessionOf(request);
        return renderTab(app, ctx, reply, session, 'api-keys', 'API keys', await page(session, null));
      },
    });

    // The new key is rendered in this POST's own answer and never stored (not in the session,
    // not in a flash message): reloading the page cannot show it again.
    app.post('/api-keys', {
      schema: {
        hide: true,
        body: z.object({ _csrf: z.string().optional(), name: z.string().max(100).default('') }),
        response: { 200: z.string() },
      },
      handler: async (request, reply) => {
        const session = sessionOf(request);
        const name = request.body.name.trim() || null;
        const { record, apiKey } = await vendors.issueKey(session.vendorId, name);
        request.log.info({ vendorId: session.vendorId, apiKeyPrefix: record.prefix }, 'back-office api key issued');
        const body = await page(session, { key: apiKey, prefix: record.prefix });
        return renderTab(app, ctx, reply, session, 'api-keys', 'API keys', body);
      },
    });

    app.post('/api-keys/:keyId/revoke', {
      schema: {
        hide: true,
        params: z.object({ keyId: z.uuid() }),
        body: z.object({ _csrf: z.string().optional() }),
        response: { 303: z.null() },
      },
      handler: async (request, reply) => {
        const session = sessionOf(request);
        // Revoking the key of this session would sign the merchant out, and revoking their
        // last key would lock them out of the back office for good: sign in with another first.
        if (request.params.keyId === session.apiKeyId) {
          return redirectWithFlash(ctx, reply, session, '/backoffice/api-keys', {
            kind: 'error',
            text: 'You are signed in with this key. Sign in with another key to revoke this one.',
          });
        }
        return withFlashOnError(ctx, reply, session, '/backoffice/api-keys', async () => {
          const key = await vendors.revokeKey(session.vendorId, request.params.keyId);
          request.log.info({ vendorId: session.vendorId, apiKeyPrefix: key.prefix }, 'back-office api key revoked');
          return { kind: 'ok', text: `Key ${key.prefix} is revoked: it no longer works.` };
        });
      },
    });
  };
}
