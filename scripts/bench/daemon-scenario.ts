// Scenario 7: the daemon (`node dist/cli.js serve`) watching the large no-change installation of scenario 1 from a
// local config directory. Measured from outside, as an operator sees it: its resident memory once the first pass
// has settled (VmRSS from /proc), and no-change passes started by SIGHUP, each counted in the simulator's log
// against the same request floor as the plan's and timed by the daemon itself (/status).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildLargeState, type LargeStateSize } from '../../src/sim/seed.js';
import { checkRequests, type RequestCheck } from './plan-scenario.js';
import type { BenchSimulator } from './simulator.js';
import { SECRET_VARIABLE, writeConfigDirectory } from './states.js';
import { summarize, type Summary } from './stats.js';

export interface DaemonPass {
  requests: RequestCheck;
  /** The pass as the daemon timed it (load, observe, plan; nothing to apply). */
  durationMs: number;
  outcome: string;
}

export interface DaemonScenarioResult {
  size: LargeStateSize;
  latencyMs: number;
  /** Spawn to `/readyz` answering 200: start-up, then the first pass's load and observe. */
  readyMs: number;
  /** VmRSS samples once the first pass has settled, before any measured pass. */
  idleRssBytes: Summary;
  /** The same after the measured passes: memory that grows per pass shows here. */
  idleRssAfterBytes: Summary;
  passes: DaemonPass[];
  durationMs: Summary;
  problems: string[];
}

interface StatusRun {
  trigger: string;
  finishedAt: string;
  durationMs: number;
  outcome: string;
}

/** Samples taken once idle, and the pause between them. */
export const RSS_SAMPLES = 5;
export const RSS_SAMPLE_GAP_MS = 200;
/** How long the daemon is left alone after a pass before its memory is read: timers and sockets wind down. */
export const SETTLE_MS = 1_000;

function residentBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

async function sampleRss(pid: number, gapMs: number): Promise<Summary> {
  const samples: number[] = [];
  for (let i = 0; i < RSS_SAMPLES; i++) {
    if (i > 0) await sleep(gapMs);
    samples.push(residentBytes(pid));
  }
  return summarize(samples);
}

/** Polls `check` every few milliseconds until it returns a value, or fails after `timeoutMs`. */
async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`bench: the daemon did not ${what} within ${timeoutMs} ms`);
    await sleep(20);
  }
}

async function statusRuns(url: string): Promise<StatusRun[]> {
  const response = await fetch(`${url}/status`);
  return ((await response.json()) as { runs: StatusRun[] }).runs;
}

/** The daemon's own URL, from its first log lines (`--listen 127.0.0.1:0` lets the system pick the port). */
function listeningUrl(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: string) => {
      seen += chunk;
      const match = /listening on (http:\/\/[^\s]+)/.exec(seen);
      if (match) {
        child.stdout.off('data', onData);
        resolve(match[1]!);
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => reject(new Error(`bench: serve exited (${code}) before it listened: ${seen}`)));
  });
}

export async function runDaemonScenario(options: {
  sim: BenchSimulator;
  cli: string;
  workDir: string;
  size: LargeStateSize;
  latencyMs: number;
  passes: number;
  log?: (message: string) => void;
  /** The smoke test's shortcut: SETTLE_MS and RSS_SAMPLE_GAP_MS by default. */
  settleMs?: number;
  sampleGapMs?: number;
}): Promise<DaemonScenarioResult> {
  const { sim, size, latencyMs } = options;
  const settleMs = options.settleMs ?? SETTLE_MS;
  const sampleGapMs = options.sampleGapMs ?? RSS_SAMPLE_GAP_MS;
  const state = buildLargeState(size);
  const configDir = join(options.workDir, `daemon-config-${size.environments}-${size.hooks}-${size.webhooks}`);
  writeConfigDirectory(configDir, state);
  const { url: apiUrl, token } = await sim.start({ latencyMs, downloadMs: 0, state });
  const liveCounts = { environments: size.environments + 1, hooks: size.hooks, webhooks: size.webhooks };
  const problems: string[] = [];

  const spawnedAt = performance.now();
  // The interval is far beyond the scenario: every measured pass is one SIGHUP asked for.
  const child = spawn(
    process.execPath,
    [
      options.cli,
      'serve',
      '--config',
      configDir,
      '--listen',
      '127.0.0.1:0',
      '--interval',
      '24h',
      '--log-format',
      'json',
    ],
    {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        GHES_API_URL: apiUrl,
        GHES_TOKEN: token,
        [SECRET_VARIABLE]: 'bench-secret-value',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  try {
    const url = await listeningUrl(child);
    await until('become ready', 60_000, async () => ((await fetch(`${url}/readyz`)).status === 200 ? true : undefined));
    const readyMs = performance.now() - spawnedAt;
    const first = await until('finish its first pass', 60_000, async () => (await statusRuns(url))[0]);
    if (first.outcome !== 'in-sync') problems.push(`the first pass was ${first.outcome}, not in-sync`);
    await sleep(settleMs);
    const idleRssBytes = await sampleRss(child.pid!, sampleGapMs);

    const passes: DaemonPass[] = [];
    for (let i = 0; i < options.passes; i++) {
      const before = (await statusRuns(url))[0]?.finishedAt;
      await sim.clearRequests();
      child.kill('SIGHUP');
      // Newest first: a new first record is the pass that just ended.
      const run = await until('finish the pass SIGHUP asked for', 60_000, async () => {
        const newest = (await statusRuns(url))[0];
        return newest?.finishedAt !== before ? newest : undefined;
      });
      const { requests } = await sim.requests();
      const pass = { requests: checkRequests(requests, liveCounts), durationMs: run.durationMs, outcome: run.outcome };
      passes.push(pass);
      if (run.trigger !== 'signal') problems.push(`a pass was started by ${run.trigger}, not by SIGHUP`);
      if (run.outcome !== 'in-sync') problems.push(`a no-change pass was ${run.outcome}`);
      options.log?.(
        `  daemon @${latencyMs} ms pass ${i + 1}: ${run.durationMs.toFixed(0)} ms, ${requests.length} requests`,
      );
    }
    await sleep(settleMs);
    const idleRssAfterBytes = await sampleRss(child.pid!, sampleGapMs);
    return {
      size,
      latencyMs,
      readyMs,
      idleRssBytes,
      idleRssAfterBytes,
      passes,
      durationMs: summarize(passes.map((p) => p.durationMs)),
      problems: [...new Set(problems)],
    };
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${stderr.slice(-2000)}`, {
      cause: error,
    });
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
  }
}
