// The one HTTP client every vendor callback goes through: an undici Agent that keeps
// connections to each vendor endpoint alive between callbacks (a TCP handshake per callback was
// most of a POST's cost). Connection-level checks on where a callback may go belong on this
// Agent, so that they apply to every delivery.
import type { LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { literalProblem, publicOnlyLookup } from './url-guard.js';

const TIMEOUT_MS = 10_000;

export interface CallbackHttp {
  /** POSTs one callback; resolves with the status code, or rejects on a network error or timeout. */
  post(url: string, headers: Record<string, string>, body: string): Promise<number>;
  close(): Promise<void>;
}

export interface CallbackHttpOptions {
  connectionsPerEndpoint?: number;
  /** Resolves (and may refuse) every address a connection goes to: where an SSRF check belongs. */
  lookup?: LookupFunction;
  /** Refuses a URL before sending (an IP literal skips the lookup): a reason, or null. */
  refuse?: (url: URL) => string | null;
}

export function createCallbackHttp(options: CallbackHttpOptions = {}): CallbackHttp {
  const agent = new Agent({
    ...(options.lookup ? { connect: { lookup: options.lookup } } : {}),
    connections: options.connectionsPerEndpoint ?? 32,
    keepAliveTimeout: 30_000,
    headersTimeout: TIMEOUT_MS,
    bodyTimeout: TIMEOUT_MS,
    connectTimeout: TIMEOUT_MS,
  });
  return {
    async post(url, headers, body) {
      const refused = options.refuse?.(new URL(url));
      if (refused) throw new Error(`refused: ${refused}`);
      const res = await request(url, { method: 'POST', headers, body, dispatcher: agent });
      // The answer's body is not used, but reading it frees the connection for the next callback.
      await res.body.dump();
      return res.statusCode;
    },
    close: () => agent.close(),
  };
}

/**
 * The callback client as configured: public addresses only (every resolved address checked at
 * connect, IP literals before sending) unless CALLBACK_ALLOW_PRIVATE_NETWORKS.
 */
export function callbackHttpFor(allowPrivateNetworks: boolean): CallbackHttp {
  return createCallbackHttp(allowPrivateNetworks ? {} : { lookup: publicOnlyLookup, refuse: literalProblem });
}
