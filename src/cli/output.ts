// How the CLI talks: results on stdout (a table or lines for people, JSON with --json), messages
// and errors on stderr, exit codes 0 (done), 1 (could not be done), 2 (bad arguments or
// configuration: nothing was changed).
import { AppError } from '../lib/errors.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** An expected failure with a message for the operator. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code = 'FAILED',
    readonly exitCode = EXIT_FAILED,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 'BAD_ARGUMENTS', EXIT_USAGE);
  }
}

export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** JSON without surprises: bigints as strings, dates as ISO strings (Date.toJSON). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** A plain-text table with a header row; `-` for empty cells. */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((row) => columns.map((c) => cell(row[c]).replace(/\s+/g, ' ')));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(columns), ...cells.map(line)].join('\n');
}

/** `key: value` lines for one record. */
export function record(value: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(value).map((k) => k.length));
  return Object.entries(value)
    .map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${cell(v)}`)
    .join('\n');
}

export class Output {
  constructor(
    readonly streams: Streams,
    readonly json: boolean,
  ) {}

  /** The command's result: JSON with --json, else the human rendering. */
  result(value: unknown, human: () => string): void {
    this.streams.stdout.write(`${this.json ? toJson(value) : human()}\n`);
  }

  /** Progress and remarks for people (stderr, never in --json output). */
  note(message: string): void {
    if (!this.json) this.streams.stderr.write(`${message}\n`);
  }

  error(err: unknown): number {
    const { code, message, exitCode } = describeError(err);
    // One line, the last on stderr (log lines may come before it).
    this.streams.stderr.write(this.json ? `${JSON.stringify({ error: { code, message } })}\n` : `error: ${message}\n`);
    return exitCode;
  }

  /**
   * A progress bar on stderr when it is a terminal (and not --json); otherwise silent. `update`
   * takes the amount done so far.
   */
  progress(label: string, total: number): { update(done: number, detail?: string): void; finish(): void } {
    const stream = this.streams.stderr;
    if (this.json || !stream.isTTY || total <= 0) return { update() {}, finish() {} };
    const width = 30;
    const draw = (done: number, detail = '') => {
      const ratio = Math.min(1, done / total);
      const filled = Math.round(ratio * width);
      stream.write(
        `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(ratio * 100)}% ${detail}`.padEnd(
          100,
        ),
      );
    };
    draw(0);
    return {
      update: draw,
      finish: () => stream.write('\n'),
    };
  }
}

export function describeError(err: unknown): { code: string; message: string; exitCode: number } {
  if (err instanceof CliError) return { code: err.code, message: err.message, exitCode: err.exitCode };
  // Services' errors: not found, conflict, K-Series unavailable... The message is for people.
  if (err instanceof AppError)
    return { code: err.code, message: err.message, exitCode: err.statusCode === 400 ? EXIT_USAGE : EXIT_FAILED };
  const database = databaseProblem(err);
  if (database) return { code: 'DATABASE_UNAVAILABLE', message: database, exitCode: EXIT_FAILED };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'FAILED', message, exitCode: EXIT_FAILED };
}

/**
 * Prisma's "database does not exist" (P1003) and "can't reach the server" (P1001) arrive as a
 * multi-line message quoting our own source; the operator needs one line that names the variable
 * and what to do. Read structurally (the error code), so no Prisma import is needed here.
 */
function databaseProblem(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'P1003')
    return 'the database in DATABASE_URL does not exist yet: create it with `./cli migrate` (or `npm run migrate`)';
  if (code === 'P1001')
    return 'PostgreSQL is not reachable at DATABASE_URL: start it (or `docker compose up -d postgres`)';
  return null;
}
