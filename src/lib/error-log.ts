// While Redis (or any server) is away, every client retries its connection and reports each
// failure: one line per attempt per client would bury the log. These helpers report an error
// when its message is new, or when the same message has been quiet for a while (a later
// outage); `reset()` (on reconnect, or after a success) makes the next error new again.
import type { FastifyBaseLogger } from 'fastify';

export type QuietReporter = ((err: Error) => void) & { reset(): void };

/** Calls `report` for an error unless the same message was reported less than `quietMs` ago. */
export function reportOnceQuiet(
  report: (err: Error) => void,
  quietMs = 60_000,
  now: () => number = Date.now,
): QuietReporter {
  let last = '';
  let reportedAt = Number.NEGATIVE_INFINITY;
  const onError = (err: Error): void => {
    const at = now();
    if (err.message === last && at - reportedAt < quietMs) return;
    last = err.message;
    reportedAt = at;
    report(err);
  };
  return Object.assign(onError, {
    reset() {
      last = '';
    },
  });
}

/** reportOnceQuiet as an error line: `log.error({ err }, message)`. */
export function repeatQuietErrorLog(
  log: Pick<FastifyBaseLogger, 'error'>,
  message: string,
  quietMs = 60_000,
  now: () => number = Date.now,
): QuietReporter {
  return reportOnceQuiet((err) => log.error({ err }, message), quietMs, now);
}
