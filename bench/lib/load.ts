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

export async function load(options: {
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
