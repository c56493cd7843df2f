// `npm run sandbox`: the K-Series sandbox on its own port (default 4010).
import { buildSandbox } from './app.js';
import { loadSandboxConfig } from './config.js';

async function main(): Promise<void> {
  const config = loadSandboxConfig();
  const app = await buildSandbox(config.sandbox);
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    // The sandbox stands alone (no imports from the service), so it explains a taken port itself.
    if ((err as { code?: string }).code === 'EADDRINUSE')
      throw new Error(
        `Port ${config.port} is already in use (SANDBOX_PORT): stop the process using it, or set SANDBOX_PORT to a free port.`,
      );
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  process.stdout.write(`K-Series sandbox listening on http://${config.host}:${port}\n`);

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    process.stdout.write(`K-Series sandbox: ${signal} received, closing\n`);
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`K-Series sandbox: error while closing: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
