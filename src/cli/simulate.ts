// `ghes-gitops simulate`: the built-in GHES simulator as a foreground server, for trying the tool by hand.
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
  log.info(
    [
      `GHES simulator listening on ${sim.url}`,
      '',
      'Try it in another shell:',
      `  export GHES_API_URL=${sim.url}`,
      `  export GHES_TOKEN=${sim.adminToken}   # the simulator's built-in site-admin token`,
      "  export GHES_AUDIT_HOOK_SECRET=change-me   # the example's webhook secret: `secret: ${GHES_AUDIT_HOOK_SECRET}`",
      '  ghes-gitops plan --config examples/ghes-gitops.yml',
      '',
      'Press Ctrl+C to stop.',
    ].join('\n'),
  );
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
