// cli orders attention|replay: the orders an operator has to look at, and replaying one: a new
// delivery attempt of a FAILED or NEEDS_ATTENTION order, a new payment attempt of a PAYMENT_FAILED
// one (the same replay as POST /v1/orders/:id/replay, recorded as "operator").
import type { Command } from 'commander';
import type { OrderStatus } from '../../generated/prisma/enums.js';
import { ATTENTION_STATUSES } from '../../services/orders/state-machine.js';
import { attemptOfReference } from '../../services/orders/references.js';
import { intArg, listArg, uuidArg } from '../args.js';
import { record, table } from '../output.js';
import type { CliBuilder } from '../builder.js';

export function registerOrderCommands(program: Command, cli: CliBuilder): void {
  const orders = program.command('orders').description('orders that need an operator, and replaying them');

  cli
    .leaf(
      orders,
      'attention',
      'list orders needing attention (NEEDS_ATTENTION, FAILED, PAYMENT_FAILED), most recently changed first',
    )
    .option('--vendor <vendorId>', "only this vendor's orders", uuidArg)
    .option(
      '--status <statuses>',
      `only these statuses, comma-separated (${ATTENTION_STATUSES.join(', ')})`,
      listArg(ATTENTION_STATUSES),
    )
    .option('--limit <n>', 'at most this many orders (1-1000)', intArg(1, 1000), 100)
    .action(
      cli.action(async (ctx, options: { vendor?: string; status?: OrderStatus[]; limit: number }) => {
        const rows = await ctx.prisma.order.findMany({
          where: {
            status: { in: options.status ?? [...ATTENTION_STATUSES] },
            ...(options.vendor ? { vendorId: options.vendor } : {}),
          },
          orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
          take: options.limit,
          select: {
            id: true,
            vendorId: true,
            status: true,
            type: true,
            reference: true,
            attempt: true,
            failureReason: true,
            paymentAmount: true,
            createdAt: true,
            updatedAt: true,
            vendor: { select: { name: true } },
            location: { select: { name: true } },
          },
        });
        const items = rows.map(({ vendor, location, paymentAmount, ...o }) => ({
          ...o,
          vendorName: vendor.name,
          locationName: location.name,
          paymentAmount: paymentAmount.toFixed(2),
        }));
        ctx.out.result({ items }, () =>
          table(items, [
            'id',
            'vendorName',
            'locationName',
            'status',
            'attempt',
            'paymentAmount',
            'updatedAt',
            'failureReason',
          ]),
        );
      }),
    );

  cli
    .leaf(
      orders,
      'replay',
      'deliver a FAILED or NEEDS_ATTENTION order again, or pay a PAYMENT_FAILED order again under a new payment reference ' +
        '(fix the cause of the refusal first; an order without a POS account cannot be paid: settle it on the POS)',
    )
    .argument('<orderId>', 'the order', uuidArg)
    .action(
      cli.action(async (ctx, orderId: string) => {
        const { orders: service } = await ctx.services();
        const order = await service.replay(null, orderId, 'operator');
        ctx.log.info(
          {
            orderId,
            vendorId: order.vendorId,
            status: order.status,
            attempt: order.attempt,
            paymentReference: order.paymentReference,
          },
          'order replayed (cli)',
        );
        const result = {
          id: order.id,
          vendorId: order.vendorId,
          status: order.status,
          attempt: order.attempt,
          reference: order.reference,
          paymentAttempt: attemptOfReference(order.paymentReference),
          paymentReference: order.paymentReference,
        };
        // A payment replay goes back to ACCEPTED; a delivery replay to RECEIVED.
        const queued = order.status === 'ACCEPTED' ? 'Queued for payment' : 'Queued for delivery';
        ctx.out.result(
          result,
          () => `${record(result)}\n\n${queued}; follow it with GET /v1/orders/${order.id} or the queue dashboard.`,
        );
      }),
    );
}
