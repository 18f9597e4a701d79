// Scenario 3: a bootstrap apply (an empty instance to a few hundred objects) at several concurrency settings,
// against the simulator with latency and real download times, preflight on (as `apply` runs by default) or off.
// Measured: wall time against the floor that the plan's dependency DAG allows, and the most requests the
// simulator ever had in flight.
import { applyPlan, reviewPlan } from '../../src/reconcile.js';
import { createAdminApi } from '../../src/github/admin-api.js';
import { createClient } from '../../src/github/client.js';
import { createPlan } from '../../src/plan/plan.js';
import type { Operation, Plan } from '../../src/plan/types.js';
import { buildLargeState, type LargeStateSize } from '../../src/sim/seed.js';
import type { BenchSimulator } from './simulator.js';
import { desiredFrom, emptyInstance } from './states.js';
import { summarize, type Summary } from './stats.js';

/** apply's download poll schedule (src/apply/download.ts): the first wait, then ×1.5 up to 10 s. */
const POLL_GROWTH = 1.5;
const MAX_POLL_MS = 10_000;

export interface FloorSettings {
  latencyMs: number;
  downloadMs: number;
  pollMs: number;
  concurrency: number;
}

export interface ApplyFloor {
  /** Requests an ideal run sends: one per operation, plus the download polls (plus preflight's reads, when on). */
  requests: number;
  /** Preflight's share: a repository read, then its tree, per script repository, `concurrency` at a time. */
  preflightMs: number;
  /** Polls per download in an ideal run. */
  pollsPerDownload: number;
  /** The longest dependency chain: every request on it costs one latency, each download its wait. */
  criticalPathMs: number;
  /** All requests through `concurrency` slots, one latency each, ignoring dependencies. */
  throughputMs: number;
  /**
   * No schedule beats this: for every time τ, the requests that cannot start before τ (by the DAG) still need
   * ceil(n / concurrency) latencies after it. At τ = 0 it is the throughput bound; it also covers the critical
   * path. It is what the simple max(critical path, throughput) misses: work gated behind the downloads.
   */
  floorMs: number;
}

/** The ideal wait for one download: polls (each one latency) after the first wait, until the server says done. */
export function downloadWait(settings: Pick<FloorSettings, 'latencyMs' | 'downloadMs' | 'pollMs'>): {
  polls: number;
  pollStarts: number[];
  waitMs: number;
} {
  let t = 0;
  let delay = Math.max(1, settings.pollMs);
  const pollStarts: number[] = [];
  for (;;) {
    t += delay;
    pollStarts.push(t);
    t += settings.latencyMs;
    // The download ran from the POST's answer (t = 0); the poll is answered once it has been served.
    if (t >= settings.downloadMs) return { polls: pollStarts.length, pollStarts, waitMs: t };
    delay = Math.min(delay * POLL_GROWTH, MAX_POLL_MS);
  }
}

/**
 * `preflight` adds what preflight needs before any write: two requests in a row (the repository, then its tree)
 * per script repository, `concurrency` repositories at a time.
 */
export function applyFloor(plan: Plan, settings: FloorSettings, preflight = false): ApplyFloor {
  const latency = settings.latencyMs;
  const wait = downloadWait(settings);
  const finish = new Map<string, number>();
  const starts: number[] = [];
  let criticalPathMs = 0;
  // plan.operations is in topological order: every dependency comes first.
  for (const op of plan.operations) {
    const start = Math.max(0, ...op.dependsOn.map((id) => finish.get(id) ?? 0));
    starts.push(start);
    let end = start + latency;
    if (isDownload(op)) {
      for (const poll of wait.pollStarts) starts.push(start + latency + poll);
      end = start + latency + wait.waitMs;
    }
    finish.set(op.id, end);
    criticalPathMs = Math.max(criticalPathMs, end);
  }
  const requests = starts.length;
  const slots = Math.max(1, settings.concurrency);
  const throughputMs = Math.ceil(requests / slots) * latency;
  starts.sort((a, b) => a - b);
  let floorMs = Math.max(criticalPathMs, throughputMs);
  for (let i = 0; i < starts.length; i++) {
    if (i > 0 && starts[i] === starts[i - 1]) continue;
    floorMs = Math.max(floorMs, starts[i]! + Math.ceil((starts.length - i) / slots) * latency);
  }
  if (!preflight)
    return { requests, preflightMs: 0, pollsPerDownload: wait.polls, criticalPathMs, throughputMs, floorMs };
  const repositories = new Set(
    plan.operations.flatMap((op) =>
      op.kind === 'hook' && op.action === 'create' && op.fields?.script_repository
        ? [op.fields.script_repository.toLowerCase()]
        : [],
    ),
  ).size;
  const preflightMs = Math.ceil(repositories / slots) * 2 * latency;
  return {
    requests: requests + 2 * repositories,
    preflightMs,
    pollsPerDownload: wait.polls,
    criticalPathMs: criticalPathMs + preflightMs,
    throughputMs: throughputMs + preflightMs,
    floorMs: floorMs + preflightMs,
  };
}

function isDownload(op: Operation): boolean {
  return op.kind === 'environment' && op.action === 'download';
}

export interface ApplyRun {
  wallMs: number;
  /** The part of wallMs before the first change: the guards and preflight (reviewPlan). */
  reviewMs: number;
  requests: number;
  peakInFlight: number;
  failed: number;
}

export interface ApplyScenarioResult {
  size: LargeStateSize;
  /** Whether preflight checked the hook scripts first, as `apply` does unless told otherwise. */
  preflight: boolean;
  latencyMs: number;
  downloadMs: number;
  pollMs: number;
  concurrency: number;
  operations: number;
  floor: ApplyFloor;
  runs: ApplyRun[];
  wallMs: Summary;
  reviewMs: Summary;
  /** The highest peak over all runs. */
  peakInFlight: number;
  problems: string[];
}

export async function runApplyScenario(options: {
  sim: BenchSimulator;
  size: LargeStateSize;
  latencyMs: number;
  downloadMs: number;
  pollMs: number;
  concurrency: number;
  runs: number;
  /** Default true. */
  preflight?: boolean;
  log?: (message: string) => void;
}): Promise<ApplyScenarioResult> {
  const { sim, latencyMs, downloadMs, pollMs, concurrency } = options;
  const preflight = options.preflight ?? true;
  const target = buildLargeState(options.size);
  const desired = desiredFrom(target);
  const runs: ApplyRun[] = [];
  const problems: string[] = [];
  let floor: ApplyFloor | undefined;
  let operations = 0;
  for (let i = 0; i < options.runs; i++) {
    const { url, token } = await sim.start({ latencyMs, downloadMs, state: emptyInstance(target) });
    const api = createAdminApi(createClient({ apiUrl: url, token }));
    const observed = await api.observe();
    const plan = createPlan(desired, observed, { syncSecrets: false });
    operations = plan.operations.length;
    floor ??= applyFloor(plan, { latencyMs, downloadMs, pollMs, concurrency }, preflight);
    await sim.clearRequests();
    const settings = {
      concurrency,
      downloadTimeoutMs: 60_000,
      downloadPollMs: pollMs,
      allowMassDelete: false,
      dryRun: false,
      skipPreflight: !preflight,
      observed,
    };
    // What applyPlan does, in two timed steps: review (guards, preflight), then apply.
    const t0 = performance.now();
    const review = await reviewPlan(plan, api, settings);
    const reviewMs = performance.now() - t0;
    const result = await applyPlan(plan, api, { ...settings, review });
    const wallMs = performance.now() - t0;
    const log = await sim.requests();
    const run = {
      wallMs,
      reviewMs,
      requests: log.requests.length,
      peakInFlight: log.peakConcurrency,
      failed: result.counts.failed + result.counts.skipped,
    };
    runs.push(run);
    if (run.failed > 0) {
      const first = result.results.find((r) => r.status === 'failed');
      problems.push(`${run.failed} operations failed or were skipped: ${first?.error ?? '?'}`);
    }
    if (run.peakInFlight > concurrency) {
      problems.push(`${run.peakInFlight} requests in flight at once, concurrency ${concurrency}`);
    }
    options.log?.(
      `  apply c=${concurrency} @${latencyMs} ms${preflight ? '' : ' (no preflight)'} run ${i + 1}: ${wallMs.toFixed(0)} ms, ` +
        `${run.requests} requests, peak ${run.peakInFlight}`,
    );
  }
  return {
    size: options.size,
    preflight,
    latencyMs,
    downloadMs,
    pollMs,
    concurrency,
    operations,
    floor: floor!,
    runs,
    wallMs: summarize(runs.map((r) => r.wallMs)),
    reviewMs: summarize(runs.map((r) => r.reviewMs)),
    peakInFlight: Math.max(...runs.map((r) => r.peakInFlight)),
    problems: [...new Set(problems)],
  };
}
