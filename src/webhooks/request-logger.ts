// The per-request logger of the webhook route, made only when something is logged. Fastify makes
// a pino child per request (`logger.child({ requestId })`), and with our redact paths that child
// costs a redaction pass over its bindings: about a tenth of a webhook's CPU, for a logger that a
// stored webhook never uses (its line is its batch's, ./store-events.ts). Warnings and errors
// still get the real child, request id included.
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Logger } from 'pino';

type LevelValues = Record<string, number>;

class LazyChildLogger {
  #real: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
    private readonly values: LevelValues,
  ) {}

  get level(): string {
    return this.#real?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: string) {
    this.#materialize().level = level;
  }

  #materialize(): FastifyBaseLogger {
    this.#real ??= this.parent.child(this.bindings, this.options);
    return this.#real;
  }

  #log(name: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace', args: unknown[]): void {
    // A level without a value is "silent": nothing passes.
    if ((this.values[name] ?? 0) < (this.values[this.level] ?? Number.POSITIVE_INFINITY)) return;
    (this.#materialize()[name] as (...a: unknown[]) => void)(...args);
  }

  fatal(...args: unknown[]) {
    this.#log('fatal', args);
  }
  error(...args: unknown[]) {
    this.#log('error', args);
  }
  warn(...args: unknown[]) {
    this.#log('warn', args);
  }
  info(...args: unknown[]) {
    this.#log('info', args);
  }
  debug(...args: unknown[]) {
    this.#log('debug', args);
  }
  trace(...args: unknown[]) {
    this.#log('trace', args);
  }
  silent() {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#materialize().child(bindings, options);
  }
}

/** A childLoggerFactory (Fastify) that defers `parent.child(bindings, options)` to the first enabled call. */
export function lazyChildLogger(
  parent: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  const values = (parent as unknown as Partial<Logger>).levels?.values;
  // Not a pino logger (Fastify's no-op one): nothing to save.
  if (!values) return parent.child(bindings, options);
  return new LazyChildLogger(parent, bindings, options, values) as unknown as FastifyBaseLogger;
}
