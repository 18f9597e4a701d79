// Shared by the reliability tests: a simulator per test, the shared reconcile path with tiny retry delays, runs
// that repeat until converged, the invariants every faulty run must keep, and the built CLI as a child process.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { stringify } from 'yaml';
import type { ApplyResult } from '../../src/apply/types.js';
import type { DesiredState } from '../../src/config/types.js';
import type { AdminApi } from '../../src/github/api.js';
import { createPlan } from '../../src/plan/plan.js';
import type { Plan } from '../../src/plan/types.js';
import { Redactor, type Logger } from '../../src/redact.js';
import { applyPlan, connect, loadDesired, planChanges } from '../../src/reconcile.js';
import { renderApplyMarkdown, renderApplyText } from '../../src/report/apply.js';
import { renderPlanJson, renderPlanMarkdown, renderPlanText } from '../../src/report/plan.js';
import {
  startSimulator,
  type SimHook,
  type SimStateInput,
  type SimWebhook,
  type Simulator,
  type SimulatorOptions,
} from '../../src/sim/server.js';

/** A token that looks real, so that a leak of it would be caught by the greps. */
export const TOKEN = 'ghp_Reliab1lityT0kenNeverPrinted9876';

/** Registers a cleanup for the end of the current test (vitest's `onTestFinished` has this shape). */
export type OnFinished = (cleanup: () => Promise<void> | void) => void;

export interface ReliabilityFixtures {
  /** A simulator that accepts TOKEN as its site-admin token, stopped after the test. */
  simulator: (this: void, options?: SimulatorOptions) => Promise<Simulator>;
  tempDir: (this: void) => Promise<string>;
  /** Writes a desired state (as plain data) to a YAML file in a fresh temp dir; returns its path. */
  writeConfig: (this: void, config: object) => Promise<string>;
}

/** Fixtures cleaned up when the test that made them finishes: concurrent tests pass their own onTestFinished. */
export function fixtures(onFinished: OnFinished): ReliabilityFixtures {
  const tempDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'ghes-gitops-reliability-'));
    onFinished(() => rm(dir, { recursive: true, force: true }));
    return dir;
  };
  return {
    async simulator(options = {}) {
      const sim = await startSimulator({ downloadMs: 5, adminTokens: [TOKEN], ...options });
      onFinished(() => sim.stop());
      return sim;
    },
    tempDir,
    async writeConfig(config) {
      const path = join(await tempDir(), 'ghes-gitops.yml');
      await writeFile(path, stringify(config));
      return path;
    },
  };
}

const pending: (() => Promise<void> | void)[] = [];

// Sequential tests share this hook; a global hook cannot tell which concurrent test a simulator belongs to.
afterEach(async () => {
  await Promise.all(pending.splice(0).map(async (cleanup) => cleanup()));
});

/** Fixtures cleaned up by the shared afterEach: for tests that do not run concurrently. */
export const { simulator, tempDir, writeConfig } = fixtures((cleanup) => pending.push(cleanup));

/** Every line any logger of these tests wrote, for the secret greps. */
export class CapturedLog implements Logger {
  readonly lines: string[] = [];
  debug = (message: string) => void this.lines.push(`debug: ${message}`);
  info = (message: string) => void this.lines.push(message);
  warn = (message: string) => void this.lines.push(`warning: ${message}`);
  error = (message: string) => void this.lines.push(`error: ${message}`);
}

export interface FastApiOptions {
  requestTimeoutMs?: number;
  log?: Logger;
}

/** The real client against the simulator, with waits shrunk to milliseconds. */
export function fastApi(sim: Simulator, options: FastApiOptions = {}): AdminApi {
  return connect(
    { apiUrl: sim.url, token: TOKEN },
    {
      requestTimeoutMs: options.requestTimeoutMs ?? 2000,
      retryDelayMs: 1,
      rateLimitUnitMs: 1,
      maxRateLimitWaitSeconds: 60,
      ...(options.log && { log: options.log }),
    },
  );
}

export interface Run {
  plan?: Plan;
  result?: ApplyResult;
  /** A run that threw before or instead of applying (observe failed, preflight failed...). */
  error?: unknown;
  /** Everything a user would have seen from this run: plan and result in every format, and any error. */
  outputs: string[];
  /** The plan and the result as text, or the error: for assertion messages. */
  summary: string;
}

export interface ConvergeOptions {
  env?: Record<string, string>;
  concurrency?: number;
  syncSecrets?: boolean;
  requestTimeoutMs?: number;
  maxRuns?: number;
  log?: CapturedLog;
}

/**
 * Runs load → plan → apply, as the CLI does and as a user would: again after a run that did not fully succeed,
 * or while the live state still differs, up to `maxRuns` (default 2) applies. Returns the runs that applied
 * something; `converged` says whether the last look found nothing left to do. With syncSecrets every plan sends
 * the secrets again, so "nothing left" is judged by a plan without it.
 */
export async function applyUntilConverged(
  sim: Simulator,
  configPath: string,
  options: ConvergeOptions = {},
): Promise<{ runs: Run[]; converged: boolean }> {
  const maxRuns = options.maxRuns ?? 2;
  const runs: Run[] = [];
  const log = options.log ?? new CapturedLog();
  for (;;) {
    const outputs: string[] = [];
    const redactor = new Redactor();
    let plan: Plan | undefined;
    try {
      const desired = await loadDesired(configPath, options.env ?? {}, redactor);
      const api = fastApi(sim, {
        log,
        ...(options.requestTimeoutMs && { requestTimeoutMs: options.requestTimeoutMs }),
      });
      const outcome = await planChanges(desired, api, { syncSecrets: options.syncSecrets ?? false });
      plan = outcome.plan;
      outputs.push(...renderPlan(plan));
      const last = runs.at(-1);
      const lastClean = last !== undefined && last.error === undefined && isClean(last.result!);
      const differs = createPlan(desired, outcome.observed, { syncSecrets: false }).operations.length > 0;
      if (plan.operations.length === 0 || (lastClean && !differs)) return { runs, converged: true };
      if (runs.length >= maxRuns) return { runs, converged: false };
      const result = await applyPlan(plan, api, {
        concurrency: options.concurrency ?? 4,
        downloadTimeoutMs: 10_000,
        downloadPollMs: 2,
        allowMassDelete: true,
        dryRun: false,
        observed: outcome.observed,
      });
      const text = renderApplyText(result, { color: false });
      outputs.push(text, renderApplyMarkdown(result), JSON.stringify(result));
      runs.push({ plan, result, outputs, summary: `${outputs[0]}\n${text}` });
    } catch (error) {
      const text = error instanceof Error ? `${error.message}\n${String(error.stack)}` : String(error);
      outputs.push(text);
      if (runs.length >= maxRuns) return { runs, converged: false };
      runs.push({ ...(plan && { plan }), error, outputs, summary: text });
    }
  }
}

/** Every operation succeeded: nothing failed, was skipped or left unsent. */
export function isClean(result: ApplyResult): boolean {
  return result.counts.succeeded === result.results.length;
}

export function renderPlan(plan: Plan): string[] {
  return [renderPlanText(plan, { color: false }), renderPlanJson(plan), renderPlanMarkdown(plan, {})];
}

/** The live state, read without faults, planned against the desired state: what is still different. */
export async function remainingOperations(sim: Simulator, desired: DesiredState): Promise<string[]> {
  const api = fastApi(sim);
  const plan = createPlan(desired, await api.observe(), { syncSecrets: false });
  return plan.operations.map((op) => op.id);
}

/** No two webhooks share a URL, no two hooks a name (the simulator also enforces names, as GHES does). */
export function expectNoDuplicates(sim: Simulator): void {
  const urls = sim.state.webhooks().map((w) => w.url);
  expect(urls.length, `duplicate webhook URL in ${urls.join(', ')}`).toBe(new Set(urls).size);
  const names = sim.state.hooks().map((h) => h.name.toLowerCase());
  expect(names.length).toBe(new Set(names).size);
  const envs = sim.state.environments().map((e) => e.name.toLowerCase());
  expect(envs.length).toBe(new Set(envs).size);
}

export interface Unmanaged {
  environments: ReturnType<Simulator['state']['environments']>;
  hooks: SimHook[];
  webhooks: SimWebhook[];
}

/** The live objects with these ids/URLs, as stored, to compare before and after. */
export function snapshotOf(
  sim: Simulator,
  pick: { environments?: string[]; hooks?: string[]; webhooks?: string[] },
): Unmanaged {
  const lower = (list?: string[]) => new Set((list ?? []).map((s) => s.toLowerCase()));
  const envs = lower(pick.environments);
  const hooks = lower(pick.hooks);
  const webhooks = new Set(pick.webhooks ?? []);
  return {
    environments: sim.state.environments().filter((e) => envs.has(e.name.toLowerCase())),
    hooks: sim.state.hooks().filter((h) => hooks.has(h.name.toLowerCase())),
    webhooks: sim.state.webhooks().filter((w) => webhooks.has(w.url)),
  };
}

/** Every string in `outputs` is free of every one of `secrets`. */
export function expectNoSecrets(outputs: readonly string[], secrets: readonly string[]): void {
  for (const secret of secrets) {
    const leaks = outputs.filter((text) => text.includes(secret));
    expect(leaks, `a secret (${secret.slice(0, 4)}…) leaked into output`).toEqual([]);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The built CLI as a child process: the suite-wide runner (a clean environment, never the outer shell's tokens).

export { CLI, runCli, type CliOptions, type CliRun } from '../helpers/cli.js';

/** A minimal simulator state with the repositories and scripts the tests' hooks use. */
export function repositories(...scripts: [repository: string, path: string, executable?: boolean][]): SimStateInput {
  const byRepo = new Map<string, Record<string, { executable: boolean }>>();
  for (const [repository, path, executable = true] of scripts) {
    byRepo.set(repository, { ...(byRepo.get(repository) ?? {}), [path]: { executable } });
  }
  return { repositories: [...byRepo].map(([full_name, files]) => ({ full_name, files })) };
}
