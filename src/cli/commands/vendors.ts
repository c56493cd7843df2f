// cli vendors create|list|logs, cli keys issue|list|revoke.
// An API key is printed only by the commands that create one, once; lists show its prefix.
import type { Command } from 'commander';
import type { ApiKeyView } from '../../services/vendors.js';
import type { CliContext } from '../context.js';
import { intArg, nameArg, uuidArg } from '../args.js';
import { record, table } from '../output.js';
import type { CliBuilder } from '../builder.js';

// Services load when a command runs, not when the CLI starts.
const vendorService = async (ctx: CliContext) =>
  (await import('../../services/vendors.js')).createVendorService({ prisma: ctx.prisma });

const keyView = (k: ApiKeyView) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  createdAt: k.createdAt,
  lastUsedAt: k.lastUsedAt,
  revokedAt: k.revokedAt,
});

export function registerVendorCommands(program: Command, cli: CliBuilder): void {
  const vendors = program.command('vendors').description('create and list vendors, read their integration log');

  cli
    .leaf(vendors, 'create', 'create a vendor and its first API key (the key is printed this once)')
    .requiredOption('--name <name>', "the vendor's name (1-200 characters)", nameArg(200))
    .action(
      cli.action(async (ctx, options: { name: string }) => {
        const { vendor, apiKey, apiKeyRecord } = await (await vendorService(ctx)).create({ name: options.name });
        ctx.log.info({ vendorId: vendor.id, apiKeyPrefix: apiKeyRecord.prefix }, 'vendor created (cli)');
        const result = {
          id: vendor.id,
          name: vendor.name,
          apiKey,
          apiKeyId: apiKeyRecord.id,
          apiKeyPrefix: apiKeyRecord.prefix,
        };
        ctx.out.result(result, () => `${record(result)}\n\nThe API key is shown this once: give it to the vendor now.`);
      }),
    );

  cli.leaf(vendors, 'list', 'list vendors with their Lightspeed connection status').action(
    cli.action(async (ctx) => {
      const rows = await ctx.prisma.vendor.findMany({
        orderBy: { createdAt: 'asc' },
        select: {
          id: true,
          name: true,
          createdAt: true,
          connection: {
            select: {
              status: true,
              environment: true,
              businessId: true,
              businessName: true,
              accessTokenExpiresAt: true,
              lastCheckedAt: true,
              lastError: true,
            },
          },
          _count: { select: { apiKeys: { where: { revokedAt: null } }, locations: true } },
        },
      });
      const items = rows.map((v) => ({
        id: v.id,
        name: v.name,
        connectionStatus: v.connection?.status ?? 'NOT_CONNECTED',
        environment: v.connection?.environment ?? null,
        businessId: v.connection?.businessId ?? null,
        businessName: v.connection?.businessName ?? null,
        accessTokenExpiresAt: v.connection?.accessTokenExpiresAt ?? null,
        lastCheckedAt: v.connection?.lastCheckedAt ?? null,
        lastError: v.connection?.lastError ?? null,
        activeApiKeys: v._count.apiKeys,
        locations: v._count.locations,
        createdAt: v.createdAt,
      }));
      ctx.out.result({ items }, () =>
        table(items, [
          'id',
          'name',
          'connectionStatus',
          'environment',
          'businessName',
          'accessTokenExpiresAt',
          'activeApiKeys',
          'locations',
          'lastError',
        ]),
      );
    }),
  );

  cli
    .leaf(vendors, 'logs', "show a vendor's integration log, newest first (what the merchant sees in the back office)")
    .argument('<vendorId>', 'the vendor', uuidArg)
    .option('--limit <n>', 'at most this many entries (1-100)', intArg(1, 100), 100)
    .action(
      cli.action(async (ctx, vendorId: string, options: { limit: number }) => {
        await (await vendorService(ctx)).get(vendorId);
        const { createIntegrationLog } = await import('../../services/integration-log.js');
        const items = await createIntegrationLog({ prisma: ctx.prisma }).list(vendorId, { limit: options.limit });
        ctx.out.result({ items }, () =>
          table(
            items.map((e) => ({ ...e, details: e.details ? JSON.stringify(e.details) : null })),
            ['lastAt', 'level', 'event', 'count', 'message', 'details'],
          ),
        );
      }),
    );

  const keys = program.command('keys').description("issue, list and revoke vendors' API keys");

  cli
    .leaf(keys, 'issue', 'issue another API key for a vendor (printed this once)')
    .argument('<vendorId>', 'the vendor', uuidArg)
    .option('--name <name>', 'a label for the key (1-100 characters)', nameArg(100))
    .action(
      cli.action(async (ctx, vendorId: string, options: { name?: string }) => {
        const { record: key, apiKey } = await (await vendorService(ctx)).issueKey(vendorId, options.name ?? null);
        ctx.log.info({ vendorId, apiKeyPrefix: key.prefix }, 'api key issued (cli)');
        const result = { vendorId, ...keyView(key), apiKey };
        ctx.out.result(result, () => `${record(result)}\n\nThe API key is shown this once: give it to the vendor now.`);
      }),
    );

  cli
    .leaf(keys, 'list', "list a vendor's API keys (prefixes only)")
    .argument('<vendorId>', 'the vendor', uuidArg)
    .action(
      cli.action(async (ctx, vendorId: string) => {
        const items = (await (await vendorService(ctx)).listKeys(vendorId)).map(keyView);
        ctx.out.result({ items }, () => table(items, ['id', 'name', 'prefix', 'createdAt', 'lastUsedAt', 'revokedAt']));
      }),
    );

  cli
    .leaf(keys, 'revoke', 'revoke an API key: requests with it get 401 from now on (revoking twice is fine)')
    .argument('<vendorId>', 'the vendor the key belongs to', uuidArg)
    .argument('<keyId>', "the key's id (see keys list)", uuidArg)
    .action(
      cli.action(async (ctx, vendorId: string, keyId: string) => {
        const key = keyView(await (await vendorService(ctx)).revokeKey(vendorId, keyId));
        ctx.log.info({ vendorId, apiKeyPrefix: key.prefix }, 'api key revoked (cli)');
        ctx.out.result(key, () => record(key));
      }),
    );
}
