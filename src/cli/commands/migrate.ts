// cli migrate: applies pending migrations to DATABASE_URL (as `npm run migrate`).
import type { Command } from 'commander';
import type { CliBuilder } from '../builder.js';

export function registerMigrateCommand(program: Command, cli: CliBuilder): void {
  cli
    .leaf(
      program,
      'migrate',
      'apply pending database migrations to DATABASE_URL (creates the database if needed; safe to run concurrently)',
    )
    .action(
      cli.action(async (ctx) => {
        const { migrate } = await import('../../db/migrate.js');
        const result = await migrate(ctx.config.DATABASE_URL, { log: (m) => ctx.out.note(m) });
        ctx.out.result(
          result,
          () => `migrations: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied`,
        );
      }),
    );
}
