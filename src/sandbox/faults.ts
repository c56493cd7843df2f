// Faults on demand, set through the control API: HTTP faults on the sandbox's own API (429 with
// Retry-After, 5xx before or after the handler ran, added latency, connection resets) and webhook
// faults (drop, duplicate, reorder, delay) consumed by the webhook sender.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from './context.js';
import { apiSubExceptionBody, pathOf, springBody } from './errors.js';
import { sleep } from './util.js';

export interface HttpFault {
  id: number;
  kind: 'status' | 'latency' | 'reset';
  /** For `status`: 429 or a 5xx. */
  status?: number;
  /** For 429: the Retry-After header, in seconds. */
  retryAfterSeconds?: number;
  /** For `latency`: milliseconds added before the request is handled. */
  ms?: number;
  /** `before`: the request is not handled. `after`: handled, but the answer is replaced (a lost response). */
  phase: 'before' | 'after';
  pathPrefix?: string;
  method?: string;
  /** Calls left; null = until cleared. */
  remaining: number | null;
  hits: number;
}

export interface WebhookFault {
  id: number;
  kind: 'drop' | 'duplicate' | 'reorder' | 'delay';
  /** Notifications left to affect (for `reorder`: the size of the group released in reverse). */
  remaining: number;
  /** Only notifications of this type (ORDER, PAYMENT, ITEM, ORDER_API). */
  type?: string;
  /** For `delay`: milliseconds. For `reorder`: how long to wait for the group to fill. */
  delayMs?: number;
  hits: number;
}

/** The control-API prefix: never faulted, never counted. */
export const CONTROL_PREFIX = '/__sandbox';

export class Faults {
  http: HttpFault[] = [];
  webhook: WebhookFault[] = [];
  private nextId = 1;
  private readonly afterFaults = new WeakMap<FastifyRequest, HttpFault>();

  addHttp(fault: Omit<HttpFault, 'id' | 'hits'>): HttpFault {
    const f: HttpFault = { ...fault, id: this.nextId++, hits: 0 };
    this.http.push(f);
    return f;
  }

  addWebhook(fault: Omit<WebhookFault, 'id' | 'hits'>): WebhookFault {
    const f: WebhookFault = { ...fault, id: this.nextId++, hits: 0 };
    this.webhook.push(f);
    return f;
  }

  clear(): void {
    this.http = [];
    this.webhook = [];
  }

  /** Consumes one use of the first matching webhook fault. */
  takeWebhookFault(type: string): WebhookFault | undefined {
    const f = this.webhook.find((w) => w.remaining > 0 && (!w.type || w.type === type));
    if (!f) return undefined;
    f.hits++;
    f.remaining--;
    this.webhook = this.webhook.filter((w) => w.remaining > 0);
    return f;
  }

  private matching(request: FastifyRequest, kind: HttpFault['kind'], phase?: HttpFault['phase']): HttpFault[] {
    const path = pathOf(request.url);
    return this.http.filter(
      (f) =>
        f.kind === kind &&
        (phase === undefined || f.phase === phase) &&
        (f.remaining === null || f.remaining > 0) &&
        (!f.pathPrefix || path.startsWith(f.pathPrefix)) &&
        (!f.method || f.method.toUpperCase() === request.method),
    );
  }

  private consume(f: HttpFault): void {
    f.hits++;
    if (f.remaining !== null) f.remaining--;
    if (f.remaining === 0) this.http = this.http.filter((x) => x !== f);
  }

  /** Registers the hooks that apply HTTP faults to every non-control request. */
  install(app: FastifyInstance, ctx: SandboxContext): void {
    app.addHook('onRequest', async (request, reply) => {
      if (request.url.startsWith(CONTROL_PREFIX)) return;
      ctx.state.countRequest(`${request.method} ${request.routeOptions.url ?? '(unmatched)'}`);
      if (this.http.length === 0) return;

      const latency = this.matching(request, 'latency');
      if (latency.length > 0) {
        for (const f of latency) this.consume(f);
        await sleep(Math.max(...latency.map((f) => f.ms ?? 0)));
      }
      const reset = this.matching(request, 'reset')[0];
      if (reset) {
        this.consume(reset);
        reply.hijack();
        request.raw.socket.destroy();
        return;
      }
      const before = this.matching(request, 'status', 'before')[0];
      if (before) {
        this.consume(before);
        return sendFault(reply, before, ctx.now());
      }
      const after = this.matching(request, 'status', 'after')[0];
      if (after) {
        this.consume(after);
        this.afterFaults.set(request, after);
      }
      return;
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const fault = this.afterFaults.get(request);
      if (!fault) return payload;
      this.afterFaults.delete(request);
      applyHeaders(reply, fault);
      void reply.code(fault.status ?? 500).header('content-type', 'application/json; charset=utf-8');
      return JSON.stringify(faultBody(request, fault, ctx.now()));
    });
  }
}

function applyHeaders(reply: FastifyReply, fault: HttpFault): void {
  if (fault.status === 429 || fault.retryAfterSeconds !== undefined) {
    void reply.header('retry-after', String(fault.retryAfterSeconds ?? 1));
  }
}

function faultBody(request: FastifyRequest, fault: HttpFault, now: number) {
  const status = fault.status ?? 500;
  const message =
    status === 429
      ? 'Too many requests, retry later'
      : status === 503
        ? 'Service temporarily unavailable'
        : 'Sandbox fault injected';
  const path = pathOf(request.url);
  // The menu loads document their 503 in the apiSubExceptions shape (status as a string), not Spring's.
  if (/^\/o\/op\/[12]\/menu\/load\//.test(path)) return apiSubExceptionBody(status, message, now);
  return springBody(status, message, path, now);
}

function sendFault(reply: FastifyReply, fault: HttpFault, now: number): FastifyReply {
  applyHeaders(reply, fault);
  return reply.code(fault.status ?? 500).send(faultBody(reply.request, fault, now));
}
