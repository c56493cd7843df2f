// The operator CLI: `./cli <command>` (or `npm run cli -- <command>`); `./cli --help` lists the commands and
// `./cli <command> --help` explains one. Configuration comes from the environment, as
// for the API and the workers (src/config.ts: the environment over .env).
import { Command, CommanderError } from 'commander';
import { loadConfig } from '../config.js';
import { CliBuilder, type CliEnvironment } from './builder.js';
import { EXIT_OK, EXIT_USAGE } from './output.js';
import { registerFinancialCommands } from './commands/financial.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerOrderCommands } from './commands/orders.js';
import { registerTokenCommands } from './commands/tokens.js';
import { registerVendorCommands } from './commands/vendors.js';
import { registerWebhookCommands } from './commands/webhooks.js';

export function buildProgram(builder: CliBuilder): Command {
  const { streams } = builder.env;
  const program = new Command('cli')
    .description(
      'Operator commands for the Lightspeed K-Series integration (configuration from the environment, as for the API).',
    )
    .usage('<command> [options]  (./cli <command> --help for one command)')
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

export { CliBuilder, type CliEnvironment };
