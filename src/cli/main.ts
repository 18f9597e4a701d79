#!/usr/bin/env node
// The CLI's entry (bundled to dist/cli.js, which keeps the hashbang line above so that it runs as a command): run()
// does everything; this file hands it the process.
import { run } from './run.js';

// `ghes-gitops plan | head`: the reader is gone, so there is no one to tell; stop quietly instead of crashing.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit();
});

process.exitCode = await run(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
