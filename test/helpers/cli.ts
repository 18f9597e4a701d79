// Runs the bundle as a user would: `node dist/cli.js ...` in a child process, with a clean environment. The bundle
// is the one the test run built from the current sources (test/setup/bundle.ts), never a stale committed dist/.
// Always asynchronous: the simulator it talks to runs in this process and must keep answering meanwhile.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inject } from 'vitest';
import { run } from '../../src/cli/run.js';
import { FakeProcess } from './fake-process.js';

export const ROOT = resolve(import.meta.dirname, '../..');
/** The bundle under test, built for this test run. */
export const CLI = join(inject('distDir'), 'cli.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Another bundle, e.g. a copy in a directory without node_modules. */
  cli?: string;
  /** Called with all of stderr so far on each chunk, with the child: e.g. to interrupt it at the right moment. */
  onStderr?: (seen: string, child: ChildProcess) => void;
  /** Called with all of stdout so far on each chunk, with the child: e.g. to answer a question on its stdin. */
  onStdout?: (seen: string, child: ChildProcess) => void;
  /** Kill the child and fail after this long. Default 20 s. */
  timeoutMs?: number;
}

/** Everything every run printed, for checks that span the whole suite (no secret, no token, ever). */
export const transcript: CliRun[] = [];

/** Only what the child needs: PATH, and what the test passes. Never the parent's tokens. */
function childEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) env[name] = value;
  return env;
}

export function startCli(args: string[], options: CliOptions = {}): ChildProcess {
  const cli = options.cli ?? CLI;
  if (!existsSync(cli)) throw new Error(`${cli} is missing: the test run's bundle build failed`);
  return spawn(process.execPath, [cli, ...args], {
    cwd: options.cwd ?? ROOT,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Collects a child's output until it exits. */
export function finished(
  child: ChildProcess,
  options: Pick<CliOptions, 'onStderr' | 'onStdout' | 'timeoutMs'> = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    options.onStdout?.(stdout, child);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    options.onStderr?.(stderr, child);
  });
  return new Promise((resolveRun, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the CLI did not finish in time\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const run = { code, signal, stdout, stderr };
      transcript.push(run);
      resolveRun(run);
    });
  });
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return finished(startCli(args, options), options);
}

export interface InProcessOptions {
  env?: Record<string, string | undefined>;
  /** Called with all of stderr so far on each write: e.g. to send a signal at the right moment. */
  onStderr?: (seen: string) => void;
  /** Where signals come from; a fresh FakeProcess by default, never the test runner's process. */
  signals?: FakeProcess;
}

/**
 * The CLI's run() in this process, from the sources, with the environment and streams a child would have; the
 * same CliRun as runCli, at a fraction of the cost. Retry waits are shrunk to a millisecond. It runs in the test's
 * working directory and stdout is not a terminal: runCli covers what depends on those, and on the process itself.
 */
export async function runCliInProcess(args: string[], options: InProcessOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    env: childEnv(options.env),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: {
      write: (text: string) => {
        stderr += text;
        options.onStderr?.(stderr);
      },
    },
    signals: options.signals ?? new FakeProcess(),
    waits: { retryDelayMs: 1, rateLimitUnitMs: 1 },
  });
  const result = { code, signal: null, stdout, stderr };
  transcript.push(result);
  return result;
}

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`): stdin, stdout and stderr are the terminal, so colour is on
 * by default and apply asks before changing anything. What the child prints arrives on `stdout` (stderr included);
 * `onStdout` may answer on the child's stdin, which `script` passes to the terminal. Undefined without `script`.
 */
export async function runCliOnTty(args: string[], options: CliOptions = {}): Promise<CliRun | undefined> {
  if (!existsSync('/usr/bin/script')) return undefined;
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, options.cli ?? CLI, ...args].map(quote).join(' ');
  const child = spawn('/usr/bin/script', ['-qec', command, '/dev/null'], {
    cwd: options.cwd ?? ROOT,
    env: childEnv(options.env),
    stdio: [options.onStdout ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  return finished(child, options);
}

/** For an afterAll: none of `values` appeared in anything any run of this file printed. */
export function expectNeverPrinted(...values: string[]): void {
  for (const run of transcript) {
    for (const value of values) {
      if (run.stdout.includes(value) || run.stderr.includes(value)) {
        throw new Error(`a run printed a value it must never print (${value.length} characters)`);
      }
    }
  }
}

/** A stack frame, as Node prints them: never shown to a user for an error they can fix. */
export const STACK_FRAME = /at .*\(/;
export const ANSI = new RegExp(`${String.fromCharCode(27)}\\[`);
