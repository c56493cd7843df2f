// The shared half of the per-connection limit: one Lua script that a process runs to reserve (or
// give back) its share of a connection's concurrency slots and a chunk of rate tokens. A process
// calls it when its local share runs out, to renew its lease, or to return slots it no longer
// needs; not once per call. Redis' clock is the only clock, so processes with skewed clocks agree.
import type { Redis } from 'ioredis';

// KEYS[1] token bucket hash {tokens, ts}; KEYS[2] slot leases hash: holder -> "count:expiresAtMs".
// ARGV: holder, wantSlots (total this holder wants to hold), busy (calls it has running),
//       needTokens (for calls waiting now), extraTokens (expected soon), maxConcurrent, leaseTtlMs,
//       ratePerSecond, capacity (bucket size), channel, connectionId.
// When other holders keep this one from the slots it wants, the script publishes the connection
// id on `channel`: holders with idle slots give them back at once instead of at their next trim.
// Returns {slots held now, tokens granted, suggested wait ms when a waiting call got nothing}.
// Tokens are only handed out for calls that have a slot, so none go unused for want of one.
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local holder = ARGV[1]
local wantSlots = tonumber(ARGV[2])
local busy = tonumber(ARGV[3])
local need = tonumber(ARGV[4])
local extra = tonumber(ARGV[5])
local maxc = tonumber(ARGV[6])
local ttl = tonumber(ARGV[7])
local rate = tonumber(ARGV[8])
local cap = tonumber(ARGV[9])
local slots = 0
if maxc > 0 then
  local others = 0
  local leases = redis.call('HGETALL', KEYS[2])
  for i = 1, #leases, 2 do
    local n, exp = string.match(leases[i + 1], '^(%d+):(%d+)$')
    if n == nil or tonumber(exp) <= now then
      redis.call('HDEL', KEYS[2], leases[i])
    elseif leases[i] ~= holder then
      others = others + tonumber(n)
    end
  end
  slots = math.max(0, math.min(wantSlots, maxc - others))
  if slots < wantSlots and others > 0 then redis.call('PUBLISH', ARGV[10], ARGV[11]) end
  if slots > 0 then
    redis.call('HSET', KEYS[2], holder, string.format('%d:%d', slots, now + ttl))
    redis.call('PEXPIRE', KEYS[2], ttl + 1000)
  else
    redis.call('HDEL', KEYS[2], holder)
  end
  local free = slots - busy
  if free <= 0 then
    if need > 0 then return {slots, 0, 20} end
    return {slots, 0, 0}
  end
  need = math.min(need, free)
end
local want = need + extra
if rate <= 0 or want <= 0 then return {slots, 0, 0} end
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local have = tonumber(b[1]) or cap
local ts = tonumber(b[2]) or now
have = math.min(cap, have + math.max(0, now - ts) * rate / 1000)
local granted = math.min(want, math.floor(have))
local wait = 0
if granted < 1 then
  granted = 0
  wait = math.ceil((1 - have) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(have - granted), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(cap * 1000 / rate) + 1000)
return {slots, granted, wait}
`;

export interface ReserveRequest {
  holder: string;
  wantSlots: number;
  busy: number;
  needTokens: number;
  extraTokens: number;
  maxConcurrent: number;
  leaseTtlMs: number;
  ratePerSecond: number;
  capacity: number;
  /** Where to ask other processes for idle slots, and what to say (the connection id). */
  channel: string;
  connectionId: string;
}

export interface ReserveAnswer {
  slots: number;
  tokens: number;
  waitMs: number;
}

type RedisWithReserve = Redis & {
  kseriesLimiterReserve(
    bucket: string,
    leases: string,
    ...args: (string | number)[]
  ): Promise<[number, number, number]>;
};

/** Defines the script on this connection (once) and returns a typed caller. */
export function reserveScript(redis: Redis) {
  const client = redis as RedisWithReserve;
  if (typeof client.kseriesLimiterReserve !== 'function') {
    redis.defineCommand('kseriesLimiterReserve', { numberOfKeys: 2, lua: RESERVE });
  }
  return async (keys: { bucket: string; leases: string }, r: ReserveRequest): Promise<ReserveAnswer> => {
    const [slots, tokens, waitMs] = await client.kseriesLimiterReserve(
      keys.bucket,
      keys.leases,
      r.holder,
      r.wantSlots,
      r.busy,
      r.needTokens,
      r.extraTokens,
      r.maxConcurrent,
      r.leaseTtlMs,
      r.ratePerSecond,
      r.capacity,
      r.channel,
      r.connectionId,
    );
    return { slots, tokens, waitMs };
  };
}

/**
 * Listens (on a connection of its own, as Redis requires for subscribers) for other processes
 * asking for a connection's slots. Errors are left to the command connection to report.
 */
export function listenForSlotRequests(redis: Redis, channel: string, onWanted: (connectionId: string) => void) {
  const subscriber = redis.duplicate();
  subscriber.on('error', () => {});
  subscriber.on('message', (_channel: string, connectionId: string) => onWanted(connectionId));
  subscriber.subscribe(channel).catch(() => {});
  return { close: () => subscriber.disconnect() };
}

class RedisTimeout extends Error {}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RedisTimeout(`redis did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** How long reserved tokens may be held, and the shared bucket's size that keeps burst + rate x T. */
export function tokenHolding(
  ratePerSecond: number,
  burst: number,
): { holdMs: number; chunk: number; capacity: number } {
  if (ratePerSecond <= 0) return { holdMs: 0, chunk: 0, capacity: burst };
  // A quarter of the burst at most, so the shared bucket keeps most of it.
  const holdMs = Math.min(100, (250 * burst) / ratePerSecond);
  const chunk = Math.floor((ratePerSecond * holdMs) / 1000);
  if (chunk < 2) return { holdMs: 0, chunk: 1, capacity: burst };
  return { holdMs, chunk, capacity: burst - (ratePerSecond * holdMs) / 1000 };
}
