// cli tokens refresh|reencrypt: force a vendor's access-token refresh now (through the token
// manager, so it takes the same cross-process lock as every API and worker process), and rewrite
// secrets stored under an older TOKEN_ENCRYPTION_KEY. Never prints a token.
import type { Command } from 'commander';
import { ConnectionUnavailableError } from '../../integrations/lightspeed/access-token-provider.js';
import { NotFoundError } from '../../lib/errors.js';
import { intArg, uuidArg } from '../args.js';
import { CliError, record } from '../output.js';
import type { CliBuilder } from '../builder.js';

const UNAVAILABLE: Record<ConnectionUnavailableError['reason'], string> = {
  NOT_CONNECTED: 'the vendor has not connected Lightspeed',
  DISCONNECTED: 'the vendor disconnected Lightspeed',
  RECONNECT_REQUIRED: 'Lightspeed refused the refresh token (invalid_grant): the vendor must reconnect',
};

export function registerTokenCommands(program: Command, cli: CliBuilder): void {
  const tokens = program
    .command('tokens')
    .description('Lightspeed OAuth tokens: refresh, re-encrypt after a key rotation');

  cli
    .leaf(tokens, 'refresh', "refresh a vendor's Lightspeed access token now, whatever its expiry")
    .argument('<vendorId>', 'the vendor', uuidArg)
    .action(
      cli.action(async (ctx, vendorId: string) => {
        const vendor = await ctx.prisma.vendor.findUnique({
          where: { id: vendorId },
          select: { connection: { select: { id: true, status: true, lastError: true } } },
        });
        if (!vendor) throw new NotFoundError('Vendor');
        const connection = vendor.connection;
        if (connection?.status !== 'CONNECTED') {
          const status = connection?.status ?? 'NOT_CONNECTED';
          throw new CliError(
            `Nothing to refresh: the connection is ${status}${connection?.lastError ? ` (${connection.lastError})` : ''}`,
            'NOT_CONNECTED',
          );
        }
        let refreshed: boolean;
        try {
          refreshed = await (await ctx.lightspeed()).tokens.refreshIfDue(connection.id, Number.POSITIVE_INFINITY);
        } catch (err) {
          if (err instanceof ConnectionUnavailableError)
            throw new CliError(`Not refreshed: ${UNAVAILABLE[err.reason]}`, err.reason);
          throw err;
        }
        const after = await ctx.prisma.lightspeedConnection.findUniqueOrThrow({
          where: { id: connection.id },
          select: { status: true, accessTokenExpiresAt: true, lastError: true },
        });
        // The token endpoint failed (network, 5xx, refused client): the old tokens were kept.
        if (!refreshed && after.lastError) throw new CliError(`Not refreshed: ${after.lastError}`, 'REFRESH_FAILED');
        const result = {
          vendorId,
          connectionId: connection.id,
          refreshed,
          status: after.status,
          accessTokenExpiresAt: after.accessTokenExpiresAt,
          ...(refreshed ? {} : { note: 'another process rotated the token at the same moment; it is fresh' }),
        };
        ctx.out.result(result, () => record(result));
      }),
    );

  cli
    .leaf(
      tokens,
      'reencrypt',
      'rewrite OAuth tokens and callback secrets stored under an older TOKEN_ENCRYPTION_KEY with the current key ' +
        '(run it with the new key current and the old one in TOKEN_ENCRYPTION_PREVIOUS_KEYS)',
    )
    .option('--batch <n>', 'rows per batch (1-5000)', intArg(1, 5000), 200)
    .option('--dry-run', 'only count what would be rewritten')
    .action(
      cli.action(async (ctx, options: { batch: number; dryRun?: boolean }) => {
        const { countStale, reencryptAll } = await import('../reencrypt.js');
        const { TokenDecryptionError, tokenCipherFromConfig } = await import(
          '../../integrations/lightspeed/token-crypto.js'
        );
        // The cipher alone: re-encrypting needs no Redis, token manager or K-Series client.
        const cipher = tokenCipherFromConfig(ctx.config);
        const before = await countStale(ctx.prisma, cipher);
        const total = before.connections + before.callbackSecrets;
        if (options.dryRun) {
          const result = { keyVersion: cipher.currentVersion, stale: before };
          ctx.out.result(
            result,
            () =>
              `key version ${cipher.currentVersion}: ${before.connections} connection(s) and ${before.callbackSecrets} callback secret(s) to re-encrypt`,
          );
          return;
        }
        const bar = ctx.out.progress('re-encrypting', total);
        let totals: Awaited<ReturnType<typeof reencryptAll>>;
        try {
          totals = await reencryptAll(
            { prisma: ctx.prisma, cipher },
            { batch: options.batch, onProgress: (done) => bar.update(done) },
          );
        } catch (err) {
          if (err instanceof TokenDecryptionError) {
            throw new CliError(
              `A stored secret cannot be decrypted (${err.message}). Is its key version in TOKEN_ENCRYPTION_PREVIOUS_KEYS?`,
              'DECRYPTION_FAILED',
            );
          }
          throw err;
        } finally {
          bar.finish();
        }
        const remaining = await countStale(ctx.prisma, cipher);
        ctx.log.info({ ...totals, remaining }, 'secrets re-encrypted (cli)');
        const result = {
          keyVersion: cipher.currentVersion,
          reencrypted: { connections: totals.connections, callbackSecrets: totals.callbackSecrets },
          remaining,
        };
        ctx.out.result(result, () =>
          [
            `re-encrypted under key version ${cipher.currentVersion}: ${totals.connections} connection(s), ${totals.callbackSecrets} callback secret(s)`,
            `still on an older key: ${remaining.connections} connection(s), ${remaining.callbackSecrets} callback secret(s)`,
          ].join('\n'),
        );
        if (remaining.connections + remaining.callbackSecrets > 0) {
          throw new CliError(
            'Some rows are still on an older key (they changed during the run, or a process still encrypts with the old key): run it again once every process has the new key',
          );
        }
      }),
    );
}
