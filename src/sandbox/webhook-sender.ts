// Delivers notifications to registered webhook endpoints the way K-Series does: JSON POST, HTTP
// Basic when the endpoint asks for it, no signature and no event id. Every notification is
// recorded (inspection API) with its delivery status.
//
// Ordering: notifications about the same account travel one after the other (a per-chain queue),
// so without faults a consumer sees SUCCESS before PAYMENT before CLOSED. Different accounts are
// delivered concurrently. The reorder / delay / duplicate / drop faults break this on purpose.
import { Agent, type Dispatcher } from 'undici';
import type { SandboxContext } from './context.js';
import type { Faults, WebhookFault } from './faults.js';
import type { WebhookEndpoint, WebhookRecord } from './state.js';
import { basicAuthHeader, sleep } from './util.js';

interface Delivery {
  record: WebhookRecord;
  chain: string;
  headers: Record<string, string>;
}

/** A receiver URL split once into what undici's dispatch() takes. */
interface Target {
  origin: string;
  path: string;
}

/**
 * One POST through the agent's dispatch(): the status once the response has ended, its body
 * discarded. request() would build a body stream, an AsyncResource and parse the URL per call,
 * which is most of a webhook's cost here.
 */
function post(
  agent: Agent,
  target: Target,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let status = 0;
    const handler: Dispatcher.DispatchHandler = {
      // undici recognises the controller-style handler by this method.
      onRequestStart: () => {},
      onResponseStart: (_controller, statusCode) => {
        status = statusCode;
      },
      onResponseData: () => {},
      onResponseEnd: () => resolve(status),
      onResponseError: (_controller, error) => reject(error),
    };
    agent.dispatch(
      { ...target, method: 'POST', headers, body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs },
      handler,
    );
  });
}

export class WebhookSender {
  private nextId = 1;
  private chains = new Map<string, Promise<void>>();
  private reorderBuffers = new Map<number, { held: Delivery[]; cancelTimer: () => void }>();
  /** Keep-alive connections to the receivers; undici's request() is much cheaper than fetch(). */
  private readonly agent = new Agent({ keepAliveTimeout: 10_000, connections: 256 });
  /** Parsed receiver URLs and Basic headers: the same few endpoints get every notification. */
  private readonly targets = new Map<string, Target>();
  private readonly basicHeaders = new Map<string, string>();

  constructor(
    private readonly ctx: SandboxContext,
    private readonly faults: Faults,
  ) {}

  /**
   * Queues `payload` for `endpoint`. `chain` groups notifications that must stay in order
   * (the account identifier, or the order reference before an account exists).
   */
  send(endpoint: WebhookEndpoint, payload: Record<string, unknown>, chain: string): WebhookRecord {
    const record = this.record(endpoint, payload);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Lightspeed-KSeries-Sandbox/1.0',
    };
    if (endpoint.withBasicAuth)
      headers.authorization = this.basicHeader(endpoint.username ?? '', endpoint.password ?? '');
    const delivery: Delivery = { record, chain: `${endpoint.clientId}|${endpoint.endpointId}|${chain}`, headers };

    const fault = this.faults.takeWebhookFault(record.type);
    if (!fault) {
      this.enqueue(delivery);
      return record;
    }
    record.fault = fault.kind;
    switch (fault.kind) {
      case 'drop':
        record.deliveryStatus = 'dropped';
        break;
      case 'duplicate': {
        this.enqueue(delivery);
        const copy = this.record(endpoint, payload);
        copy.duplicateOf = record.id;
        copy.fault = 'duplicate';
        this.enqueue({ ...delivery, record: copy });
        break;
      }
      case 'delay':
        // Re-enters the chain late, so later notifications of the same account overtake it.
        this.ctx.tasks.later(fault.delayMs ?? 500, () => this.enqueue(delivery));
        break;
      case 'reorder':
        this.hold(fault, delivery);
        break;
    }
    return record;
  }

  private basicHeader(user: string, password: string): string {
    const key = `${user}\n${password}`;
    let header = this.basicHeaders.get(key);
    if (header === undefined) {
      header = basicAuthHeader(user, password);
      if (this.basicHeaders.size > 1000) this.basicHeaders.clear();
      this.basicHeaders.set(key, header);
    }
    return header;
  }

  private target(url: string): Target {
    let target = this.targets.get(url);
    if (target === undefined) {
      const parsed = new URL(url);
      target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      if (this.targets.size > 1000) this.targets.clear();
      this.targets.set(url, target);
    }
    return target;
  }

  /** Closes the receivers' connections (sandbox close). */
  async close(): Promise<void> {
    await this.agent.destroy();
  }

  /** Forgets queued work (reset); deliveries already on the wire finish on their own. */
  reset(): void {
    this.chains.clear();
    this.reorderBuffers.clear();
    this.nextId = 1;
  }

  private record(endpoint: WebhookEndpoint, payload: Record<string, unknown>): WebhookRecord {
    const type = typeof payload.type === 'string' ? payload.type : 'ORDER';
    const record: WebhookRecord = {
      id: this.nextId++,
      type,
      ...(typeof payload.status === 'string' ? { status: payload.status } : {}),
      ...(typeof payload.thirdPartyReference === 'string' ? { thirdPartyReference: payload.thirdPartyReference } : {}),
      ...(typeof payload.businessLocationId === 'number' ? { businessLocationId: payload.businessLocationId } : {}),
      endpointId: endpoint.endpointId,
      url: endpoint.url,
      payload,
      createdAt: new Date(this.ctx.now()).toISOString(),
      deliveryStatus: 'pending',
      attempts: 0,
    };
    this.ctx.state.webhooks.push(record);
    return record;
  }

  /** Holds notifications until the reorder group is complete, then releases it in reverse. */
  private hold(fault: WebhookFault, delivery: Delivery): void {
    let group = this.reorderBuffers.get(fault.id);
    if (!group) {
      group = { held: [], cancelTimer: () => undefined };
      this.reorderBuffers.set(fault.id, group);
      // A group that never fills is released anyway, so nothing is lost.
      group.cancelTimer = this.ctx.tasks.later(fault.delayMs ?? 2000, () => this.release(fault.id));
    }
    group.held.push(delivery);
    if (fault.remaining === 0) this.release(fault.id);
  }

  private release(faultId: number): void {
    const group = this.reorderBuffers.get(faultId);
    if (!group) return;
    this.reorderBuffers.delete(faultId);
    group.cancelTimer();
    for (const d of group.held.reverse()) this.enqueue({ ...d, chain: `reorder-${faultId}` });
  }

  private enqueue(delivery: Delivery): void {
    const previous = this.chains.get(delivery.chain) ?? Promise.resolve();
    const next = previous.then(() => this.deliver(delivery));
    this.chains.set(delivery.chain, next);
    void this.ctx.tasks.track(async () => {
      await next;
      if (this.chains.get(delivery.chain) === next) this.chains.delete(delivery.chain);
    });
  }

  private async deliver({ record, headers }: Delivery): Promise<void> {
    const { webhookMaxAttempts, webhookRetryDelayMs, webhookTimeoutMs } = this.ctx.options;
    const body = JSON.stringify(record.payload);
    while (record.attempts < webhookMaxAttempts) {
      record.attempts++;
      try {
        const statusCode = await post(this.agent, this.target(record.url), headers, body, webhookTimeoutMs);
        record.responseStatus = statusCode;
        if (statusCode >= 200 && statusCode < 300) {
          record.deliveryStatus = 'delivered';
          record.deliveredAt = new Date(this.ctx.now()).toISOString();
          delete record.error;
          return;
        }
        record.error = `HTTP ${statusCode}`;
      } catch (err) {
        record.error = err instanceof Error ? err.message : String(err);
      }
      if (record.attempts < webhookMaxAttempts) await sleep(webhookRetryDelayMs * record.attempts);
    }
    record.deliveryStatus = 'failed';
  }
}
