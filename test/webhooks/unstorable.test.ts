// One webhook Postgres cannot store as sent (a NUL character or a lone surrogate, which jsonb
// refuses; nesting deeper than Postgres parses) must not fail the legitimate webhooks that share
// its ingest batch: they are all stored and answered 200, and the odd one is stored with its
// original text kept (flagged), or refused with 400 on its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.js';

const GOOD = `Basic ${Buffer.from('lightspeed:dev-webhook-password').toString('base64')}`;

describe('an unstorable webhook in a batch', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  const send = (body: string) =>
    ctx.app.inject({
      method: 'POST',
      url: '/webhook/lightspeed',
      headers: { 'content-type': 'application/json', authorization: GOOD },
      payload: body,
    });

  it('stores the legitimate ones of the same batch, and the odd ones on their own', async () => {
    const legit = (i: number) =>
      JSON.stringify({ type: 'ORDER', status: 'CHECK_WAS_UPDATED', thirdPartyReference: `legit-${i}` });
    // Escapes as they travel in JSON text: JSON.parse turns them into a NUL and a lone surrogate.
    const withNul = '{"type":"ORDER","status":"SUCCESS","thirdPartyReference":"nul-1","note":"a\\u0000b"}';
    const withSurrogate = '{"type":"ITEM","sku":"S\\ud800","businessLocationId":1,"status":"RESTRICTED"}';
    const lowFirst = '{"type":"ORDER","status":"SUCCESS","thirdPartyReference":"low-1","k\\udc00":1}';
    const tooDeep = `{"type":"ORDER","x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    const bodies = [
      ...Array.from({ length: 10 }, (_, i) => legit(i)),
      withNul,
      ...Array.from({ length: 10 }, (_, i) => legit(10 + i)),
      withSurrogate,
      lowFirst,
      tooDeep,
      ...Array.from({ length: 10 }, (_, i) => legit(20 + i)),
    ];
    // All at once: after the first, they share the batcher's next INSERT.
    const answers = await Promise.all(bodies.map(send));
    const statusOf = (body: string) => answers[bodies.indexOf(body)]!.statusCode;

    const legitAnswers = answers.filter((_, i) => bodies[i]!.includes('legit-'));
    expect(legitAnswers.map((a) => a.statusCode)).toEqual(Array(30).fill(200));
    const stored = await ctx.db.prisma.webhookEvent.findMany({
      where: { id: { in: legitAnswers.map((a) => a.json().eventId) } },
    });
    expect(stored).toHaveLength(30);
    expect(stored.every((e) => e.rawBody === null)).toBe(true);

    // The bad characters: stored, payload made storable, the original kept beside it.
    for (const body of [withNul, withSurrogate, lowFirst]) {
      expect(statusOf(body)).toBe(200);
      const event = await ctx.db.prisma.webhookEvent.findUniqueOrThrow({
        where: { id: answers[bodies.indexOf(body)]!.json().eventId },
      });
      expect(event.rawBody).toBe(body);
      expect(JSON.stringify(event.payload)).toContain('\uFFFD');
    }
    const nul = await ctx.db.prisma.webhookEvent.findUniqueOrThrow({
      where: { id: answers[bodies.indexOf(withNul)]!.json().eventId },
    });
    expect(nul.payload).toMatchObject({
      type: 'ORDER',
      status: 'SUCCESS',
      thirdPartyReference: 'nul-1',
      note: 'a\uFFFDb',
    });
    expect(nul.type).toBe('ORDER');

    // Deeper than Postgres parses: refused on its own, with the one error shape.
    const deep = answers[bodies.indexOf(tooDeep)]!;
    expect(deep.statusCode).toBe(400);
    expect(deep.json().error.code).toBe('BAD_REQUEST');
  });

  it('stores a lone bad webhook too', async () => {
    const res = await send('{"type":"ORDER","status":"FAILURE","thirdPartyReference":"alone","reason":"\\u0000"}');
    expect(res.statusCode).toBe(200);
    expect(res.json().duplicate).toBe(false);
    const again = await send('{"type":"ORDER","status":"FAILURE","thirdPartyReference":"alone","reason":"\\u0000"}');
    expect(again.json()).toMatchObject({ duplicate: true, eventId: res.json().eventId });
  });
});
