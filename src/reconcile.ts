// The one path from desired state to a changed instance, shared by the CLI and the Action:
// load → observe → plan → (guard, preflight) → apply. Each step is a function so a caller can stop after any.
import { apply } from './apply/apply.js';
import { PreflightError, preflight, type PreflightResult } from './apply/preflight.js';
import type { ApplyEvent, ApplyResult } from './apply/types.js';
import { loadDesiredState, secretValues } from './config/load.js';
import { overrideTargets } from './config/overrides.js';
import type { DesiredState } from './config/types.js';
import { UserError } from './errors.js';
import type { AdminApi } from './github/api.js';
import { createAdminApi } from './github/admin-api.js';
import { createClient } from './github/client.js';
import type { ObservedState } from './github/types.js';
import { checkMassDelete, createPlan } from './plan/plan.js';
import type { Plan } from './plan/types.js';
import type { Logger, Redactor } from './redact.js';

export interface Connection {
  apiUrl: string;
  token: string;
}

export interface ConnectOptions {
  requestTimeoutMs?: number;
  log?: Logger;
  /** The transport; default nodeFetch, which reads proxy settings from process.env. */
  fetch?: typeof fetch;
  /** Retry and rate-limit tuning, as in ClientSettings; the defaults suit a real server, tests shrink the waits. */
  retries?: number;
  retryDelayMs?: number;
  maxRateLimitWaitSeconds?: number;
  rateLimitRetries?: number;
  rateLimitUnitMs?: number;
  /** Told the method and status of every response (ClientSettings.onResponse). */
  onResponse?: (method: string, status: number) => void;
  /** The most requests on the wire at once, reads included (`--concurrency`); default: unbounded here. */
  concurrency?: number;
}

/** Reads and validates the desired state; every secret it holds becomes known to the redactor. */
export async function loadDesired(
  configPath: string,
  env: Record<string, string | undefined>,
  redactor: Redactor,
): Promise<DesiredState> {
  const desired = await loadDesiredState(configPath, { env });
  redactor.add(...secretValues(desired));
  return desired;
}

export function connect(connection: Connection, options: ConnectOptions = {}): AdminApi {
  return createAdminApi(
    createClient({
      apiUrl: connection.apiUrl,
      token: connection.token,
      requestTimeoutMs: options.requestTimeoutMs,
      log: options.log,
      fetch: options.fetch,
      retries: options.retries,
      retryDelayMs: options.retryDelayMs,
      maxRateLimitWaitSeconds: options.maxRateLimitWaitSeconds,
      rateLimitRetries: options.rateLimitRetries,
      rateLimitUnitMs: options.rateLimitUnitMs,
      onResponse: options.onResponse,
      maxConcurrentRequests: options.concurrency,
    }),
  );
}

export interface PlanOutcome {
  desired: DesiredState;
  observed: ObservedState;
  plan: Plan;
}

export async function planChanges(
  desired: DesiredState,
  api: AdminApi,
  options: { syncSecrets: boolean },
): Promise<PlanOutcome> {
  // Only the organizations and repositories the config names are read for overrides.
  const observed = await api.observe(overrideTargets(desired));
  const plan = createPlan(desired, observed, { syncSecrets: options.syncSecrets });
  return { desired, observed, plan };
}

export interface ApplySettings {
  concurrency: number;
  downloadTimeoutMs: number;
  downloadPollMs?: number;
  allowMassDelete: boolean;
  dryRun: boolean;
  signal?: AbortSignal;
  onEvent?: (event: ApplyEvent) => void;
  /** Apply without checking hook scripts first (`--skip-preflight`). Default false: the check runs, dry run too. */
  skipPreflight?: boolean;
  /** The observed state the plan was made from (PlanOutcome.observed); preflight reads it itself when absent. */
  observed?: ObservedState;
  /** Told what preflight checked, before apply starts. */
  onPreflight?: (result: PreflightResult) => void;
  /**
   * Asked once the plan has passed the guard and preflight, before the first change (not on a dry run): the CLI's
   * `yes` prompt. Throwing stops the run with nothing sent.
   */
  approve?: () => Promise<void>;
}

/**
 * Refuses a mass delete unless allowed, checks hook scripts (preflight) unless skipped, then applies.
 * Throws UserError (PreflightError for scripts) before sending any change when refused.
 */
export async function applyPlan(plan: Plan, api: AdminApi, settings: ApplySettings): Promise<ApplyResult> {
  const massDeletes = checkMassDelete(plan);
  if (massDeletes.length > 0 && !settings.allowMassDelete) {
    throw new UserError(
      `refusing to apply: ${massDeletes.join('; ')}. Nothing was sent. If this is intended, run again with --allow-mass-delete.`,
    );
  }
  if (!settings.skipPreflight) {
    // Reads only, so a dry run checks too: it should fail where the real run would.
    const result = await preflight(plan, api, {
      concurrency: settings.concurrency,
      ...(settings.observed && { observed: settings.observed }),
    });
    settings.onPreflight?.(result);
    if (result.problems.length > 0) throw new PreflightError(result.problems);
  }
  if (!settings.dryRun) await settings.approve?.();
  return apply(plan, api, {
    concurrency: settings.concurrency,
    downloadTimeoutMs: settings.downloadTimeoutMs,
    downloadPollMs: settings.downloadPollMs,
    dryRun: settings.dryRun,
    signal: settings.signal,
    onEvent: settings.onEvent,
  });
}

export { PreflightError, type PreflightResult } from './apply/preflight.js';
