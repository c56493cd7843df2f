// The operator CLI: `npm run cli -- <command>`; `npm run cli -- --help` lists the commands and
// `npm run cli -- <command> --help` explains one. Configuration comes from the environment, as
// for the API and the workers (src/config.ts).
import { Command, CommanderError, Option } from 'commander';
import { loadConfig, type Config } from '../config.js';
import type { CliContext } from './context.js';
import { EXIT_OK, EXIT_USAGE, Output, UsageError, type Streams } from './output.js';
import { registerFinancialCommands } from './commands/financial.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerOrderCommands } from './commands/orders.js';
import { registerTokenCommands } from './commands/tokens.js';
import { registerVendorCommands } from './commands/vendors.js';
import { registerWebhookCommands } from './commands/webhooks.js';

export interface CliEnvironment {
  streams: Streams;
  loadConfig: () => Config;
}

interface CommonOptions {
  json?: boolean;
  verbose?: boolean;
}

export type Handler<A extends unknown[]> = (ctx: CliContext, ...args: A) => Promise<void>;

/** Builds commands with the shared options and the run-and-report wrapper. */
export class CliBuilder {
  exitCode = EXIT_OK;
  constructor(readonly env: CliEnvironment) {}

  /** A leaf command: --json and --verbose, then the action (args, then the options object). */
  leaf(parent: Command, name: string, description: string): Command {
    return parent
      .command(name)
      .description(description)
      .addOption(new Option('--json', 'print the result as JSON (errors too, on stderr)'))
      .addOption(new Option('-v, --verbose', 'log at LOG_LEVEL instead of warnings only (logs go to stderr)'));
  }

  action<A extends unknown[]>(handler: Handler<A>): (...raw: unknown[]) => Promise<void> {
    return async (...raw: unknown[]) => {
      const command = raw[raw.length - 1] as Command;
      const options = command.opts<CommonOptions>();
      const out = new Output(this.env.streams, Boolean(options.json));
      let config: Config;
      try {
        config = this.env.loadConfig();
      } catch (err) {
        this.exitCode = out.error(new UsageError((err as Error).message));
        return;
      }
      // Loaded only now: help and refused arguments never pay for Prisma, BullMQ and the rest.
      const { CliContext } = await import('./context.js');
      const ctx = new CliContext(config, out, { verbose: Boolean(options.verbose) });
      try {
        await handler(ctx, ...(raw.slice(0, -1) as A));
      } catch (err) {
        this.exitCode = out.error(err);
      } finally {
        await ctx.close();
      }
    };
  }
}

export function buildProgram(builder: CliBuilder): Command {
  const { streams } = builder.env;
  const program = new Command('cli')
    .description(
      'Operator commands for the Lightspeed K-Series integration (configuration from the environment, as for the API).',
    )
    .usage('<command> [options]  (npm run cli -- <command> --help for one command)')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (s) => streams.stdout.write(s),
      writeErr: (s) => streams.stderr.write(s),
    });
  registerVendorCommands(program, builder);
  registerOrderCommands(program, builder);
  registerTokenCommands(program, builder);
  registerFinancialCommands(program, builder);
  registerWebhookCommands(program, builder);
  registerMigrateCommand(program, builder);
  return program;
}

/** Runs one command line (without "node script"); resolves to the exit code. */
export async function runCli(argv: string[], env: CliEnvironment): Promise<number> {
  const builder = new CliBuilder(env);
  const program = buildProgram(builder);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    throw err;
  }
  return builder.exitCode;
}

export const defaultEnvironment = (): CliEnvironment => ({
  streams: { stdout: process.stdout, stderr: process.stderr },
  loadConfig: () => loadConfig(),
});
