// Shared by the benchmarks: run autocannon against a URL with a body generator and summarise.
import autocannon from 'autocannon';

export interface LoadResult {
  requests: number;
  non2xx: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
  durationS: number;
}

/**
 * Several URLs (one per API process): the connections are split between them, one autocannon
 * each, as a load balancer would spread them. Merged: counts and req/s add up, p50 is the mean
 * weighted by requests, p99 the worst of them (exact percentiles do not merge).
 */
export async function load(options: {
  url: string | string[];
  headers?: Record<string, string>;
  body: () => string;
  connections: number;
  durationS: number;
}): Promise<LoadResult> {
  const urls = typeof options.url === 'string' ? [options.url] : options.url;
  const results = await Promise.all(
    urls.map((url, i) =>
      loadOne({
        ...options,
        url,
        connections: Math.floor(options.connections / urls.length) + (i < options.connections % urls.length ? 1 : 0),
      }),
    ),
  );
  if (results.length === 1) return results[0]!;
  const requests = results.reduce((s, r) => s + r.requests, 0);
  return {
    requests,
    non2xx: results.reduce((s, r) => s + r.non2xx, 0),
    errors: results.reduce((s, r) => s + r.errors, 0),
    rps: results.reduce((s, r) => s + r.rps, 0),
    p50: Math.round(results.reduce((s, r) => s + r.p50 * r.requests, 0) / Math.max(requests, 1)),
    p99: Math.max(...results.map((r) => r.p99)),
    durationS: options.durationS,
  };
}

async function loadOne(options: {
  url: string;
  headers?: Record<string, string>;
  body: () => string;
  connections: number;
  durationS: number;
}): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    connections: options.connections,
    duration: options.durationS,
    headers: { 'content-type': 'application/json', ...options.headers },
    requests: [{ setupRequest: (req) => ({ ...req, body: options.body() }) }],
  });
  return {
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    durationS: options.durationS,
  };
}
