// Every response parser of the client against the spec: it accepts each documented example of
// its operation's answer and a minimal instance holding only the schema's required fields, and
// what it keeps from an example is what the example said (parsers pass unknown fields through).
import { describe, expect, it } from 'vitest';
import { ENDPOINTS as FINANCIAL } from '../../src/integrations/lightspeed/client/endpoints/financial.js';
import { ENDPOINTS as ITEMS } from '../../src/integrations/lightspeed/client/endpoints/items.js';
import { ENDPOINTS as ORDERS } from '../../src/integrations/lightspeed/client/endpoints/orders-api.js';
import { ENDPOINTS as WEBHOOKS } from '../../src/integrations/lightspeed/client/endpoints/webhooks.js';
import { API_FILES } from '../helpers/kseries-openapi.js';
import { minimalInstance, specAnswer, type SpecAnswer } from '../helpers/spec-instances.js';

const endpoints = [ORDERS, WEBHOOKS, FINANCIAL, ITEMS].flatMap((group) => Object.entries(group));

function answerOf(method: string, template: string): SpecAnswer | undefined {
  for (const file of API_FILES) {
    const a = specAnswer(file, method, template);
    if (a) return a;
  }
  return undefined;
}

/** The items list answers an array of the documented single item (see src/sandbox/README.md). */
const ARRAY_OF_DOCUMENTED = new Set(['GET /items/v1/items']);

const cases = endpoints.flatMap(([name, ep]) => {
  const id = `${ep.method} ${ep.template}`;
  const answer = answerOf(ep.method, ep.template);
  if (!ep.response || !answer?.schema) return [];
  const wrap = (v: unknown) => (ARRAY_OF_DOCUMENTED.has(id) ? [v] : v);
  return [
    ...answer.examples.map((ex) => ({ id, name, kind: `example ${ex.name}`, value: wrap(ex.value), ep })),
    { id, name, kind: 'minimal', value: wrap(minimalInstance(answer.file, answer.schema)), ep },
  ];
});

describe('client response parsers accept what the spec documents', () => {
  it('finds a spec answer for every endpoint the client calls', () => {
    const unknown = endpoints.filter(([, ep]) => !answerOf(ep.method, ep.template)).map(([n]) => n);
    expect(unknown).toEqual([]);
    expect(cases.length).toBeGreaterThan(40);
  });

  it.each(cases)('$id ($kind)', ({ value, ep, kind }) => {
    const parsed = ep.response!.safeParse(value);
    expect(parsed.success, JSON.stringify(parsed.error?.issues?.slice(0, 5))).toBe(true);
    // What an example said is kept (parsers that reshape, like HAL lists, are checked by the contract test).
    if (kind !== 'minimal' && value && typeof value === 'object' && typeof parsed.data === 'object')
      expect(Object.keys(parsed.data as object).length).toBeGreaterThan(0);
  });
});
