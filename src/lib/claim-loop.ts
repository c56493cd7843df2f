// The loop shared by the outboxes that a process claims from Postgres in batches (the order
// work of src/jobs/processors/order-work.ts, the vendor callbacks of
// src/services/callbacks/dispatcher.ts): claim when woken and every pollMs regardless (a lost
// wake-up costs latency, never work), let the wake-ups of one short window share one claim
// (under load every accepted order or transition wakes the loop, and a claim each would be a
// statement each again), claim again at once while batches come back full, and stop claiming
// while the process is at its capacity until some work finishes.

export interface ClaimLoop {
  /** Looks for due work soon (within the batch window). */
  wake(): void;
  /** Work finished: if the loop stopped at capacity, it claims again. */
  released(): void;
  /** Stops claiming and waits for a claim under way; the owner waits for its own work. */
  close(): Promise<void>;
}

export function startClaimLoop(options: {
  /** Room for new work now (batch size and capacity left), 0 when full. */
  room(): number;
  /** Claims up to `room` items and starts them; resolves to how many it claimed. */
  claim(room: number): Promise<number>;
  /** A claim failed (Postgres away...); the next wake-up or poll tries again. */
  onError(err: unknown): void;
  batchWindowMs: number;
  pollMs: number;
}): ClaimLoop {
  let closed = false;
  let claiming: Promise<void> | null = null;
  let again = false;
  let capped = false;
  let timer: NodeJS.Timeout | null = null;

  /** One claim; true when the batch was full, so more may be due right away. */
  async function claimOnce(): Promise<boolean> {
    const room = options.room();
    if (room <= 0) {
      capped = true;
      return false;
    }
    return (await options.claim(room)) === room;
  }

  function claimNow(): void {
    again = false;
    claiming = claimOnce()
      .catch((err: unknown) => {
        options.onError(err);
        return false;
      })
      .then((full) => {
        claiming = null;
        if (closed) return;
        if (full) claimNow();
        else if (again) wake();
      });
  }

  function wake(): void {
    if (closed) return;
    if (claiming !== null) {
      again = true;
      return;
    }
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      if (!closed && claiming === null) claimNow();
    }, options.batchWindowMs);
  }

  const poll = setInterval(wake, options.pollMs);
  poll.unref();
  wake();

  return {
    wake,
    released() {
      if (!capped) return;
      capped = false;
      wake();
    },
    async close() {
      closed = true;
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      await claiming;
    },
  };
}
