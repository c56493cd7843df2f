// What every sandbox module receives: the state, the resolved options and the clock.
// Passed explicitly (not through Fastify decorations) so modules stay testable and the
// public FastifyInstance type is not augmented for every user of Fastify in the repo.
import type { LoggerOptions } from 'pino';
import type { OAuthClient, SandboxState } from './state.js';

export interface SandboxOptions {
  /** OAuth clients the sandbox accepts. At least one. */
  clients: OAuthClient[];
  /** Access token lifetime, `expires_in`. Default 3600. */
  accessTokenTtlSeconds?: number;
  /** Authorization code lifetime. Default 60. */
  codeTtlSeconds?: number;
  /** Delay between an accepted order/payment and its outcome webhook. Default 50. */
  webhookDelayMs?: number;
  /** Per-attempt timeout for webhook deliveries. Default 5000. */
  webhookTimeoutMs?: number;
  /** Delivery attempts for a webhook that fails (network error or non-2xx). Default 3. */
  webhookMaxAttempts?: number;
  /** Base delay between webhook retries (multiplied by the attempt number). Default 200. */
  webhookRetryDelayMs?: number;
  /** pino options, or false for no logging. Default false. */
  logger?: LoggerOptions | boolean;
  /** Clock, for tests that need to move time. Default Date.now. */
  now?: () => number;
}

export interface ResolvedSandboxOptions {
  clients: OAuthClient[];
  accessTokenTtlSeconds: number;
  codeTtlSeconds: number;
  webhookDelayMs: number;
  webhookTimeoutMs: number;
  webhookMaxAttempts: number;
  webhookRetryDelayMs: number;
}

export function resolveOptions(options: SandboxOptions): ResolvedSandboxOptions {
  if (!options.clients || options.clients.length === 0) {
    throw new Error('buildSandbox: at least one OAuth client is required (options.clients)');
  }
  for (const c of options.clients) {
    if (!c.clientId || !c.clientSecret || !Array.isArray(c.redirectUris) || c.redirectUris.length === 0) {
      throw new Error(
        `buildSandbox: client "${c.clientId}" needs clientId, clientSecret and at least one redirect URI`,
      );
    }
  }
  const nonNegative = (name: string, value: number | undefined, fallback: number): number => {
    const v = value ?? fallback;
    if (!Number.isFinite(v) || v < 0) throw new Error(`buildSandbox: ${name} must be a non-negative number`);
    return v;
  };
  return {
    clients: options.clients.map((c) => ({ ...c, redirectUris: [...c.redirectUris] })),
    accessTokenTtlSeconds: nonNegative('accessTokenTtlSeconds', options.accessTokenTtlSeconds, 3600),
    codeTtlSeconds: nonNegative('codeTtlSeconds', options.codeTtlSeconds, 60),
    webhookDelayMs: nonNegative('webhookDelayMs', options.webhookDelayMs, 50),
    webhookTimeoutMs: nonNegative('webhookTimeoutMs', options.webhookTimeoutMs, 5000),
    webhookMaxAttempts: Math.max(1, nonNegative('webhookMaxAttempts', options.webhookMaxAttempts, 3)),
    webhookRetryDelayMs: nonNegative('webhookRetryDelayMs', options.webhookRetryDelayMs, 200),
  };
}

/** Background work (timers, deliveries) the sandbox owns; idle() waits for it, close() cancels it. */
export class Tasks {
  private readonly timers = new Set<NodeJS.Timeout>();
  private pending = 0;
  private waiters: (() => void)[] = [];
  private closed = false;

  /** `onError` hears about failures in background work (which would otherwise vanish). */
  constructor(private readonly onError: (err: unknown) => void = () => undefined) {}

  /** Runs `fn` after `ms`, tracked so idle() waits for it. Returns a cancel function. */
  later(ms: number, fn: () => void | Promise<void>): () => void {
    if (this.closed) return () => undefined;
    this.pending++;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.track(async () => fn());
      this.done();
    }, ms);
    this.timers.add(timer);
    return () => {
      if (this.timers.delete(timer)) {
        clearTimeout(timer);
        this.done();
      }
    };
  }

  /** Tracks an already running promise. */
  async track<T>(fn: () => Promise<T>): Promise<T | undefined> {
    this.pending++;
    try {
      return await fn();
    } catch (err) {
      this.onError(err);
      return undefined;
    } finally {
      this.done();
    }
  }

  get busy(): boolean {
    return this.pending > 0;
  }

  /** Resolves when no timer or delivery is outstanding (or after `timeoutMs`: returns false). */
  idle(timeoutMs = 10_000): Promise<boolean> {
    if (this.pending === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve(false);
      }, timeoutMs);
      const wake = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(wake);
    });
  }

  /** Cancels every timer (used on reset and close). */
  cancelAll(): void {
    for (const timer of this.timers) {
      clearTimeout(timer);
      this.done();
    }
    this.timers.clear();
  }

  close(): void {
    this.closed = true;
    this.cancelAll();
  }

  private done(): void {
    this.pending--;
    if (this.pending === 0) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    }
  }
}

export interface SandboxContext {
  state: SandboxState;
  options: ResolvedSandboxOptions;
  clients: Map<string, OAuthClient>;
  tasks: Tasks;
  now: () => number;
}
