// Wake-up signals for the worker's outbox loops: a Redis PUBLISH saying "work is due now" so a
// loop claims it at once instead of at its next poll. A signal carries no work and may be lost
// (Redis away, nobody subscribed yet): the loops poll Postgres anyway, so a lost signal costs
// latency, never an order. Under load a process publishes at most one signal per Redis round
// trip, however many orders it accepts meanwhile.
import type { Redis } from 'ioredis';
import { closeRedis } from '../lib/redis.js';

export type WakeChannel = 'order-work';

/** The channel name, under the deployment's prefix so deployments and tests never cross. */
export const wakeChannelName = (prefix: string, channel: WakeChannel) => `${prefix}:wake:${channel}`;

export type WakeSignal = () => void;

/**
 * A coalescing publisher: a call while a PUBLISH is in flight asks for one more after it, so a
 * burst of calls costs two commands and the last call is never swallowed.
 */
export function wakePublisher(client: () => Redis, channel: string, onError: (err: Error) => void): WakeSignal {
  let inFlight = false;
  let again = false;
  function publish(): void {
    inFlight = true;
    again = false;
    client()
      .publish(channel, '1')
      .catch((err: unknown) => onError(err as Error))
      .finally(() => {
        inFlight = false;
        if (again) publish();
      });
  }
  return () => {
    if (inFlight) again = true;
    else publish();
  };
}

/**
 * Calls `onWake` for every signal on `channel`, on `subscriber`, a connection of its own (a
 * subscribed connection runs no other command). ioredis subscribes again after a reconnect.
 */
export function subscribeToWake(
  subscriber: Redis,
  channel: string,
  onWake: () => void,
  onError: (err: Error) => void,
): { close(): Promise<void> } {
  subscriber.on('error', onError);
  subscriber.on('message', (received: string) => {
    if (received === channel) onWake();
  });
  subscriber.subscribe(channel).catch(onError);
  return { close: () => closeRedis(subscriber) };
}
