// Coalesces concurrent calls into one batch operation (application-level group commit): under
// load, 100 webhook inserts become one multi-row INSERT instead of 100 round trips and commits.
// A call resolves only when its batch has completed, so callers keep their guarantees (an
// acknowledged webhook is in Postgres).

export interface Batcher<I, O> {
  submit(item: I): Promise<O>;
}

export function createBatcher<I, O>(
  flush: (items: I[]) => Promise<O[]>,
  options: { maxSize: number; maxWaitMs: number },
): Batcher<I, O> {
  let pending: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | null = null;
  // Flush immediately when idle: a lone request is not delayed; batches form only under load.
  let inFlight = 0;

  async function run(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    inFlight++;
    try {
      const results = await flush(batch.map((b) => b.item));
      for (const [i, b] of batch.entries()) b.resolve(results[i] as O);
    } catch (err) {
      for (const b of batch) b.reject(err);
    } finally {
      inFlight--;
      if (pending.length > 0 && inFlight === 0) void run();
    }
  }

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        if (pending.length >= options.maxSize || inFlight === 0) void run();
        else if (!timer) timer = setTimeout(() => void run(), options.maxWaitMs);
      });
    },
  };
}
