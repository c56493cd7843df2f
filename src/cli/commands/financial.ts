// cli financial status|sync|backfill: the same requests as the vendor API's
// /v1/locations/:id/financial/sync and /backfill (src/services/financial/service.ts), for one
// location. The work is done by the workers; --wait follows it (a progress bar for backfills).
import type { Command } from 'commander';
import type { QueueProducers } from '../../queues/producers.js';
import type { CliContext } from '../context.js';
import { NotFoundError } from '../../lib/errors.js';
import { daysBetween } from '../../services/financial/calendar.js';
import { dateArg, intArg, uuidArg } from '../args.js';
import { CliError, record, table, UsageError } from '../output.js';
import type { CliBuilder } from '../builder.js';

const POLL_MS = 1_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function vendorOfLocation(ctx: CliContext, locationId: string): Promise<string> {
  const location = await ctx.prisma.location.findUnique({ where: { id: locationId }, select: { vendorId: true } });
  if (!location) throw new NotFoundError('Location');
  return location.vendorId;
}

// The financial service loads when a command runs, not when the CLI starts. Sync and backfill
// queue jobs, so they take it from the composition root; `status` reads, so it gets no queue
// producers (no BullMQ, no Redis).
async function service(ctx: CliContext, mode: 'read' | 'write') {
  if (mode === 'write') return (await ctx.services()).financial;
  const { createFinancialService } = await import('../../services/financial/service.js');
  return createFinancialService({ prisma: ctx.prisma, queues: READ_ONLY });
}

// Why a proxy and not a stub: the service wants producers at construction, but a read never
// uses them; should it ever try, the command fails loudly instead of silently queueing nothing.
const READ_ONLY = new Proxy({} as Pick<QueueProducers, 'financialSync'>, {
  get() {
    throw new Error('financial status is read-only: it has no queue producers');
  },
});

/** The job's end: its return value, or a CliError with its failure. Null while it runs. */
async function jobOutcome(ctx: CliContext, jobId: string | null): Promise<{ state: string; result?: string } | null> {
  if (!jobId) return null;
  const job = await (await ctx.queues()).financialSync.queue.getJob(jobId);
  if (!job) return null;
  const state = await job.getState();
  if (state === 'failed')
    throw new CliError(`The sync job failed: ${job.failedReason ?? 'unknown reason'}`, 'SYNC_FAILED');
  if (state === 'completed') return { state, result: String(job.returnvalue ?? '') };
  return { state };
}

function deadline(timeoutSeconds: number): () => void {
  const until = Date.now() + timeoutSeconds * 1000;
  return () => {
    if (Date.now() > until) {
      throw new CliError(
        `Still not finished after ${timeoutSeconds} s; the workers carry on (check with: financial status)`,
        'TIMEOUT',
      );
    }
  };
}

const rangeKey = (r: { fromDate: string; toDate: string }) => `${r.fromDate}/${r.toDate}`;

export function registerFinancialCommands(program: Command, cli: CliBuilder): void {
  const financial = program
    .command('financial')
    .description('financial and item sync of a location: status, sync now, backfill past days');

  cli
    .leaf(financial, 'status', "sync status of a location: each data set's last sync and error, and its backfills")
    .argument('<locationId>', 'the location', uuidArg)
    .action(
      cli.action(async (ctx, locationId: string) => {
        const status = await (await service(ctx, 'read')).status(await vendorOfLocation(ctx, locationId), locationId);
        ctx.out.result(status, () =>
          [
            record({
              connectionStatus: status.connectionStatus,
              scopes: status.scopes.join(' '),
              pendingBackfillChunks: status.backfill.pending.length,
            }),
            '',
            table(status.datasets, ['dataset', 'lastSyncedAt', 'lastError']),
          ].join('\n'),
        );
      }),
    );

  cli
    .leaf(
      financial,
      'sync',
      'sync a location now (it also runs on its schedule); requests made while one waits collapse into it',
    )
    .argument('<locationId>', 'the location', uuidArg)
    .option('--wait', 'wait until the workers have run it')
    .option('--timeout <seconds>', 'with --wait: give up waiting after this long (1-86400)', intArg(1, 86_400), 3_600)
    .action(
      cli.action(async (ctx, locationId: string, options: { wait?: boolean; timeout: number }) => {
        const { jobId } = await (await service(ctx, 'write')).requestSync(
          await vendorOfLocation(ctx, locationId),
          locationId,
        );
        ctx.log.info({ locationId, jobId }, 'financial sync requested (cli)');
        let outcome: Awaited<ReturnType<typeof jobOutcome>> = null;
        if (options.wait) {
          ctx.out.note('waiting for a worker to run the sync (npm run worker)...');
          const check = deadline(options.timeout);
          let last = '';
          for (;;) {
            outcome = await jobOutcome(ctx, jobId);
            if (outcome?.state === 'completed') break;
            if (outcome && outcome.state !== last) ctx.out.note(`job ${jobId}: ${outcome.state}`);
            last = outcome?.state ?? last;
            check();
            await sleep(POLL_MS);
          }
        }
        const result = { locationId, jobId, ...(outcome?.result !== undefined ? { result: outcome.result } : {}) };
        ctx.out.result(result, () => record(result));
      }),
    );

  cli
    .leaf(
      financial,
      'backfill',
      'read past business days of a location (at most a year per request), in chunks the workers sync one by one',
    )
    .argument('<locationId>', 'the location', uuidArg)
    .requiredOption('--from <date>', 'first business day, YYYY-MM-DD', dateArg)
    .requiredOption('--to <date>', 'last business day, YYYY-MM-DD', dateArg)
    .option('--wait', 'wait until every chunk is synced, with a progress bar')
    .option('--timeout <seconds>', 'with --wait: give up waiting after this long (1-86400)', intArg(1, 86_400), 3_600)
    .action(
      cli.action(
        async (ctx, locationId: string, options: { from: string; to: string; wait?: boolean; timeout: number }) => {
          const { MAX_BACKFILL_DAYS } = await import('../../services/financial/backfill.js');
          const days = daysBetween(options.from, options.to) + 1;
          if (days < 1) throw new UsageError('--to must not be before --from');
          if (days > MAX_BACKFILL_DAYS)
            throw new UsageError(
              `A backfill covers at most ${MAX_BACKFILL_DAYS} days (this one covers ${days}); split it`,
            );
          const financialService = await service(ctx, 'write');
          const vendorId = await vendorOfLocation(ctx, locationId);
          const { chunks, jobId } = await financialService.requestBackfill(vendorId, locationId, {
            from: options.from,
            to: options.to,
          });
          ctx.log.info({ locationId, chunks: chunks.length, jobId }, 'financial backfill requested (cli)');
          let sales: number | null = null;
          if (options.wait) {
            ctx.out.note(`${chunks.length} chunk(s) queued; waiting for the workers (npm run worker)...`);
            const ours = new Set(chunks.map(rangeKey));
            const bar = ctx.out.progress('backfill', chunks.length);
            const check = deadline(options.timeout);
            try {
              for (;;) {
                const { backfill } = await financialService.status(vendorId, locationId);
                const open = [...backfill.pending, ...(backfill.running ? [backfill.running] : [])].filter((r) =>
                  ours.has(rangeKey(r)),
                ).length;
                bar.update(
                  chunks.length - open,
                  backfill.running
                    ? `(${backfill.running.fromDate}..${backfill.running.toDate}: ${backfill.running.sales} sales)`
                    : '',
                );
                if (open === 0) {
                  sales = backfill.completed.filter((c) => ours.has(rangeKey(c))).reduce((sum, c) => sum + c.sales, 0);
                  break;
                }
                await jobOutcome(ctx, jobId);
                check();
                await sleep(POLL_MS);
              }
            } finally {
              bar.finish();
            }
          }
          const result = { locationId, jobId, chunks, ...(sales !== null ? { done: true, sales } : {}) };
          ctx.out.result(result, () =>
            [
              table(
                chunks.map((c) => ({ ...c })),
                ['fromDate', 'toDate'],
              ),
              sales !== null
                ? `done: ${sales} sale(s) read`
                : 'queued: follow it with `financial status` or add --wait',
            ].join('\n'),
          );
        },
      ),
    );
}
