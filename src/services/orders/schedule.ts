// Scheduled orders, as K-Series defines them (order-and-pay spec): scheduledTimeForOrderAsIso8601
// is "the time that the order will be sent to the POS", and maxTimeToAttemptOrderDeliverToPos
// "will be added to the scheduled order time". So nothing is late before the scheduled time:
// the delivery window, our deadline and the reconciler all count from it.

/** When K-Series sends the order to the POS (epoch ms), if the order is scheduled. */
export function scheduledAtOf(order: unknown): number | undefined {
  const value = (order as { scheduledAt?: unknown } | null)?.scheduledAt;
  if (typeof value !== 'string') return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}

/** Where the delivery window starts: now, or the scheduled time if that is later. */
export function windowStart(order: unknown, now = Date.now()): number {
  return Math.max(now, scheduledAtOf(order) ?? now);
}

/** The order's deadline: its delivery window after the scheduled time (or after now). */
export function deliveryDeadline(order: unknown, windowMs: number, now = Date.now()): Date {
  return new Date(windowStart(order, now) + windowMs);
}
