// Scenario 1: a no-change plan of a large installation, as a pull request or a drift check runs it: the CLI bundle
// in its own process against the simulator in another, with latency on every request. Counted: the requests
// against the pagination floor, how they overlapped, wall time and the child's own peak RSS. Also timed in this
// process, stage by stage, to show where the wall time goes.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadDesiredState } from '../../src/config/load.js';
import { createAdminApi } from '../../src/github/admin-api.js';
import { createClient } from '../../src/github/client.js';
import { DEFAULT_PAGE_CONCURRENCY, PER_PAGE } from '../../src/github/observe.js';
import { createPlan } from '../../src/plan/plan.js';
import { renderPlanText } from '../../src/report/plan.js';
import { buildLargeState, type LargeStateSize } from '../../src/sim/seed.js';
import { runChild } from './child.js';
import type { BenchSimulator, LoggedRequest } from './simulator.js';
import { SECRET_VARIABLE, writeConfigDirectory } from './states.js';
import { summarize, type Summary } from './stats.js';

export const LIST_PATHS = {
  environments: '/admin/pre-receive-environments',
  hooks: '/admin/pre-receive-hooks',
  webhooks: '/admin/hooks',
} as const;
export type ListKind = keyof typeof LIST_PATHS;
const KINDS = Object.keys(LIST_PATHS) as ListKind[];

export interface RequestCheck {
  /** List requests per kind. */
  lists: Record<ListKind, number>;
  /** ceil(live objects / 100) per kind; the server lists the built-in default environment too. */
  floor: Record<ListKind, number>;
  /** Requests that were not list pages. */
  other: number;
  /** Every kind's first page went out before any first page came back. */
  kindsConcurrent: boolean;
  /** The most list requests in flight at once. */
  peakInFlight: number;
  /** First request out to last response in, as the simulator saw them. */
  spanMs: number;
}

export interface PlanRun {
  exitCode: number | null;
  wallMs: number;
  peakRssBytes: number;
  cpuMs: number;
  requests: RequestCheck;
}

export interface PlanStages {
  loadMs: Summary;
  observeMs: Summary;
  planMs: Summary;
  renderMs: Summary;
}

export interface PlanScenarioResult {
  size: LargeStateSize;
  latencyMs: number;
  pageConcurrency: number;
  /** The size of the desired-state files. */
  configBytes: number;
  runs: PlanRun[];
  wallMs: Summary;
  peakRssBytes: Summary;
  cpuMs: Summary;
  stages: PlanStages;
  /** Problems found in any run: a changed plan, a failed process, requests off the floor. */
  problems: string[];
}

export function checkRequests(requests: readonly LoggedRequest[], liveCounts: Record<ListKind, number>): RequestCheck {
  const lists = { environments: 0, hooks: 0, webhooks: 0 };
  const floor = { environments: 0, hooks: 0, webhooks: 0 };
  const firsts: LoggedRequest[] = [];
  let other = 0;
  for (const request of requests) {
    const kind = KINDS.find((k) => request.method === 'GET' && request.path === LIST_PATHS[k]);
    if (kind === undefined) {
      other++;
      continue;
    }
    lists[kind]++;
    if (request.page === 1) firsts.push(request);
  }
  for (const kind of KINDS) floor[kind] = Math.max(1, Math.ceil(liveCounts[kind] / PER_PAGE));
  const firstAnswer = Math.min(...firsts.map((r) => r.endedAt ?? Infinity));
  const kindsConcurrent = firsts.length === KINDS.length && firsts.every((r) => r.startedAt < firstAnswer);
  const starts = requests.map((r) => r.startedAt);
  const ends = requests.map((r) => r.endedAt ?? r.startedAt);
  return {
    lists,
    floor,
    other,
    kindsConcurrent,
    peakInFlight: peakOverlap(requests),
    spanMs: requests.length > 0 ? Math.max(...ends) - Math.min(...starts) : 0,
  };
}

/** The most requests open at once, from their start and end times. */
export function peakOverlap(requests: readonly LoggedRequest[]): number {
  const events = requests.flatMap((r) => [
    { at: r.startedAt, delta: 1 },
    { at: r.endedAt ?? Infinity, delta: -1 },
  ]);
  // Ends before starts at the same instant: a slot freed and reused is not two in flight.
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let peak = 0;
  for (const event of events) {
    open += event.delta;
    peak = Math.max(peak, open);
  }
  return peak;
}

export async function runPlanScenario(options: {
  sim: BenchSimulator;
  cli: string;
  workDir: string;
  size: LargeStateSize;
  latencyMs: number;
  runs: number;
  log?: (message: string) => void;
}): Promise<PlanScenarioResult> {
  const { sim, size, latencyMs } = options;
  const state = buildLargeState(size);
  const configDir = join(options.workDir, `config-${size.environments}-${size.hooks}-${size.webhooks}`);
  writeConfigDirectory(configDir, state);
  const { url, token } = await sim.start({ latencyMs, downloadMs: 0, state });
  const liveCounts = { environments: size.environments + 1, hooks: size.hooks, webhooks: size.webhooks };
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GHES_API_URL: url,
    GHES_TOKEN: token,
    [SECRET_VARIABLE]: 'bench-secret-value',
    NO_COLOR: '1',
  };
  const args = [options.cli, 'plan', '--config', configDir, '--detailed-exitcode'];

  const problems: string[] = [];
  const runs: PlanRun[] = [];
  // The first run warms the page cache (bundle, config files); it is not counted.
  for (let i = 0; i <= options.runs; i++) {
    await sim.clearRequests();
    const child = await runChild(args, env);
    const { requests } = await sim.requests();
    const run: PlanRun = {
      exitCode: child.exitCode,
      wallMs: child.wallMs,
      peakRssBytes: child.peakRssBytes,
      cpuMs: child.cpuMs,
      requests: checkRequests(requests, liveCounts),
    };
    if (child.exitCode !== 0) {
      problems.push(`plan exited ${child.exitCode} (0 = no change): ${child.stderr.trim().slice(0, 300)}`);
    }
    for (const kind of KINDS) {
      if (run.requests.lists[kind] !== run.requests.floor[kind]) {
        problems.push(`${kind}: ${run.requests.lists[kind]} list requests, floor ${run.requests.floor[kind]}`);
      }
    }
    if (i > 0) runs.push(run);
    options.log?.(`  plan @${latencyMs} ms run ${i}${i === 0 ? ' (warm-up)' : ''}: ${child.wallMs.toFixed(0)} ms`);
  }

  return {
    size,
    latencyMs,
    pageConcurrency: DEFAULT_PAGE_CONCURRENCY,
    configBytes: readdirSync(configDir).reduce((sum, name) => sum + statSync(join(configDir, name)).size, 0),
    runs,
    wallMs: summarize(runs.map((r) => r.wallMs)),
    peakRssBytes: summarize(runs.map((r) => r.peakRssBytes)),
    cpuMs: summarize(runs.map((r) => r.cpuMs)),
    stages: await measureStages({ url, token, configDir, runs: options.runs }),
    problems: [...new Set(problems)],
  };
}

/** The same pipeline in this process, each stage timed on its own (no process start-up, no bundle load). */
async function measureStages(options: {
  url: string;
  token: string;
  configDir: string;
  runs: number;
}): Promise<PlanStages> {
  const times = { load: [] as number[], observe: [] as number[], plan: [] as number[], render: [] as number[] };
  const api = createAdminApi(createClient({ apiUrl: options.url, token: options.token }));
  for (let i = 0; i <= options.runs; i++) {
    const t0 = performance.now();
    const desired = await loadDesiredState(options.configDir, { env: { [SECRET_VARIABLE]: 'bench-secret-value' } });
    const t1 = performance.now();
    const observed = await api.observe();
    const t2 = performance.now();
    const plan = createPlan(desired, observed, { syncSecrets: false });
    const t3 = performance.now();
    renderPlanText(plan, { color: false });
    const t4 = performance.now();
    if (plan.operations.length > 0)
      throw new Error(`bench: the no-change plan has ${plan.operations.length} operations`);
    if (i === 0) continue; // warm-up
    times.load.push(t1 - t0);
    times.observe.push(t2 - t1);
    times.plan.push(t3 - t2);
    times.render.push(t4 - t3);
  }
  return {
    loadMs: summarize(times.load),
    observeMs: summarize(times.observe),
    planMs: summarize(times.plan),
    renderMs: summarize(times.render),
  };
}
