// Keeps the token and every secret out of anything we print: a Redactor knows the sensitive strings of this
// run and replaces them wherever they appear, as a last line of defence behind the Secret type.

const MIN_SECRET_LENGTH = 4; // shorter values would redact ordinary words; they are still never printed on purpose

export class Redactor {
  readonly #values = new Set<string>();

  add(...values: (string | undefined)[]): this {
    for (const value of values) if (value && value.length >= MIN_SECRET_LENGTH) this.#values.add(value);
    return this;
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret containing another is replaced whole.
    for (const value of [...this.#values].sort((a, b) => b.length - a.length)) out = out.replaceAll(value, '***');
    return out;
  }
}

/** Where diagnostics go: stderr for the CLI, the runner's log for the Action. Data goes to stdout. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Where text goes: process.stdout and process.stderr, or what a test collects. */
export interface TextOutput {
  write(text: string): unknown;
  /** A terminal, where colour is on by default. */
  isTTY?: boolean;
}

export function createStderrLogger(
  redactor: Redactor,
  options: { verbose?: boolean; stderr?: TextOutput } = {},
): Logger {
  const stderr = options.stderr ?? process.stderr;
  const write = (prefix: string, message: string) => stderr.write(`${prefix}${redactor.redact(message)}\n`);
  return {
    debug: (message) => {
      if (options.verbose) write('debug: ', message);
    },
    info: (message) => write('', message),
    warn: (message) => write('warning: ', message),
    error: (message) => write('error: ', message),
  };
}
