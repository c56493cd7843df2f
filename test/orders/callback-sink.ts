// A vendor's callback endpoint for tests: registers itself with PUT /v1/callback and keeps every
// status callback it receives, so a test can show what the vendor was told.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearer } from '../helpers/context.js';
import { waitFor } from '../helpers/workers.js';
import type { PipelineContext } from './pipeline-context.js';

export interface StatusCallback {
  orderId: string;
  status: string;
  previousStatus: string | null;
  reason: string | null;
  sequence: number;
}

export async function callbackSink(p: PipelineContext) {
  const received: StatusCallback[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(JSON.parse(body) as StatusCallback);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callbacks`;
  const set = await p.ctx.app.inject({
    method: 'PUT',
    url: '/v1/callback',
    headers: bearer(p.vendor.apiKey),
    payload: { url },
  });
  if (set.statusCode !== 200) throw new Error(`callback: ${set.statusCode} ${set.body}`);
  return {
    received,
    /** The callback that told the vendor the order reached `status`. */
    waitFor: (orderId: string, status: string) =>
      waitFor(
        async () => received.find((c) => c.orderId === orderId && c.status === status),
        `the ${status} callback of ${orderId}`,
      ),
    statuses: (orderId: string) =>
      received
        .filter((c) => c.orderId === orderId)
        .sort((a, b) => a.sequence - b.sequence)
        .map((c) => c.status),
    close: () => new Promise((r) => server.close(r)),
  };
}
