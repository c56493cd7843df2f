// Sign in with a vendor API key (the key is checked once and never stored in the browser),
// and sign out.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { html, layout } from './html.js';
import { sendHtml, type BackofficeContext } from './page.js';

const htmlResponse = { 200: z.string(), 303: z.null() };

function signInPage(error?: string): string {
  return layout({
    title: 'Sign in',
    flash: error ? { kind: 'error', text: error } : null,
    body: html`<section><h2>Sign in</h2>
<p class="muted">Use one of your vendor API keys (it starts with <code>lsk_</code>). Your operator gave you one when your account was created.</p>
<form method="post" action="/backoffice/sign-in">
<label for="apiKey">API key</label>
<input id="apiKey" name="apiKey" type="password" autocomplete="off" required size="60">
<p><button type="submit">Sign in</button></p>
</form></section>`,
  });
}

export function authRoutes(ctx: BackofficeContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/', {
      config: { backofficePublic: true },
      schema: { hide: true, response: htmlResponse },
      handler: async (request, reply) => {
        const session = await ctx.sessions.load(request);
        if (session) return reply.redirect('/backoffice/status', 303);
        return sendHtml(reply, 200, signInPage());
      },
    });

    app.post('/sign-in', {
      config: { backofficePublic: true },
      schema: {
        hide: true,
        body: z.object({ apiKey: z.string().max(200).default('') }),
        response: { ...htmlResponse, 401: z.string() },
      },
      handler: async (request, reply) => {
        const vendor = await app.findVendorByApiKey(request.body.apiKey.trim());
        if (!vendor) {
          request.log.info('back-office sign-in refused');
          return sendHtml(
            reply,
            401,
            signInPage('That API key is not valid (or it was revoked). Check it and try again.'),
          );
        }
        await ctx.sessions.create(reply, { id: vendor.id, apiKeyId: vendor.apiKeyId });
        request.log.info({ vendorId: vendor.id }, 'back-office sign-in');
        return reply.redirect('/backoffice/status', 303);
      },
    });

    app.post('/sign-out', {
      config: { backofficePublic: true },
      schema: { hide: true, body: z.object({ _csrf: z.string().optional() }).default({}), response: htmlResponse },
      handler: async (request, reply) => {
        await ctx.sessions.destroy(request, reply);
        return reply.redirect('/backoffice', 303);
      },
    });
  };
}
