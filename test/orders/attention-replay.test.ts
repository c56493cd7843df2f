// Replaying an order in the attention state against the sandbox over HTTP: its first push job
// ran (and is still kept by BullMQ), so the replay must queue a job under a new id, or the API
// answers 202 while nothing happens until that old job expires.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../helpers/context.js';
import { createPipelineContext, type PipelineContext } from './pipeline-context.js';

describe('replay of a NEEDS_ATTENTION order', () => {
  let p: PipelineContext;
  beforeAll(async () => {
    p = await createPipelineContext();
  });
  afterAll(async () => p?.close());

  it('delivers again at once under the same reference, with a fresh push task', async () => {
    // The POS takes the order but its outcome never arrives: the order stays SUBMITTED.
    await p.sandboxControl('POST', '/faults/webhooks', { kind: 'drop', type: 'ORDER', count: 5 });
    const placed = await p.placeOrder();
    await p.waitForStatus(placed.id, ['SUBMITTED']);
    const first = await p.ctx.db.prisma.order.findUniqueOrThrow({ where: { id: placed.id } });
    expect(first.workKey).toBe('push:1');
    await p.resetSandbox();
    // What the reconciler does once the delivery deadline passes without an outcome.
    await p.ctx.db.prisma.order.update({
      where: { id: placed.id },
      data: { status: 'NEEDS_ATTENTION', failureReason: 'no outcome from K-Series' },
    });
    const pushesBefore = (await p.sandboxControl<{ byEndpoint: Record<string, number> }>('GET', '/requests'))
      .byEndpoint;

    const res = await p.ctx.app.inject({
      method: 'POST',
      url: `/v1/orders/${placed.id}/replay`,
      headers: bearer(p.vendor.apiKey),
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ status: 'RECEIVED', attempt: 2, reference: placed.reference });

    // The new push reaches K-Series, which answers 409 (it has the reference): delivered.
    const order = await p.waitForStatus(placed.id, ['SUBMITTED', 'ACCEPTED', 'PAID', 'CLOSED'], 10_000);
    expect(order.status).not.toBe('RECEIVED');
    const pushesAfter = (await p.sandboxControl<{ byEndpoint: Record<string, number> }>('GET', '/requests')).byEndpoint;
    const pushKey = Object.keys(pushesAfter).find((k) => k.includes('toGo'));
    expect(pushKey).toBeDefined();
    expect(pushesAfter[pushKey!]! - (pushesBefore[pushKey!] ?? 0)).toBe(1);
    const orders = await p.sandboxControl<{ thirdPartyReference: string }[]>('GET', '/orders');
    expect(orders.filter((o) => o.thirdPartyReference === placed.reference)).toHaveLength(1);
    const second = await p.ctx.db.prisma.order.findUniqueOrThrow({ where: { id: placed.id } });
    expect(second.workKey).toBe('push:2');
  });
});
