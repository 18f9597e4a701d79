// The benchmark's measuring functions on tiny sizes: that they run, count what they claim to count, and compute
// the floors as defined in BENCHMARKS.md. No timing is asserted: speed is measured by `npm run bench`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { applyFloor, downloadWait, runApplyScenario } from '../../scripts/bench/apply-scenario.js';
import { runDaemonScenario } from '../../scripts/bench/daemon-scenario.js';
import { checkRequests, peakOverlap } from '../../scripts/bench/plan-scenario.js';
import {
  awaitFullSpeed,
  cpuTicks,
  FULL_SPEED_TOLERANCE,
  measureAtFullSpeed,
  rememberedFullSpeedMs,
  rememberFullSpeed,
  speedProbeMs,
  stolenShare,
} from '../../scripts/bench/machine.js';
import { growthExponent, measurePlanner } from '../../scripts/bench/planner-scenario.js';
import { renderReport, type BenchResults } from '../../scripts/bench/report.js';
import { measureScheduler } from '../../scripts/bench/scheduler-scenario.js';
import { LocalSimulator, type LoggedRequest } from '../../scripts/bench/simulator.js';
import { runSourcePollScenario } from '../../scripts/bench/source-poll-scenario.js';
import { desiredFrom, emptyInstance, mixedPlanInputs, observedFrom } from '../../scripts/bench/states.js';
import { createPlan } from '../../src/plan/plan.js';
import { buildLargeState } from '../../src/sim/seed.js';

const request = (path: string, page: number, startedAt: number, endedAt: number): LoggedRequest => ({
  method: 'GET',
  path,
  page,
  startedAt,
  endedAt,
  status: 200,
});

/** A machine for reports rendered from made-up results. */
const MACHINE: BenchResults['machine'] = {
  cpu: 'cpu',
  cores: 2,
  memoryGb: 4,
  node: 'v20',
  os: 'os',
  loadAtStart: 0,
  loadAtEnd: 0,
  speed: {},
  stolen: {},
};

/** Results with no scenario run, but for what `given` sets. */
function reportOf(given: Partial<BenchResults>): BenchResults {
  return {
    date: '2026-01-01T00:00:00Z',
    machine: MACHINE,
    bundle: 'dist/',
    quick: true,
    plan: [],
    planner: [],
    plannerExponent: NaN,
    scheduler: [],
    schedulerExponent: NaN,
    apply: [],
    startup: undefined,
    exported: [],
    daemon: [],
    sourcePoll: [],
    durationMs: 1,
    ...given,
  };
}

describe('plan scenario: request checks', () => {
  it('counts list pages per kind against ceil(n/100), and sees the three kinds start together', () => {
    const log = [
      request('/admin/pre-receive-environments', 1, 0, 10),
      request('/admin/pre-receive-hooks', 1, 1, 11),
      request('/admin/hooks', 1, 2, 12),
      request('/admin/pre-receive-hooks', 2, 11, 21),
      request('/admin/pre-receive-hooks', 3, 11, 21),
      request('/meta', 1, 30, 31),
    ];
    const check = checkRequests(log, { environments: 50, hooks: 250, webhooks: 100 });
    expect(check.lists).toEqual({ environments: 1, hooks: 3, webhooks: 1 });
    expect(check.floor).toEqual({ environments: 1, hooks: 3, webhooks: 1 });
    expect(check.other).toBe(1);
    expect(check.kindsConcurrent).toBe(true);
    expect(check.peakInFlight).toBe(3);
    expect(check.spanMs).toBe(31);
  });

  it('does not count a slot freed and reused at the same instant twice', () => {
    expect(peakOverlap([request('/a', 1, 0, 10), request('/a', 1, 10, 20)])).toBe(1);
  });
});

describe('apply scenario: the floor', () => {
  it('waits for a download with the poll schedule apply uses (first wait, then ×1.5)', () => {
    // Polls go out at 50 and 50 + 10 + 75 ms; the second is answered at 145 ms, after the 100 ms download.
    expect(downloadWait({ latencyMs: 10, downloadMs: 100, pollMs: 50 })).toEqual({
      polls: 2,
      pollStarts: [50, 135],
      waitMs: 145,
    });
  });

  it('is the critical path for one environment and its hooks, and the gated bound when hooks queue behind it', () => {
    const target = buildLargeState({ environments: 1, hooks: 4, webhooks: 0 });
    const plan = createPlan(desiredFrom(target), observedFrom({}), { syncSecrets: false });
    // Hooks alternate between Default (ready at once) and env-0001 (after create 10 + POST download 10 + wait 145).
    const wide = applyFloor(plan, { latencyMs: 10, downloadMs: 100, pollMs: 50, concurrency: 8 });
    expect(wide.requests).toBe(1 + 1 + 2 + 4);
    expect(wide.criticalPathMs).toBe(10 + 10 + 145 + 10);
    expect(wide.floorMs).toBe(175);
    const narrow = applyFloor(plan, { latencyMs: 10, downloadMs: 100, pollMs: 50, concurrency: 1 });
    expect(narrow.throughputMs).toBe(80);
    // Two hooks cannot start before 165 ms and need two latencies after it, one slot each.
    expect(narrow.floorMs).toBe(185);
    // Preflight first: a repository read, then its tree, for each of the hooks' script repositories.
    const repositories = new Set(target.hooks!.map((hook) => hook.script_repository)).size;
    const checked = applyFloor(plan, { latencyMs: 10, downloadMs: 100, pollMs: 50, concurrency: 8 }, true);
    expect(checked.preflightMs).toBe(20);
    expect(checked.requests).toBe(wide.requests + 2 * repositories);
    expect(checked.floorMs).toBe(wide.floorMs + 20);
  });
});

describe('the measuring functions, on tiny sizes', () => {
  const sim = new LocalSimulator();
  afterAll(() => sim.close());

  it('applies a bootstrap plan without exceeding the concurrency, every operation succeeding', async () => {
    const result = await runApplyScenario({
      sim,
      size: { environments: 1, hooks: 4, webhooks: 1 },
      latencyMs: 0,
      downloadMs: 20,
      pollMs: 5,
      concurrency: 2,
      runs: 1,
    });
    expect(result.problems).toEqual([]);
    expect(result.preflight).toBe(true);
    expect(result.operations).toBe(7);
    expect(result.runs[0]!.failed).toBe(0);
    // Preflight is timed apart, inside the run's wall time.
    expect(result.runs[0]!.reviewMs).toBeGreaterThan(0);
    expect(result.runs[0]!.reviewMs).toBeLessThan(result.runs[0]!.wallMs);
    expect(result.peakInFlight).toBeGreaterThanOrEqual(1);
    expect(result.peakInFlight).toBeLessThanOrEqual(2);
    expect(emptyInstance(buildLargeState({ environments: 1, hooks: 1, webhooks: 1 }))).not.toHaveProperty('hooks');
  });

  it('counts one conditional request, answered 304, per unchanged source poll', async () => {
    const result = await runSourcePollScenario({ sim, latencyMs: 0, polls: 3, log: () => {} });
    expect(result.requestsPerPoll).toBe(1);
    expect(result.statuses).toEqual({ 304: 3 });
    expect(result.wallMs.runs).toBe(3);
  });

  it('serves the daemon, reads its memory, and counts a SIGHUP pass against the list floor', async () => {
    const work = await mkdtemp(join(tmpdir(), 'ghes-gitops-bench-test-'));
    try {
      const result = await runDaemonScenario({
        sim,
        cli: join(inject('distDir'), 'cli.js'),
        workDir: work,
        size: { environments: 2, hooks: 150, webhooks: 1 },
        latencyMs: 0,
        passes: 2,
        settleMs: 0,
        sampleGapMs: 1,
      });
      expect(result.problems).toEqual([]);
      expect(result.passes.map((p) => p.outcome)).toEqual(['in-sync', 'in-sync']);
      // 3 environments with Default, 150 hooks over two pages, 1 webhook: nothing else.
      expect(result.passes[0]!.requests.lists).toEqual({ environments: 1, hooks: 2, webhooks: 1 });
      expect(result.passes[0]!.requests.other).toBe(0);
      expect(result.idleRssBytes.runs).toBe(5);
      expect(result.idleRssBytes.median).toBeGreaterThan(10 * 1024 * 1024);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it('plans a mix of every action, and apply runs a bootstrap against the in-memory API', async () => {
    const { desired, observed } = mixedPlanInputs(400);
    const plan = createPlan(desired, observed, { syncSecrets: false });
    expect(Object.values(plan.summary).every((n) => n > 0)).toBe(true);
    const planner = await measurePlanner(400, { batches: 1, batchMs: 1 });
    expect(planner.operations).toBe(plan.operations.length);
    expect(planner.cpuMs.runs).toBe(1);
    const scheduler = await measureScheduler(200, { batches: 1, batchMs: 1 });
    expect(scheduler.operations).toBe(220);
  });

  it('fits the growth exponent: 1 for linear cost, 2 for quadratic', () => {
    const at = (objects: number, cpu: number) => ({ objects, cpuMs: { median: cpu, min: cpu, max: cpu, runs: 1 } });
    expect(growthExponent([at(1000, 10), at(2000, 20), at(4000, 40)])).toBeCloseTo(1);
    expect(growthExponent([at(1000, 10), at(2000, 40), at(4000, 160)])).toBeCloseTo(2);
  });

  it('renders a report with every scenario and the machine', () => {
    const results = reportOf({
      machine: {
        ...MACHINE,
        speed: {
          plan: { probeMs: 96.4, waitedMs: 30_500, fullSpeed: true, afterMs: 131 },
          apply: { probeMs: 91, waitedMs: 0, fullSpeed: true, afterMs: 99.5 },
          export: { probeMs: 201, waitedMs: 120_000, fullSpeed: false },
        },
        fullSpeedProbeMs: 90.2,
        stolen: { plan: 0.004, export: 0.31 },
      },
    });
    const text = renderReport(results);
    for (const heading of ['# Benchmarks', '## Method', '## 1.', '## 2.', '## 3.', '## 4.', '## 5.', '## 6.']) {
      expect(text).toContain(heading);
    }
    // How fast the machine was before each scenario: the load average does not show a host slowing it down.
    expect(text).toContain(
      '| Speed probe before (and after) each scenario | plan 96 ms (after waiting 31 s) then 131 ms (**slowed** by its ' +
        'end), apply 91 ms then 100 ms, export 201 ms (**slowed**: did not reach full speed within the wait) (after ' +
        'waiting 120 s) against 90 ms at full speed, the fastest this machine has run it',
    );
  });

  it('lists what each start loads of the bundles, beside all of dist/', () => {
    const figure = { ms: { median: 120, min: 110, max: 130, runs: 15 } };
    const text = renderReport(
      reportOf({
        startup: {
          nodeBaseline: figure,
          cliVersion: figure,
          cliFirstRequest: figure,
          actionFirstRequest: figure,
          loads: [
            { label: 'Action (`dist/index.js`)', files: 12, bytes: 330_000 },
            { label: 'CLI `plan`', files: 20, bytes: 1_500_000 },
          ],
          dist: { files: 70, codeBytes: 1_800_000, mapBytes: 2_000_000 },
        },
      }),
    );
    expect(text).toContain('| Action (`dist/index.js`) | 322 KB | 12 |');
    expect(text).toContain('| CLI `plan` | 1,465 KB | 20 |');
    expect(text).toContain('| All of dist/, for scale | 1,758 KB (and 1,953 KB of source maps) | 70 |');
  });

  it('reads the CPU time the host took from the machine', () => {
    const before = cpuTicks();
    expect(before.total).toBeGreaterThanOrEqual(before.steal);
    const share = stolenShare(before, { total: before.total + 200, steal: before.steal + 50 });
    expect(share).toBe(0.25);
    expect(stolenShare(before, before)).toBeNaN();
  });

  it('waits for full speed only while the probe reads slower than the fastest of the run allows', async () => {
    const log: string[] = [];
    // The first reading of a run is its fastest: full speed at once.
    const fresh = { probeMs: Infinity };
    const first = await awaitFullSpeed(fresh, 0, (line) => log.push(line));
    expect(first).toEqual({ probeMs: fresh.probeMs, waitedMs: expect.any(Number), fullSpeed: true });
    // Against a full speed no machine reaches, with no time to wait: the scenario runs, marked slowed.
    const unreachable = { probeMs: 0.001 };
    const slowed = await awaitFullSpeed(unreachable, 0, (line) => log.push(line));
    expect(slowed.fullSpeed).toBe(false);
    expect(slowed.probeMs).toBeGreaterThan(unreachable.probeMs * FULL_SPEED_TOLERANCE);
    expect(log).toEqual([]);
  });

  it('measures a scenario again when the machine ended it slowed, by the probes alone', async () => {
    /** A machine whose probe reads these figures in turn, and a scenario that counts its attempts. */
    const measure = async (readings: number[], attempts: number) => {
      const probes = [...readings];
      let runs = 0;
      const measured = await measureAtFullSpeed(() => Promise.resolve(++runs), {
        fastest: { probeMs: 50 },
        maxWaitMs: 0,
        attempts,
        log: () => {},
        probe: () => Promise.resolve(probes.shift() ?? Number.NaN),
      });
      expect(probes).toEqual([]);
      return { ...measured, runs };
    };
    // At full speed before and after (within the tolerance of the fastest, 50 ms): measured once.
    expect(await measure([50, 60], 3)).toMatchObject({
      result: 1,
      runs: 1,
      check: { probeMs: 50, afterMs: 60, fullSpeed: true },
      setAside: [],
    });
    // A single slow reading after it is asked again: a spike (then 55 ms) does not set the attempt aside.
    expect(await measure([50, 90, 55], 3)).toMatchObject({ runs: 1, check: { afterMs: 55 }, setAside: [] });
    // Slowed by its end (90 ms, then 95 ms): set aside, measured again, and the second attempt counts.
    expect(await measure([50, 95, 90, 52, 51], 3)).toMatchObject({
      result: 2,
      runs: 2,
      check: { probeMs: 52, afterMs: 51 },
      setAside: [{ probeMs: 50, afterMs: 90 }],
    });
    // The last attempt counts whatever its probes say: the report marks it slowed.
    expect(await measure([50, 90, 92, 52, 95, 99], 2)).toMatchObject({
      result: 2,
      check: { probeMs: 52, afterMs: 95 },
      setAside: [{ probeMs: 50, afterMs: 90 }],
    });
  });

  it('says in the machine table which attempts were set aside, and whether the one that counts ended slowed', () => {
    const text = renderReport(
      reportOf({
        machine: {
          ...MACHINE,
          speed: {
            plan: { probeMs: 52, waitedMs: 0, fullSpeed: true, afterMs: 51 },
            apply: { probeMs: 50, waitedMs: 0, fullSpeed: true, afterMs: 95 },
          },
          setAside: {
            plan: [{ probeMs: 50, afterMs: 90 }],
            apply: [
              { probeMs: 49, afterMs: 70 },
              { probeMs: 51, afterMs: 88 },
            ],
          },
          fullSpeedProbeMs: 50,
        },
      }),
    );
    expect(text).toContain(
      '| plan 52 ms then 51 ms (measured again: an attempt ended slowed, 50 ms then 90 ms), apply 50 ms then 95 ms ' +
        '(**slowed** by its end) (measured again: 2 attempts ended slowed, 49 ms then 70 ms; 51 ms then 88 ms) against',
    );
  });

  it('remembers the fastest probe of this machine between runs, and only a faster one', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ghes-gitops-bench-speed-')), 'nested', 'speed.json');
    expect(rememberedFullSpeedMs(file)).toBe(Infinity);
    rememberFullSpeed(60, file);
    rememberFullSpeed(80, file);
    expect(rememberedFullSpeedMs(file)).toBe(60);
    rememberFullSpeed(50, file);
    expect(rememberedFullSpeedMs(file)).toBe(50);
    // A reading of another machine (or another Node.js) is not this one's full speed.
    writeFileSync(file, JSON.stringify({ machine: 'another', probeMs: 1 }));
    expect(rememberedFullSpeedMs(file)).toBe(Infinity);
  });

  it('probes the speed of the machine with a fixed workload in a fresh process per core', async () => {
    const ms = await speedProbeMs();
    expect(ms).toBeGreaterThan(0);
    expect(Number.isFinite(ms)).toBe(true);
  });
});
