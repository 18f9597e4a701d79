// The CLI as a function: parse, run one command, map the outcome to an exit code. A UserError prints its message
// alone; anything else is a bug and prints its stack. main.ts calls it with the process's own streams.
import { UserError } from '../errors.js';
import { Redactor } from '../redact.js';
import { sourceMappedStack } from '../stack.js';
import { VERSION } from '../version.js';
import { helpText, parseInvocation } from './args.js';
import { runCommand, type CommandContext } from './commands.js';

/** What the CLI reads and writes: the environment, stdout, stderr and where signals come from. */
export type CliIo = Omit<CommandContext, 'redactor'>;

/** Returns the exit code: 0 done, 1 error, 2 changes (with --detailed-exitcode), 130/143 interrupted. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const redactor = new Redactor().add(io.env.GHES_TOKEN, io.env.GITHUB_TOKEN);
  try {
    const invocation = parseInvocation(argv);
    if (invocation.kind === 'usage') {
      io.stderr.write(`${helpText()}\n`);
      return 1;
    }
    if (invocation.kind === 'help') {
      io.stdout.write(`${helpText(invocation.command)}\n`);
      return 0;
    }
    if (invocation.kind === 'version') {
      io.stdout.write(`${VERSION}\n`);
      return 0;
    }
    return await runCommand(invocation.command, invocation.flags, { ...io, redactor });
  } catch (error) {
    if (error instanceof UserError) {
      io.stderr.write(`${redactor.redact(error.message)}\n`);
      return error.exitCode;
    }
    const text = error instanceof Error ? sourceMappedStack(error.stack ?? error.message) : String(error);
    io.stderr.write(`internal error (please report it): ${redactor.redact(text)}\n`);
    return 1;
  }
}
