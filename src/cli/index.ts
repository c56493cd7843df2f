// CLI entry point (./cli or `npm run cli -- <command>` run it through scripts/cli.mjs; see ./program.ts).
import { defaultEnvironment, runCli } from './program.js';

const code = await runCli(process.argv.slice(2), defaultEnvironment()).catch((err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  return 1;
});
process.exitCode = code;
// Everything is closed by now; should a library keep a handle open, do not hang the shell.
setTimeout(() => process.exit(code), 2_000).unref();
