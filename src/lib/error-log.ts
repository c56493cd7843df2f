// While Redis (or any server) is away, every client retries its connection and reports each
// failure: one line per attempt per client would bury the log. This logs an error when its
// message is new, or when the same message has been quiet for a while (a later outage).
import type { FastifyBaseLogger } from 'fastify';

export function repeatQuietErrorLog(
  log: Pick<FastifyBaseLogger, 'error'>,
  message: string,
  quietMs = 60_000,
  now: () => number = Date.now,
) {
  let last = '';
  let loggedAt = Number.NEGATIVE_INFINITY;
  return (err: Error): void => {
    const at = now();
    if (err.message === last && at - loggedAt < quietMs) return;
    last = err.message;
    loggedAt = at;
    log.error({ err }, message);
  };
}
