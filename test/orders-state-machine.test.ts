import { describe, expect, it } from 'vitest';
import type { OrderStatus } from '../src/generated/prisma/enums.js';
import { canTransition } from '../src/services/orders/state-machine.js';

/** Applies events in the given order, skipping those the machine refuses. */
function run(events: OrderStatus[], start: OrderStatus = 'SUBMITTED'): OrderStatus {
  return events.reduce((status, next) => (canTransition(status, next) ? next : status), start);
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('order state machine', () => {
  it('walks the happy path', () => {
    expect(run(['ACCEPTED', 'PAYMENT_SUBMITTED', 'PAID', 'READY_FOR_PICKUP', 'CLOSED'], 'RECEIVED')).toBe('CLOSED');
  });

  it('never moves backwards: the final state does not depend on arrival order', () => {
    const events: OrderStatus[] = ['ACCEPTED', 'PAYMENT_SUBMITTED', 'PAID', 'READY_FOR_PICKUP', 'CLOSED'];
    for (const order of permutations(events)) expect(run(order)).toBe('CLOSED');
    for (const order of permutations(['ACCEPTED', 'PAID', 'READY_FOR_PICKUP'] as OrderStatus[]))
      expect(run(order)).toBe('READY_FOR_PICKUP');
  });

  it('ignores duplicates', () => {
    expect(canTransition('ACCEPTED', 'ACCEPTED')).toBe(false);
    expect(run(['ACCEPTED', 'ACCEPTED', 'PAID', 'PAID'])).toBe('PAID');
  });

  it('a FAILURE after acceptance cannot undo the order; before it, the order fails and stays failed', () => {
    expect(run(['ACCEPTED', 'FAILED'])).toBe('ACCEPTED');
    expect(run(['FAILED', 'ACCEPTED'])).toBe('FAILED');
  });

  it('an order flagged for attention is resolved by a later outcome', () => {
    expect(run(['NEEDS_ATTENTION', 'ACCEPTED'])).toBe('ACCEPTED');
    expect(run(['NEEDS_ATTENTION', 'FAILED'])).toBe('FAILED');
    expect(canTransition('PAID', 'NEEDS_ATTENTION')).toBe(false);
  });

  it('payment failure sits between acceptance and payment, and a later success still pays', () => {
    expect(run(['ACCEPTED', 'PAYMENT_SUBMITTED', 'PAYMENT_FAILED'])).toBe('PAYMENT_FAILED');
    expect(run(['ACCEPTED', 'PAYMENT_FAILED', 'PAID'])).toBe('PAID');
    expect(run(['PAID', 'PAYMENT_FAILED'])).toBe('PAID');
  });

  it('cancelled and abandoned are final', () => {
    expect(run(['ACCEPTED', 'CANCELLED', 'PAID', 'CLOSED'])).toBe('CANCELLED');
    expect(run(['ABANDONED', 'ACCEPTED'])).toBe('ABANDONED');
  });
});
