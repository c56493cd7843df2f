// cli webhooks reregister: rewrites our webhook registration at Lightspeed with the current
// configuration (after rotating LIGHTSPEED_WEBHOOK_USER/PASSWORD) and links every mapped
// location, for one vendor or every connected one. The K-Series calls live in
// src/services/connections/webhook-reregistration.ts. Never prints a token or the password.
import type { Command } from 'commander';
import type { RegisteredConnection, ReregisterResult } from '../../services/connections/webhook-reregistration.js';
import { NotFoundError } from '../../lib/errors.js';
import { uuidArg } from '../args.js';
import type { CliContext } from '../context.js';
import { CliError, table } from '../output.js';
import type { CliBuilder } from '../builder.js';

const registered = { id: true, vendorId: true, webhookEndpointId: true, status: true } as const;

/** The one vendor asked for; anything that cannot be re-registered is an error naming why. */
async function oneConnection(ctx: CliContext, vendorId: string): Promise<RegisteredConnection> {
  const vendor = await ctx.prisma.vendor.findUnique({
    where: { id: vendorId },
    select: { connection: { select: registered } },
  });
  if (!vendor) throw new NotFoundError('Vendor');
  const connection = vendor.connection;
  if (connection?.status !== 'CONNECTED') {
    throw new CliError(
      `Nothing to re-register: the connection is ${connection?.status ?? 'NOT_CONNECTED'}`,
      'NOT_CONNECTED',
    );
  }
  if (!connection.webhookEndpointId) {
    throw new CliError(
      'Nothing to re-register: the vendor has no webhook endpoint at Lightspeed (orders-api not granted, or registering failed at connect; see vendors logs). A reconnect registers one.',
      'NO_WEBHOOK_ENDPOINT',
    );
  }
  return { id: connection.id, vendorId, webhookEndpointId: connection.webhookEndpointId };
}

async function allConnections(ctx: CliContext): Promise<RegisteredConnection[]> {
  const rows = await ctx.prisma.lightspeedConnection.findMany({
    where: { status: 'CONNECTED', webhookEndpointId: { not: null } },
    orderBy: { createdAt: 'asc' },
    select: registered,
  });
  return rows.map((r) => ({ id: r.id, vendorId: r.vendorId, webhookEndpointId: r.webhookEndpointId! }));
}

export function registerWebhookCommands(program: Command, cli: CliBuilder): void {
  const webhooks = program.command('webhooks').description('our webhook registrations at Lightspeed');

  cli
    .leaf(
      webhooks,
      'reregister',
      'update our webhook registration at Lightspeed with the current LIGHTSPEED_WEBHOOK_USER/PASSWORD and URL ' +
        '(re-created with the same endpoint id when Lightspeed lost it), and link every mapped location; ' +
        'one vendor, or every connected vendor with a webhook endpoint',
    )
    .argument('[vendorId]', 'only this vendor (default: all connected vendors)', uuidArg)
    .action(
      cli.action(async (ctx, vendorId: string | undefined) => {
        const connections = vendorId ? [await oneConnection(ctx, vendorId)] : await allConnections(ctx);
        const { createWebhookReregistration } = await import('../../services/connections/webhook-reregistration.js');
        const { kseries, integrationLog } = await ctx.lightspeed();
        const service = createWebhookReregistration({
          prisma: ctx.prisma,
          kseries,
          integrationLog,
          config: ctx.config,
          log: ctx.log,
        });
        const bar = ctx.out.progress('re-registering', connections.length);
        const items: ReregisterResult[] = [];
        try {
          // One at a time: a failing vendor is recorded and the next one goes on.
          for (const connection of connections) {
            items.push(await service.reregister(connection));
            bar.update(items.length);
          }
        } finally {
          bar.finish();
        }
        ctx.out.result({ items }, () =>
          table(
            items.map((i) => ({ ...i, action: i.action ?? 'failed' })),
            ['vendorId', 'connectionId', 'endpointId', 'action', 'locationsLinked', 'error'],
          ),
        );
        const failed = items.filter((i) => i.error);
        if (failed.length > 0) {
          throw new CliError(
            `${failed.length} of ${items.length} vendor(s) not fully re-registered: ${failed.map((i) => i.vendorId).join(', ')}`,
            'REREGISTER_FAILED',
          );
        }
      }),
    );
}
