// A round-robin TCP proxy: each new connection goes to the next port, as an L4 load balancer in
// front of several API processes would send it. Used for what reaches the API at PUBLIC_URL
// (K-Series webhooks, the admin and connect calls) when the bench runs several API processes.
import { connect, createServer } from 'node:net';

export async function roundRobinProxy(ports: number[]): Promise<{ port: number; close: () => void }> {
  let next = 0;
  const server = createServer((client) => {
    const upstream = connect(ports[next++ % ports.length]!, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.address() as { port: number }).port, close: () => server.close() };
}
