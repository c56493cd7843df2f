// Open-loop load at a steady rate: one request every 1/rate seconds whatever the answers do,
// latency measured from when each request was due (so a slow server cannot hide its queue).
// autocannon's own rate option sends each second's quota in a burst at the start of the
// second, which measures the burst, not the service.
import { Pool } from 'undici';
import type { LoadResult } from './load.js';

export async function pacedLoad(options: {
  /** Several URLs (one per API process): requests go to each in turn. */
  url: string | string[];
  headers?: Record<string, string>;
  body: () => string;
  rate: number;
  durationS: number;
  /** Upper bound on connections (requests in flight beyond it queue in the client, and count). */
  connections: number;
}): Promise<LoadResult> {
  const urls = (typeof options.url === 'string' ? [options.url] : options.url).map((u) => new URL(u));
  const per = Math.max(1, Math.ceil(options.connections / urls.length));
  const pools = urls.map((u) => new Pool(u.origin, { connections: per }));
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const intervalMs = 1000 / options.rate;
  const start = performance.now();
  for (let i = 0; ; i++) {
    const due = start + i * intervalMs;
    if (due - start >= options.durationS * 1000) break;
    const wait = due - performance.now();
    if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const target = i % urls.length;
    inFlight.push(
      pools[target]!.request({
        method: 'POST',
        path: urls[target]!.pathname,
        headers: { 'content-type': 'application/json', ...options.headers },
        body: options.body(),
      })
        .then(async (res) => {
          await res.body.dump();
          if (res.statusCode >= 300) non2xx++;
          latencies.push(performance.now() - due);
        })
        .catch(() => {
          errors++;
        }),
    );
  }
  await Promise.all(inFlight);
  const elapsedS = (performance.now() - start) / 1000;
  await Promise.all(pools.map((p) => p.close()));
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0);
  return {
    requests: inFlight.length,
    non2xx,
    errors,
    rps: inFlight.length / elapsedS,
    p50: pct(50),
    p99: pct(99),
    durationS: options.durationS,
  };
}
