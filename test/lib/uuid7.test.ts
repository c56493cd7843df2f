import { describe, expect, it } from 'vitest';
import { uuid7, uuid7Time } from '../../src/lib/uuid7.js';

describe('uuid7', () => {
  it('is an RFC 9562 version 7 UUID carrying the time', () => {
    const before = Date.now();
    const id = uuid7();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuid7Time(id)).toBeGreaterThanOrEqual(before);
    expect(uuid7Time(id)).toBeLessThanOrEqual(Date.now());
  });

  it('is strictly increasing, within one millisecond and when the clock goes back', () => {
    const now = Date.now() + 10_000;
    // 5000 ids in "one millisecond" overflow the 12-bit counter: they borrow the next millisecond.
    const ids = Array.from({ length: 5000 }, () => uuid7(now));
    ids.push(uuid7(now - 5_000));
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
