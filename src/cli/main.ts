// The CLI's entry: parse, run one command, map the outcome to an exit code. A UserError prints its message
// alone; anything else is a bug and prints its stack.
import { UserError } from '../errors.js';
import { Redactor } from '../redact.js';
import { VERSION } from '../version.js';
import { helpText, parseInvocation } from './args.js';
import { runCommand } from './commands.js';

async function main(argv: string[]): Promise<number> {
  const redactor = new Redactor().add(process.env.GHES_TOKEN, process.env.GITHUB_TOKEN);
  try {
    const invocation = parseInvocation(argv);
    if (invocation.kind === 'help') {
      process.stdout.write(`${helpText(invocation.command)}\n`);
      return 0;
    }
    if (invocation.kind === 'version') {
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
    return await runCommand(invocation.command, invocation.flags, { redactor, env: process.env });
  } catch (error) {
    if (error instanceof UserError) {
      process.stderr.write(`${redactor.redact(error.message)}\n`);
      return error.exitCode;
    }
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`internal error (please report it): ${redactor.redact(text)}\n`);
    return 1;
  }
}

// `ghes-gitops plan | head`: the reader is gone, so there is no one to tell; stop quietly instead of crashing.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit();
});

process.exitCode = await main(process.argv.slice(2));
