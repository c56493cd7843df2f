// What every command module needs to declare itself: the shared options and the run-and-report
// wrapper. Its own module so that program.ts imports the commands and the commands import this,
// with no circle between them.
import { type Command, Option } from 'commander';
import type { Config } from '../config.js';
import type { CliContext } from './context.js';
import { EXIT_OK, Output, type Streams, UsageError } from './output.js';

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
      // Loaded only now: help and refused arguments never pay for Prisma and the logger. Queues
      // and the K-Series client load later still, only in the commands that use them.
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
