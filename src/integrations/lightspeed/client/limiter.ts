// A per-connection limit shared by every process: at most `maxConcurrent` calls in flight and
// `ratePerSecond` (burst `burst`) calls started, so one busy vendor cannot exhaust the POS API.
//
// Redis holds the shared truth (./limiter-script.ts), but a call does not go to Redis: each
// process reserves a share and spends it locally.
// - Slots: a process leases N of the connection's slots (a lease with a TTL, renewed while in
//   use, so a crashed process's slots come back). It grows the lease when its own calls need
//   more, and gives back what it did not use within the last `trimMs`, or at once when another
//   process is short of slots (the script publishes that; every process listens).
// - Rate: a process takes a chunk of tokens from the shared bucket sized to its recent demand
//   (at most `rate x holdMs`), and a token not spent within `holdMs` of its reservation is
//   dropped. Any window of T then sees at most capacity + rate x (T + holdMs) calls started
//   (everything spent in it was reserved at most holdMs before it), so the shared bucket holds
//   `burst - rate x holdMs`: burst + rate x T still holds across all processes. At low rates
//   (chunks under 2 tokens) tokens are only taken for calls already waiting: holdMs is 0 and
//   the bucket is the full burst, as a per-call bucket would be.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  listenForSlotRequests,
  reserveScript,
  tokenHolding,
  withTimeout,
  type ReserveAnswer,
} from './limiter-script.js';

export interface LimiterOptions {
  /** Concurrent calls per connection; 0 disables the semaphore. */
  maxConcurrent: number;
  /** Calls started per second per connection; 0 disables the token bucket. */
  ratePerSecond: number;
  burst: number;
  /** A lease expires after this long, so a crashed process cannot hold a slot forever. */
  leaseTtlMs: number;
  /** How long a single Redis round trip may take before we stop waiting for Redis (fail open). */
  redisTimeoutMs: number;
  /** Slots held but not needed for this long go back to the other processes (default 100 ms). */
  trimMs?: number;
}

export type AcquireResult =
  | { ok: true; release: () => Promise<void>; waitedMs: number; bypassed: boolean }
  | { ok: false; waitedMs: number };

export interface ConnectionLimiter {
  /**
   * Waits for a slot until `deadline` (epoch ms). When Redis is unreachable the call proceeds
   * without a slot (`bypassed`): limiting is protection, not a reason to stop taking orders.
   */
  acquire(connectionId: string, deadline: number, onRedisError: (err: unknown) => void): Promise<AcquireResult>;
  /** Gives this process's leased slots back (best effort) and stops its timers. */
  close(): Promise<void>;
}

interface Waiter {
  deadline: number;
  started: number;
  resolve: (result: AcquireResult) => void;
}

/** One connection as this process sees it. Times are performance.now() ms unless named epoch. */
interface Share {
  id: string;
  keys: { bucket: string; leases: string };
  /** Slots this process holds in Redis: never fewer than the lease there says. */
  held: number;
  busy: number;
  /** Most calls running at once since the last trim check. */
  peak: number;
  leaseUntil: number;
  renewAt: number;
  /** Reserved tokens not spent yet, oldest first, each batch with the time it must be spent by. */
  batches: { count: number; until: number }[];
  spentSinceReserve: number;
  reservedAt: number;
  waiters: Waiter[];
  pumping: boolean;
  trimTo: number | undefined;
  trimTimer: NodeJS.Timeout | undefined;
  onRedisError: (err: unknown) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createConnectionLimiter(
  redis: Redis,
  redisKey: (...parts: string[]) => string,
  options: LimiterOptions,
): ConnectionLimiter {
  const reserve = reserveScript(redis);
  const holder = randomUUID();
  const maxc = options.maxConcurrent;
  const rate = options.ratePerSecond;
  const { holdMs, chunk, capacity } = tokenHolding(rate, options.burst);
  const trimMs = options.trimMs ?? 100;
  const disabled = maxc <= 0 && rate <= 0;
  const noop = async () => {};
  const shares = new Map<string, Share>();
  const channel = redisKey('kseries', 'limit', 'slots-wanted');
  // Another process is short of this connection's slots: give back the ones not in use now.
  const listener =
    maxc > 0
      ? listenForSlotRequests(redis, channel, (connectionId) => {
          const s = shares.get(connectionId);
          if (!s || s.held <= s.busy + s.waiters.length) return;
          s.trimTo = s.busy + s.waiters.length;
          s.peak = s.busy;
          void pump(s);
        })
      : undefined;

  function shareOf(connectionId: string): Share {
    let s = shares.get(connectionId);
    if (!s) {
      // The hash tag keeps both keys in one slot on Redis Cluster.
      const base = ['kseries', 'limit', `{${connectionId}}`];
      s = {
        id: connectionId,
        keys: { bucket: redisKey(...base, 'bucket'), leases: redisKey(...base, 'leases') },
        held: 0,
        busy: 0,
        peak: 0,
        leaseUntil: 0,
        renewAt: 0,
        batches: [],
        spentSinceReserve: 0,
        reservedAt: 0,
        waiters: [],
        pumping: false,
        trimTo: undefined,
        trimTimer: undefined,
        onRedisError: () => {},
      };
      shares.set(connectionId, s);
    }
    return s;
  }

  function tokensLeft(s: Share, now: number): number {
    while (s.batches.length > 0 && (s.batches[0]!.until < now || s.batches[0]!.count === 0)) s.batches.shift();
    let n = 0;
    for (const b of s.batches) n += b.count;
    return n;
  }

  /** Starts a call from this process's share when it has a slot and a token. */
  function takeLocal(s: Share, now: number): boolean {
    if (maxc > 0 && (s.busy >= s.held || now >= s.leaseUntil)) return false;
    if (rate > 0) {
      if (tokensLeft(s, now) === 0) return false;
      s.batches[0]!.count -= 1;
      s.spentSinceReserve += 1;
    }
    s.busy += 1;
    if (s.busy > s.peak) s.peak = s.busy;
    if (maxc > 0 && now >= s.renewAt) void pump(s);
    return true;
  }

  function releaser(s: Share): () => Promise<void> {
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      s.busy -= 1;
      serveWaiters(s, performance.now());
      if (maxc > 0 && s.trimTimer === undefined) scheduleTrim(s);
    };
  }

  function serveWaiters(s: Share, now: number): void {
    while (s.waiters.length > 0 && takeLocal(s, now)) {
      const w = s.waiters.shift()!;
      w.resolve({ ok: true, release: releaser(s), waitedMs: Date.now() - w.started, bypassed: false });
    }
  }

  // Slots held beyond what this process used since the last check go back to the others.
  function scheduleTrim(s: Share): void {
    s.trimTimer = setTimeout(() => {
      s.trimTimer = undefined;
      const target = Math.max(s.peak, s.busy + s.waiters.length);
      s.peak = s.busy;
      if (s.held > target) {
        s.trimTo = target;
        void pump(s);
      }
      if (s.held > 0) scheduleTrim(s);
    }, trimMs);
    s.trimTimer.unref();
  }

  function expireWaiters(s: Share): void {
    const now = Date.now();
    s.waiters = s.waiters.filter((w) => {
      if (now < w.deadline) return true;
      w.resolve({ ok: false, waitedMs: now - w.started });
      return false;
    });
  }

  /** Redis is unreachable: every waiting call goes ahead without a slot. */
  function bypassAll(s: Share): void {
    for (const w of s.waiters.splice(0)) {
      w.resolve({ ok: true, release: noop, waitedMs: Date.now() - w.started, bypassed: true });
    }
  }

  /** Tokens worth holding for the calls expected within holdMs, judged by the recent pace. */
  function expectedTokens(s: Share, now: number): number {
    if (holdMs === 0) return 0;
    const elapsed = Math.max(now - s.reservedAt, 1);
    return Math.min(chunk, Math.ceil((s.spentSinceReserve * holdMs) / elapsed));
  }

  // One round trip to Redis at a time per connection; calls that arrive meanwhile wait for it.
  async function pump(s: Share): Promise<void> {
    if (s.pumping) return;
    s.pumping = true;
    try {
      for (;;) {
        serveWaiters(s, performance.now());
        expireWaiters(s);
        const renew = maxc > 0 && s.held > 0 && performance.now() >= s.renewAt;
        if (s.waiters.length === 0 && s.trimTo === undefined && !renew) return;
        const demand = s.busy + s.waiters.length;
        // Growing: room for half as many again, so a rising load does not cost a round trip per call.
        const growTo = s.waiters.length > 0 ? demand + Math.ceil(demand / 2) : demand;
        const wantSlots = maxc > 0 ? Math.min(maxc, Math.max(growTo, s.trimTo ?? s.held)) : 0;
        s.trimTo = undefined;
        // Shrink locally before Redis hears of it, so no call starts on a slot being given back.
        s.held = Math.min(s.held, wantSlots);
        const sentAt = performance.now();
        const need = Math.max(0, s.waiters.length - tokensLeft(s, sentAt));
        let answer: ReserveAnswer;
        try {
          answer = await withTimeout(
            reserve(s.keys, {
              holder,
              wantSlots,
              busy: s.busy,
              needTokens: rate > 0 ? need : 0,
              extraTokens: rate > 0 && need > 0 ? expectedTokens(s, sentAt) : 0,
              maxConcurrent: maxc,
              leaseTtlMs: options.leaseTtlMs,
              ratePerSecond: rate,
              capacity,
              channel,
              connectionId: s.id,
            }),
            options.redisTimeoutMs,
          );
        } catch (err) {
          s.onRedisError(err);
          s.held = 0;
          bypassAll(s);
          return;
        }
        if (maxc > 0) {
          s.held = answer.slots;
          s.renewAt = sentAt + options.leaseTtlMs / 3;
          // Our clock started before Redis', so the lease ends no later here than there.
          s.leaseUntil = sentAt + options.leaseTtlMs - options.redisTimeoutMs;
        }
        if (answer.tokens > 0) {
          tokensLeft(s, performance.now());
          s.batches.push({ count: answer.tokens, until: sentAt + holdMs });
          s.spentSinceReserve = 0;
          s.reservedAt = sentAt;
        }
        // The fresh tokens go to the calls waiting for them now, whatever holdMs is.
        serveWaiters(s, sentAt);
        // Calls that arrived during the round trip go straight to the next one; only a refusal waits.
        const refused = (maxc > 0 && answer.slots < wantSlots) || (rate > 0 && answer.tokens < need);
        if (s.waiters.length === 0 || !refused) continue;
        // Still waiting: no free slot or token anywhere. Jitter spreads waiters from many processes.
        const untilDeadline = Math.min(...s.waiters.map((w) => w.deadline)) - Date.now();
        // Short of tokens: come back when a chunk's worth has refilled, not for every single token.
        const refill = rate > 0 && answer.tokens < need ? (Math.min(s.waiters.length, chunk) * 1000) / rate : 0;
        const wait = Math.min(Math.max(answer.waitMs, refill, 5), 250) * (0.5 + Math.random() * 0.5);
        await sleep(Math.max(0, Math.min(wait, untilDeadline)));
      }
    } finally {
      s.pumping = false;
    }
  }

  return {
    async acquire(connectionId, deadline, onRedisError) {
      if (disabled) return { ok: true, release: noop, waitedMs: 0, bypassed: false };
      const s = shareOf(connectionId);
      s.onRedisError = onRedisError;
      if (s.waiters.length === 0 && takeLocal(s, performance.now())) {
        return { ok: true, release: releaser(s), waitedMs: 0, bypassed: false };
      }
      const result = new Promise<AcquireResult>((resolve) => {
        s.waiters.push({ deadline, started: Date.now(), resolve });
      });
      void pump(s);
      return result;
    },

    async close() {
      listener?.close();
      const giveBack: Promise<void>[] = [];
      for (const s of shares.values()) {
        clearTimeout(s.trimTimer);
        s.trimTimer = undefined;
        if (s.held === 0) continue;
        s.trimTo = 0;
        giveBack.push(pump(s));
      }
      await Promise.all(giveBack);
    },
  };
}
