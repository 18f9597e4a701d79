// The daemon's log: pino, one JSON object a line on stdout (what a log shipper reads), or plain lines for a
// person at a terminal. Every line passes the Redactor on its way out, whatever wrote it.
import { pino, type DestinationStream, type Level } from 'pino';
import type { Logger, Redactor } from '../redact.js';

export type LogFormat = 'json' | 'text';

export interface DaemonLogger extends Logger {
  /** pino itself, for lines with fields. */
  readonly pino: pino.Logger;
}

export function createDaemonLogger(
  redactor: Redactor,
  options: { format: LogFormat; verbose?: boolean; write?: (line: string) => void },
): DaemonLogger {
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const destination: DestinationStream = {
    write: options.format === 'json' ? (line) => write(line) : (line) => write(textLine(line)),
  };
  const logger = pino(
    {
      level: options.verbose ? 'debug' : 'info',
      base: { name: 'ghes-gitops' },
      hooks: { streamWrite: (line) => redactor.redact(line) },
    },
    destination,
  );
  return {
    pino: logger,
    debug: (message) => logger.debug(message),
    info: (message) => logger.info(message),
    warn: (message) => logger.warn(message),
    error: (message) => logger.error(message),
  };
}

const LEVEL_NAMES: Record<number, Level> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** `2026-11-28T01:02:03.456Z info  message` from one of pino's JSON lines. */
function textLine(json: string): string {
  try {
    const entry = JSON.parse(json) as { level?: number; time?: number; msg?: string };
    const level = LEVEL_NAMES[entry.level ?? 30] ?? 'info';
    return `${new Date(entry.time ?? Date.now()).toISOString()} ${level.padEnd(5)} ${entry.msg ?? ''}\n`;
  } catch {
    return json;
  }
}
