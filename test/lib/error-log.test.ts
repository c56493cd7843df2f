// repeatQuietErrorLog: a reconnecting client's identical errors make one line, not one per attempt.
import { describe, expect, it } from 'vitest';
import { reportOnceQuiet, repeatQuietErrorLog } from '../../src/lib/error-log.js';

describe('repeatQuietErrorLog', () => {
  it('logs a new message, stays quiet on repeats, and logs a repeat again after the quiet period', () => {
    const lines: string[] = [];
    let clock = 0;
    const onError = repeatQuietErrorLog(
      { error: (obj: { err: Error }) => lines.push(obj.err.message) } as never,
      'worker error',
      60_000,
      () => clock,
    );
    for (let i = 0; i < 50; i++) {
      onError(new Error('read ECONNRESET'));
      clock += 100;
    }
    expect(lines).toEqual(['read ECONNRESET']);
    onError(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    expect(lines).toHaveLength(2);
    clock += 60_000;
    onError(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    expect(lines).toEqual([
      'read ECONNRESET',
      'connect ECONNREFUSED 127.0.0.1:6379',
      'connect ECONNREFUSED 127.0.0.1:6379',
    ]);
  });

  it('reports the same message again after reset() (a reconnect), without waiting for the quiet period', () => {
    const seen: string[] = [];
    const onError = reportOnceQuiet(
      (err) => seen.push(err.message),
      60_000,
      () => 0,
    );
    onError(new Error('connect ECONNREFUSED'));
    onError(new Error('connect ECONNREFUSED'));
    expect(seen).toEqual(['connect ECONNREFUSED']);
    onError.reset();
    onError(new Error('connect ECONNREFUSED'));
    expect(seen).toEqual(['connect ECONNREFUSED', 'connect ECONNREFUSED']);
  });
});
