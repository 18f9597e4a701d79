// The one path from desired state to a changed instance, shared by the CLI, the Action and the daemon:
// load → observe → plan → review (guard, preflight) → apply. Each step is a function so a caller can stop after any.
import { apply } from './apply/apply.js';
import { PreflightError, preflight, type PreflightResult } from './apply/preflight.js';
import type { ApplyOptions, ApplyResult } from './apply/types.js';
import { loadDesiredState, secretValues } from './config/load.js';
import { overrideTargets } from './config/overrides.js';
import type { DesiredState } from './config/types.js';
import { UserError, type Finding } from './errors.js';
import type { ErrorCode, WarningCode } from './finding-codes.js';
import type { AdminApi } from './github/api.js';
import { createAdminApi } from './github/admin-api.js';
import { createClient } from './github/client.js';
import type { ObservedState } from './github/types.js';
import { checkMassDelete } from './plan/mass-delete.js';
import { createPlan } from './plan/plan.js';
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

export interface ReviewSettings {
  /** `--allow-mass-delete`: a plan deleting all, or more than half, of a kind's live objects goes ahead. */
  allowMassDelete: boolean;
  /** `--skip-preflight`: hook scripts are not checked. */
  skipPreflight?: boolean;
  /** Repositories preflight reads at once. */
  concurrency?: number;
  /** The observed state the plan was made from (PlanOutcome.observed); preflight reads it itself when absent. */
  observed?: ObservedState;
  /** Told what preflight checked. */
  onPreflight?: (result: PreflightResult) => void;
  /**
   * Asked once the plan has passed the guard and preflight, before the first change (not on a dry run): the CLI's
   * `yes` prompt. Throwing stops the run with nothing sent.
   */
  approve?: () => Promise<void>;
}

/** What apply would say of a plan before sending anything: the one answer plan, apply, the Action and the daemon share. */
export interface PlanReview {
  /** Why apply would refuse the plan (a mass delete, a missing or non-executable hook script); empty: it would not. */
  errors: Finding<ErrorCode>[];
  /** What a reviewer should weigh but does not stop apply: the config's warnings, a guard turned off. */
  warnings: Finding<WarningCode>[];
  /** The mass deletes refused (empty when allowed). */
  massDeletes: string[];
  /** Undefined when preflight was skipped. */
  preflight?: PreflightResult;
}

/**
 * Runs apply's guards on a plan without changing anything: the mass-delete guard and the read-only preflight
 * (unless skipped), and collects the desired state's warnings. Reads only, so `plan` can show what `apply` would refuse.
 */
export async function reviewPlan(
  plan: Plan,
  api: AdminApi,
  settings: ReviewSettings,
  desired?: DesiredState,
): Promise<PlanReview> {
  const errors: Finding<ErrorCode>[] = [];
  const warnings: Finding<WarningCode>[] = [...(desired?.warnings ?? [])];
  const found = checkMassDelete(plan);
  const massDeletes = settings.allowMassDelete ? [] : found;
  for (const message of found) {
    if (settings.allowMassDelete) {
      warnings.push({
        severity: 'warning',
        code: 'mass-delete-allowed',
        message: `${message}; allowed (allow-mass-delete)`,
      });
    } else {
      errors.push({
        severity: 'error',
        code: 'mass-delete',
        message: `${message}: apply refuses a mass delete`,
        hint: 'a config that lost a file looks exactly like this; if the deletes are intended, run again with --allow-mass-delete',
      });
    }
  }
  let result: PreflightResult | undefined;
  if (settings.skipPreflight) {
    if (plan.operations.some((op) => op.kind === 'hook')) {
      warnings.push({
        severity: 'warning',
        code: 'preflight-skipped',
        message: 'hook scripts were not checked (skip-preflight)',
      });
    }
  } else {
    result = await preflight(plan, api, {
      ...(settings.concurrency !== undefined && { concurrency: settings.concurrency }),
      ...(settings.observed && { observed: settings.observed }),
    });
    settings.onPreflight?.(result);
    errors.push(...result.problems);
  }
  return { errors, warnings, massDeletes, ...(result && { preflight: result }) };
}

/** Apply's own options and the review's; `concurrency` is apply's (requests in flight), preflight shares it. */
export interface ApplySettings extends Omit<ReviewSettings, 'concurrency'>, ApplyOptions {
  /** The plan's review, when the caller has already made it (to show it); made here otherwise. */
  review?: PlanReview;
}

/**
 * Refuses a mass delete unless allowed, and a plan whose hook scripts fail preflight unless skipped (a dry run
 * too: it should fail where the real run would), then applies. Throws UserError (PreflightError for scripts)
 * before sending any change when refused.
 */
export async function applyPlan(plan: Plan, api: AdminApi, settings: ApplySettings): Promise<ApplyResult> {
  const review = settings.review ?? (await reviewPlan(plan, api, settings));
  if (review.massDeletes.length > 0) {
    throw new UserError(
      `refusing to apply: ${review.massDeletes.join('; ')}. Nothing was sent. If this is intended, run again with --allow-mass-delete.`,
    );
  }
  if (review.preflight && review.preflight.problems.length > 0) throw new PreflightError(review.preflight.problems);
  if (!settings.dryRun) await settings.approve?.();
  return apply(plan, api, settings);
}

export { PreflightError, type PreflightResult } from './apply/preflight.js';
