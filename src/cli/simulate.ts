// `ghes-gitops simulate`: the built-in GHES simulator as a foreground server, for trying the tool by hand.
import { basename, isAbsolute, relative } from 'node:path';
import { UserError } from '../errors.js';
import type { Logger } from '../redact.js';
import { loadStateFile, SimStateError, startSimulator } from '../sim/server.js';
import type { ParsedFlags } from './args.js';

export async function runSimulateCommand(flags: ParsedFlags, log: Logger): Promise<number> {
  const port = typeof flags.port === 'string' ? Number(flags.port) : 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UserError(`--port takes 0 to 65535, not \`${String(flags.port)}\``);
  }
  const downloadMs = typeof flags['download-ms'] === 'string' ? Number(flags['download-ms']) : 2000;
  if (!Number.isFinite(downloadMs) || downloadMs < 0) {
    throw new UserError(`--download-ms takes a number of milliseconds, not \`${String(flags['download-ms'])}\``);
  }
  const initialState = typeof flags.state === 'string' ? await readState(flags.state) : undefined;
  const sim = await startSimulator({ port, downloadMs, initialState }).catch((error: unknown) => {
    const code = (error as { code?: unknown }).code;
    if (code === 'EADDRINUSE') throw new UserError(`port ${port} is already in use: pick another with --port, or 0`);
    if (code === 'EACCES') throw new UserError(`no permission to listen on port ${port}: pick one above 1023`);
    throw error;
  });
  log.info(simulatorBanner(sim.url, sim.adminToken, invokedAs(process.argv[1], process.cwd())));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.stop();
  return 0;
}

async function readState(path: string) {
  try {
    return await loadStateFile(path);
  } catch (error) {
    if (error instanceof SimStateError)
      throw new UserError(`${error.message}\nThe expected shape: \`ghes-gitops simulate --help\` and the README.`);
    throw error;
  }
}

/**
 * What the banner prints: where the simulator listens, and the lines to paste in another shell, which the README's
 * Quick start runs too (a test keeps the two the same).
 */
export function simulatorBanner(url: string, token: string, command: string): string {
  return [
    `GHES simulator listening on ${url}`,
    '',
    'Try it in another shell:',
    `  export GHES_API_URL=${url}`,
    `  export GHES_TOKEN=${token}   # the simulator's built-in site-admin token`,
    "  export GHES_AUDIT_HOOK_SECRET=change-me   # the example's webhook secret: `secret: ${GHES_AUDIT_HOOK_SECRET}`",
    `  ${command} plan --config examples/ghes-gitops.yml`,
    '',
    'Press Ctrl+C to stop.',
  ].join('\n');
}

/**
 * The command as the user typed it, so that the line they paste works: `ghes-gitops` when it came from the PATH
 * (an installed command), else `node` and the bundle's path, e.g. `node dist/cli.js` from a clone (the Quick start).
 */
export function invokedAs(script: string | undefined, cwd: string): string {
  if (!script) return 'ghes-gitops';
  if (basename(script) === 'ghes-gitops') return 'ghes-gitops';
  const fromHere = relative(cwd, script);
  const path = fromHere.startsWith('..') || isAbsolute(fromHere) ? script : fromHere;
  return `node ${/^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`}`;
}
