// The one HTTP client every vendor callback goes through: an undici Agent that keeps
// connections to each vendor endpoint alive between callbacks (a TCP handshake per callback was
// most of a POST's cost). Connection-level checks on where a callback may go belong on this
// Agent, so that they apply to every delivery.
import { Agent, request } from 'undici';

const TIMEOUT_MS = 10_000;

export interface CallbackHttp {
  /** POSTs one callback; resolves with the status code, or rejects on a network error or timeout. */
  post(url: string, headers: Record<string, string>, body: string): Promise<number>;
  close(): Promise<void>;
}

export function createCallbackHttp(options: { connectionsPerEndpoint?: number } = {}): CallbackHttp {
  const agent = new Agent({
    connections: options.connectionsPerEndpoint ?? 32,
    keepAliveTimeout: 30_000,
    headersTimeout: TIMEOUT_MS,
    bodyTimeout: TIMEOUT_MS,
    connectTimeout: TIMEOUT_MS,
  });
  return {
    async post(url, headers, body) {
      const res = await request(url, { method: 'POST', headers, body, dispatcher: agent });
      // The answer's body is not used, but reading it frees the connection for the next callback.
      await res.body.dump();
      return res.statusCode;
    },
    close: () => agent.close(),
  };
}
