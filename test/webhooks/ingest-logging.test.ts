// What the webhook route logs at the default info level: one line per stored batch naming each
// request (request id -> event id), no per-request lines for a stored webhook, and a warning with
// its request id for one that is not acknowledged.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.js';

const GOOD = `Basic ${Buffer.from('lightspeed:dev-webhook-password').toString('base64')}`;
const lines: string[] = [];
let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext({ LOG_LEVEL: 'info' }, { captureLogs: lines });
});
afterAll(async () => {
  await ctx?.close();
});

const send = (reference: string, requestId: string, authorization = GOOD) =>
  ctx.app.inject({
    method: 'POST',
    url: '/webhook/lightspeed',
    headers: { 'content-type': 'application/json', authorization, 'x-request-id': requestId },
    payload: JSON.stringify({ type: 'ORDER', status: 'CHECK_WAS_UPDATED', thirdPartyReference: reference }),
  });

const logged = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

it('logs each stored batch once, with the request ids and event ids of its webhooks', async () => {
  lines.length = 0;
  const ids = ['wh-log-a', 'wh-log-b', 'wh-log-c'];
  const responses = await Promise.all(ids.map((id, i) => send(`log-${i}`, id)));
  expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200]);

  const batches = logged().filter((l) => l.msg === 'webhook batch stored');
  const pairs = batches.flatMap((b) =>
    (b.requestIds as string[]).map((requestId, i) => [requestId, (b.eventIds as string[])[i]]),
  );
  expect(new Map(pairs as [string, string][])).toEqual(
    new Map(ids.map((id, i) => [id, responses[i]!.json().eventId as string])),
  );
  // Nothing per request for a stored webhook: no incoming/completed lines, no per-event line.
  const perRequest = logged().filter((l) => typeof l.requestId === 'string' && ids.includes(l.requestId));
  expect(perRequest).toEqual([]);
});

it('logs a refused webhook as a warning with its request id', async () => {
  lines.length = 0;
  const res = await send(
    'log-refused',
    'wh-log-refused',
    `Basic ${Buffer.from('lightspeed:wrong').toString('base64')}`,
  );
  expect(res.statusCode).toBe(401);
  const warnings = logged().filter((l) => l.requestId === 'wh-log-refused' && l.level === 40);
  expect(warnings.map((l) => l.msg)).toContain('webhook not acknowledged');
  expect(warnings.find((l) => l.msg === 'webhook not acknowledged')).toMatchObject({ statusCode: 401 });
});
