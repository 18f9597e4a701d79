// Errors that reach the user. A UserError is printed as its message alone (no stack trace) and exits 1;
// anything else is a bug and is printed with its stack.
import type { ErrorCode, WarningCode } from './finding-codes.js';

export interface SourceLocation {
  file: string;
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
}

export interface Diagnostic {
  severity: 'error' | 'warning';
  message: string;
  location?: SourceLocation;
  hint?: string;
  /** What it is about, e.g. `webhook "https://…"`: reports group one message said of many objects. */
  subject?: string;
  /** For machines (src/finding-codes.ts): what the JSON plan prints beside the message. */
  code?: ErrorCode | WarningCode;
}

/** A diagnostic of a plan's review, whose code is required: an error apply refuses, or a warning. */
export type Finding<C extends ErrorCode | WarningCode> = Diagnostic & { code: C };

/** `FILE:LINE:COL: error: message (hint)`, the format editors and CI annotations understand. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${d.location.file}:${d.location.line}:${d.location.column}: ` : '';
  const hint = d.hint ? `\n  hint: ${d.hint}` : '';
  return `${where}${d.severity}: ${d.subject ? `${d.subject}: ` : ''}${d.message}${hint}`;
}

export class UserError extends Error {
  override readonly name: string = 'UserError';
  readonly exitCode: number;

  constructor(message: string, options?: { exitCode?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options?.exitCode ?? 1;
  }
}

/** The desired state is invalid: every problem found, each with its location. */
export class ConfigError extends UserError {
  override readonly name = 'ConfigError';
  readonly diagnostics: Diagnostic[];

  constructor(diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    super(
      `${diagnostics.map(formatDiagnostic).join('\n')}\n${errors} error(s) in the configuration; nothing was sent.`,
    );
    this.diagnostics = diagnostics;
  }
}
