// Graceful shutdown for every entry point: on SIGTERM/SIGINT run the close steps in order,
// and exit within a bounded time even if one of them hangs.
import closeWithGrace from 'close-with-grace';
import type { FastifyBaseLogger as Logger } from 'fastify';

export function closeOnSignals(log: Logger, timeoutMs: number, close: () => Promise<void>): void {
  closeWithGrace({ delay: timeoutMs }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after a fatal error');
    else log.info({ signal }, 'shutting down');
    await close();
    log.info('shut down cleanly');
  });
}
