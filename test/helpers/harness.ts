// Shared by the integration and CLI suites: a simulator per test on a free loopback port, stopped after the test
// once every request sent to it (and every answer it gave) has been checked against GHES 3.19's OpenAPI description.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import type { ApplyResult } from '../../src/apply/types.js';
import type { DesiredState } from '../../src/config/types.js';
import { applyPlan, connect, loadDesired, planChanges, type PlanOutcome } from '../../src/reconcile.js';
import { Redactor } from '../../src/redact.js';
import { startSimulator, type SimRequest, type Simulator, type SimulatorOptions } from '../../src/sim/server.js';
import { contractViolations, responseViolations, type RecordedRequest } from '../contract/openapi.js';

/** Registers a cleanup for the end of the current test (vitest's `onTestFinished` has this shape). */
export type OnFinished = (cleanup: () => Promise<void> | void) => void;

const pending: (() => Promise<void> | void)[] = [];

// Sequential tests share this hook; concurrent ones must pass their own context's onTestFinished to `scoped`,
// because a global hook cannot tell which concurrent test a simulator belongs to.
afterEach(async () => {
  const cleanups = pending.splice(0);
  const errors: unknown[] = [];
  for (const cleanup of cleanups) {
    try {
      await cleanup();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw errors[0];
});

export interface Fixtures {
  /** A simulator on a free port, fast downloads, responses captured; contract-checked and stopped after the test. */
  simulator: (this: void, options?: SimulatorOptions) => Promise<Simulator>;
  /** A temporary directory removed after the test. */
  tempDir: (this: void) => string;
  /** Writes `text` as a config file in a fresh temporary directory and returns its path. */
  writeConfig: (this: void, text: string, name?: string) => string;
}

export function scoped(onFinished: OnFinished): Fixtures {
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'ghes-gitops-test-'));
    onFinished(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };
  return {
    async simulator(options = {}) {
      const sim = await startSimulator({ downloadMs: 5, captureResponses: true, ...options });
      onFinished(async () => {
        try {
          checkContract(sim);
        } finally {
          await sim.stop();
        }
      });
      return sim;
    },
    tempDir,
    writeConfig(text, name = 'ghes-gitops.yml') {
      const path = join(tempDir(), name);
      writeFileSync(path, text);
      return path;
    },
  };
}

/** Every request sent to `sim` valid for the real API; every answer it gave in the shape declared for its status. */
export function checkContract(sim: Simulator): void {
  const recorded = sim.requests.entries.map(toRecorded);
  expect(recorded.flatMap(contractViolations)).toEqual([]);
  expect(recorded.flatMap(responseViolations)).toEqual([]);
}

/** Fixtures cleaned up by the shared afterEach: for tests that do not run concurrently. */
export const { simulator, tempDir, writeConfig } = scoped((cleanup) => pending.push(cleanup));

export function toRecorded(entry: SimRequest): RecordedRequest {
  return {
    method: entry.method,
    path: entry.path,
    query: entry.query,
    body: entry.body,
    ...(entry.status === null ? {} : { status: entry.status }),
    responseBody: entry.responseBody,
  };
}

/** The requests that change something (anything but GET), as `METHOD /path` below /api/v3. */
export function mutations(sim: Simulator, after = 0): string[] {
  return requestsAfter(sim, after)
    .filter((e) => e.method !== 'GET')
    .map(requestLine);
}

/** Entries whose seq is greater than `after` (0: all of them). */
export function requestsAfter(sim: Simulator, after = 0): SimRequest[] {
  return sim.requests.entries.filter((e) => e.seq > after);
}

/** The seq of the last logged request, to look only at what follows. */
export function lastSeq(sim: Simulator): number {
  return sim.requests.entries.at(-1)?.seq ?? 0;
}

export function requestLine(entry: SimRequest): string {
  return `${entry.method} ${entry.path.replace(/^\/api\/v3/, '')}`;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  syncSecrets?: boolean;
  allowMassDelete?: boolean;
  dryRun?: boolean;
  concurrency?: number;
  /** Default true: before applying, put every script the config names into its repository, as on a well-kept
   *  instance, so the preflight check passes. false leaves the simulator's repositories as they are. */
  provideScripts?: boolean;
}

/** Adds every hook script of `desired` (and its repository) to the simulator, executable, on the default branch. */
export function provideScripts(sim: Simulator, desired: DesiredState): void {
  for (const hook of desired.hooks) {
    if (hook.absent) continue;
    if (!sim.state.repository(hook.script_repository)) sim.state.addRepository({ full_name: hook.script_repository });
    sim.state.setFile(hook.script_repository, hook.script, { executable: true });
  }
}

/** The shared path up to the plan: load the config, observe the simulator, diff. */
export async function planAgainst(sim: Simulator, configPath: string, options: RunOptions = {}): Promise<PlanOutcome> {
  const desired = await loadDesired(configPath, options.env ?? {}, new Redactor());
  const api = connect({ apiUrl: sim.url, token: sim.adminToken });
  return planChanges(desired, api, { syncSecrets: options.syncSecrets === true });
}

/** The whole shared path, plan and apply, as the CLI runs it (downloads polled every 10 ms). */
export async function reconcile(
  sim: Simulator,
  configPath: string,
  options: RunOptions = {},
): Promise<PlanOutcome & { result: ApplyResult }> {
  const outcome = await planAgainst(sim, configPath, options);
  if (options.provideScripts !== false) provideScripts(sim, outcome.desired);
  const api = connect({ apiUrl: sim.url, token: sim.adminToken });
  const result = await applyPlan(outcome.plan, api, {
    observed: outcome.observed,
    concurrency: options.concurrency ?? 4,
    downloadTimeoutMs: 10_000,
    downloadPollMs: 10,
    allowMassDelete: options.allowMassDelete === true,
    dryRun: options.dryRun === true,
  });
  return { ...outcome, result };
}

/** `status` of every operation by id, for compact assertions. */
export function statuses(result: ApplyResult): Record<string, string> {
  return Object.fromEntries(result.results.map((r) => [r.operation.id, r.status]));
}
