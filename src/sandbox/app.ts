// buildSandbox(): the K-Series simulator as a Fastify instance that does not listen. Entry points
// (main.ts, the dev process) listen; tests use inject() or listen on port 0. The instance carries
// `app.sandbox`, a handle for in-process owners (reset, idle, direct token issue, state).
import formbody from '@fastify/formbody';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { registerControlRoutes } from './control.js';
import { registerMerchantControlRoutes } from './control-merchant.js';
import {
  resolveOptions,
  Tasks,
  type ResolvedSandboxOptions,
  type SandboxContext,
  type SandboxOptions,
} from './context.js';
import { pathOf, springBody } from './errors.js';
import { CONTROL_PREFIX, Faults } from './faults.js';
import { Notifier } from './notify.js';
import { registerOAuthRoutes } from './oauth.js';
import { errorPage } from './oauth-pages.js';
import { Pos } from './pos.js';
import { registerCatalogRoutes } from './routes/catalog.js';
import { registerFinancialRoutes } from './routes/financial.js';
import { registerItemRoutes } from './routes/items.js';
import { registerOrderRoutes } from './routes/orders.js';
import { registerRichItemRoutes } from './routes/rich-items.js';
import { registerWebhookRoutes } from './routes/webhooks.js';
import { SandboxState } from './state.js';
import { createGrant, issueTokens, type TokenResponse } from './tokens.js';
import { WebhookSender } from './webhook-sender.js';

export type { SandboxOptions } from './context.js';
export type { OAuthClient, SandboxState } from './state.js';
export { SANDBOX_SEED } from './seed.js';

export interface SandboxHandle {
  /** Everything the sandbox holds (read it in tests; prefer the control API over HTTP). */
  readonly state: SandboxState;
  readonly options: ResolvedSandboxOptions;
  readonly faults: Faults;
  /** Back to the seed: tokens, orders, webhooks, faults, counters — everything. */
  reset(): void;
  /** Resolves true once no outcome is pending and no webhook is in flight (false on timeout). */
  idle(timeoutMs?: number): Promise<boolean>;
  /** Issues a token pair without the browser dance (a shortcut for tests and the dev loop). */
  issueTokens(input?: { clientId?: string; businessId?: number; scopes?: string[] }): TokenResponse;
}

export type SandboxInstance = FastifyInstance & { sandbox: SandboxHandle };

export async function buildSandbox(options: SandboxOptions): Promise<SandboxInstance> {
  const resolved = resolveOptions(options);
  // The control API can move the sandbox's clock forward (scheduled orders, delivery windows).
  const clock = { offsetMs: 0 };
  const baseNow = options.now ?? Date.now;
  const now = () => baseNow() + clock.offsetMs;
  const app = Fastify({
    logger: (options.logger ?? false) as boolean,
    // Rich item pictures arrive base64 encoded in JSON.
    bodyLimit: 10 * 1024 * 1024,
    return503OnClosing: true,
  });

  const ctx: SandboxContext = {
    state: new SandboxState(now),
    options: resolved,
    clients: new Map(resolved.clients.map((c) => [c.clientId, c])),
    tasks: new Tasks((err) => app.log.error({ err }, 'sandbox background task failed')),
    now,
  };
  const faults = new Faults();
  const sender = new WebhookSender(ctx, faults);
  const notifier = new Notifier(ctx, sender);
  const pos = new Pos(ctx, notifier);
  const reset = (): void => {
    ctx.tasks.cancelAll();
    pos.delivery.reset();
    pos.merchant.reset();
    clock.offsetMs = 0;
    sender.reset();
    faults.clear();
    ctx.state.reset();
  };

  await app.register(formbody);
  // K-Series tolerates an empty body with a JSON content type (DELETE from generic clients);
  // the routes that need a body answer 400 themselves.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      const error = err as FastifyError;
      error.statusCode = 400;
      error.code = 'FST_ERR_CTP_INVALID_JSON_BODY';
      done(error, undefined);
    }
  });

  faults.install(app, ctx);
  registerOAuthRoutes(app, ctx);
  registerCatalogRoutes(app, ctx);
  registerOrderRoutes(app, ctx, pos);
  registerWebhookRoutes(app, ctx);
  registerFinancialRoutes(app, ctx);
  registerItemRoutes(app, ctx);
  registerRichItemRoutes(app, ctx);
  registerControlRoutes(app, { ctx, faults, pos, notifier, reset });
  registerMerchantControlRoutes(app, { ctx, pos, clock });

  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith(CONTROL_PREFIX))
      return reply.code(404).send({ error: 'not_found', message: 'no such control route' });
    return reply.code(404).send(springBody(404, 'No message available', pathOf(request.url), now()));
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'sandbox error');
    const path = pathOf(request.url);
    if (path === '/oauth/token') {
      return reply
        .code(status === 500 ? 500 : 400)
        .send({ error: status === 500 ? 'server_error' : 'invalid_request', error_description: error.message });
    }
    if (path === '/oauth/authorize')
      return reply.code(status).type('text/html; charset=utf-8').send(errorPage(error.message));
    if (path.startsWith(CONTROL_PREFIX))
      return reply.code(status).send({ error: 'control_error', message: error.message });
    const message =
      error.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
        ? `JSON parse error: ${error.message}`
        : error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? `Content type '${request.headers['content-type'] ?? ''}' not supported`
          : status === 500
            ? 'Internal Server Error'
            : error.message;
    return reply.code(status).send(springBody(status, message, path, now()));
  });

  const handle: SandboxHandle = {
    state: ctx.state,
    options: resolved,
    faults,
    reset,
    idle: (timeoutMs) => ctx.tasks.idle(timeoutMs),
    issueTokens: (input = {}) => {
      const clientId = input.clientId ?? resolved.clients[0]!.clientId;
      if (!ctx.clients.has(clientId)) throw new Error(`sandbox: unknown client ${clientId}`);
      const businessId = input.businessId ?? ctx.state.businesses[0]!.id;
      return issueTokens(
        ctx,
        createGrant(ctx, clientId, businessId, input.scopes ?? ['orders-api', 'financial-api', 'items']),
      );
    },
  };
  app.decorate('sandbox', handle);
  app.addHook('onClose', async () => {
    pos.delivery.reset();
    ctx.tasks.close();
    await sender.close();
  });
  return app as unknown as SandboxInstance;
}
