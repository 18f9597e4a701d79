// terraform's question before apply changes anything: asked on a terminal only, answered with exactly `yes`.
// Without a terminal (CI, a pipe) nobody can answer, so apply proceeds as it always has.
import { createInterface } from 'node:readline';
import { UserError } from '../errors.js';
import type { TextOutput } from '../redact.js';

/** Where the question goes and the answer comes from; the process's own streams unless a test passes others. */
export interface Terminal {
  input: NodeJS.ReadableStream;
  output: TextOutput;
  /** Whether a person can answer: stdin is a terminal. */
  interactive: boolean;
}

/** The process's stdin, and `output` (the CLI's stderr) for the question. */
export function processTerminal(output: TextOutput): Terminal {
  return { input: process.stdin, output, interactive: process.stdin.isTTY === true };
}

/**
 * Asks whether to apply to `apiUrl`; returns on `yes`, throws a UserError (exit 1, nothing sent) on anything else,
 * on end of input, and on Ctrl+C (exit 130).
 */
export async function askApproval(terminal: Terminal, apiUrl: string): Promise<void> {
  terminal.output.write(
    `\nDo you want to apply these changes to ${apiUrl}?\n` +
      "  Only 'yes' will be accepted to approve.\n\n" +
      '  Enter a value: ',
  );
  const lines = createInterface({ input: terminal.input, terminal: false });
  let onInterrupt: (() => void) | undefined;
  const answer = await new Promise<string | undefined>((resolve) => {
    lines.once('line', resolve);
    lines.once('close', () => resolve(undefined));
    // On a terminal in raw mode Ctrl+C arrives as input, not as a signal; readline turns it into this event.
    onInterrupt = () => resolve('\u0003');
    process.once('SIGINT', onInterrupt);
  }).finally(() => {
    if (onInterrupt) process.off('SIGINT', onInterrupt);
    lines.close();
  });
  if (answer === '\u0003') {
    throw new UserError('\nApply cancelled (interrupted); nothing was sent.', { exitCode: 130 });
  }
  if (answer?.trim() !== 'yes') {
    throw new UserError(
      `\nApply cancelled: the answer was ${answer === undefined ? 'missing (end of input)' : `not \`yes\``}; nothing was sent.`,
    );
  }
  terminal.output.write('\n');
}
