// A queue closed while its connection is still starting (Redis cut, or slow to answer) must not
// leave an unhandled rejection behind: BullMQ's close() removes its connection's listeners, and
// the start-up's late failure used to be thrown from there ("Connection is closed.").
// The Redis here answers ioredis's own ready check but never BullMQ's version check (INFO), so
// the close lands exactly in that window.
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { defineQueue, TypedQueue } from '../../src/queues/typed-queue.js';
import { z } from 'zod';

/** Command names of the RESP arrays in a chunk (enough for the few short commands sent here). */
function commandNames(chunk: string): string[] {
  const names: string[] = [];
  const lines = chunk.split('\r\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.startsWith('*') && lines[i + 1]?.startsWith('$')) names.push((lines[i + 2] ?? '').toUpperCase());
  }
  return names;
}

const sockets = new Set<Socket>();
let versionCheckSent!: () => void;
const versionCheck = new Promise<void>((resolve) => {
  versionCheckSent = resolve;
});
const server = createServer((socket) => {
  sockets.add(socket);
  let infos = 0;
  socket.on('error', () => undefined);
  socket.on('data', (data) => {
    for (const name of commandNames(data.toString('utf8'))) {
      if (name !== 'INFO') {
        socket.write('+OK\r\n');
      } else if (++infos === 1) {
        const info = '# Server\r\nredis_version:7.2.0\r\nloading:0\r\n';
        socket.write(`$${Buffer.byteLength(info)}\r\n${info}\r\n`);
      }
      // The second INFO (BullMQ's version check) is never answered.
      else versionCheckSent();
    }
  });
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it('closing a queue whose start-up is in flight leaves no unhandled rejection', { timeout: 20_000 }, async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const definition = defineQueue({
      name: 'close-while-starting',
      payload: z.object({}),
      jobOptions: {},
      concurrency: 1,
    });
    const errors: Error[] = [];
    const queue = new TypedQueue(
      definition,
      { connection: { host: '127.0.0.1', port, maxRetriesPerRequest: null }, prefix: 'test-close-while-starting' },
      (err) => errors.push(err),
    );
    // ioredis is ready, BullMQ's start-up waits for its INFO: close now.
    await versionCheck;
    await queue.close();
    // Let the start-up's failure (and any rejection it makes) run its course.
    await new Promise((r) => setTimeout(r, 200));
    expect(unhandled).toEqual([]);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
