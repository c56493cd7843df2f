// When an accepted order reaches the simulated POS. K-Series (order-and-pay spec):
// `scheduledTimeForOrderAsIso8601` is "the time that the order will be sent to the POS", and
// `maxTimeToAttemptOrderDeliverToPos` "will be added to the scheduled order time". So a scheduled
// order's outcome comes at its scheduled time, and an order the POS cannot take (the POS is
// offline) fails once its window is over, or lands when the POS comes back within it.
// The spec gives no default window and no FAILURE text for an expired one: we use 15 minutes and
// say what happened. The sandbox clock can be moved (control API) so tests need not wait.
import type { SandboxContext } from './context.js';

/** The window when the request had none (the spec recommends always sending one). */
const DEFAULT_WINDOW_MS = 15 * 60_000;
/** Real timers are re-armed at most this far ahead; the clock can jump past them anyway. */
const MAX_TIMER_MS = 60_000;

interface Held<T> {
  item: T;
  locationId: number;
  dueAt: number;
  expiresAt: number;
}

export interface DeliveryHandlers<T> {
  /** The order reaches the POS: process it (after the usual webhook delay). */
  deliver(item: T): void;
  /** The window ended before the POS could take it. */
  expire(item: T, reason: string): void;
}

export class OrderDelivery<T> {
  private held: Held<T>[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Business locations whose POS is offline: orders wait (control API). */
  readonly offline = new Set<number>();

  constructor(
    private readonly ctx: SandboxContext,
    private readonly handlers: DeliveryHandlers<T>,
  ) {}

  submit(item: T, locationId: number, scheduledAt: number | undefined, windowMs: number | undefined): void {
    const dueAt = scheduledAt ?? this.ctx.now();
    this.held.push({ item, locationId, dueAt, expiresAt: dueAt + (windowMs ?? DEFAULT_WINDOW_MS) });
    this.check();
  }

  /** Orders that are due go to the POS, expired ones fail; the rest wait for a timer or the clock. */
  check(): void {
    const now = this.ctx.now();
    const waiting: Held<T>[] = [];
    for (const h of this.held) {
      if (now >= h.dueAt && !this.offline.has(h.locationId)) {
        this.ctx.tasks.later(this.ctx.options.webhookDelayMs, () => this.handlers.deliver(h.item));
      } else if (now >= h.expiresAt) {
        this.handlers.expire(
          h.item,
          'The order could not be delivered to the POS within maxTimeToAttemptOrderDeliverToPos',
        );
      } else waiting.push(h);
    }
    this.held = waiting;
    this.arm(now);
  }

  /** The number of orders waiting (scheduled for later, or for an offline POS). */
  get waiting(): number {
    return this.held.length;
  }

  reset(): void {
    this.held = [];
    this.offline.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  // A plain unref'd timer, not a sandbox task: a task would keep `idle` waiting for hours.
  private arm(now: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = Math.min(...this.held.map((h) => (now < h.dueAt ? h.dueAt : h.expiresAt)));
    if (!Number.isFinite(next)) return;
    this.timer = setTimeout(() => this.check(), Math.min(Math.max(next - now, 0), MAX_TIMER_MS));
    this.timer.unref();
  }
}
