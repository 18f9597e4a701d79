// One reconcile of one revision, over the shared path (load → observe → plan → apply), and what it came to: the
// outcome the scheduler acts on (requeue after a backoff, or stall until the revision changes) and status shows.
import type { ApplyResult } from '../apply/types.js';
import { ConfigError, UserError } from '../errors.js';
import type { AdminApi } from '../github/api.js';
import { GhesApiError } from '../github/errors.js';
import { PlanRefusedError } from '../plan/plan.js';
import { hasChanges, type Plan } from '../plan/types.js';
import { applyCountLine } from '../report/apply.js';
import { planSummaryLine } from '../report/format.js';
import type { Logger, Redactor } from '../redact.js';
import { applyPlan, planChanges, PreflightError } from '../reconcile.js';
import type { SourceRevision } from './source.js';

export type Mode = 'apply' | 'plan';

export interface PassSettings {
  mode: Mode;
  syncSecrets: boolean;
  concurrency: number;
  downloadTimeoutMs: number;
  downloadPollMs?: number;
  allowMassDelete: boolean;
  skipPreflight: boolean;
}

/**
 * - in-sync: nothing to change. applied: every operation succeeded.
 * - drifted: changes found and, by `--mode plan` or `suspend: true`, not applied.
 * - failed: transient (network, 5xx, rate limit, a failed operation, a missing hook script): retried with backoff.
 * - stalled: the revision itself is wrong (configuration error, refused plan): not retried until it changes.
 * - interrupted: shutdown stopped it.
 */
export type PassOutcome = 'in-sync' | 'applied' | 'drifted' | 'failed' | 'stalled' | 'interrupted';

export interface Pass {
  revision: string;
  outcome: PassOutcome;
  /** A CamelCase word for machines, as Flux conditions have: ReconciliationSucceeded, ConfigurationError... */
  reason: string;
  /** One line for people; already redacted. */
  message: string;
  /** undefined when the desired state could not be read. */
  suspended?: boolean;
  plan?: Plan;
  applyResult?: ApplyResult;
}

export interface PassContext {
  api: AdminApi;
  env: Record<string, string | undefined>;
  redactor: Redactor;
  log: Logger;
  /** Aborted on shutdown: apply starts nothing new, operations in flight finish. */
  signal: AbortSignal;
  /** Told as soon as the desired state was read and the instance observed, before any apply (readiness). */
  onObserved?: () => void;
}

export async function runPass(source: SourceRevision, settings: PassSettings, context: PassContext): Promise<Pass> {
  const { revision } = source;
  const { redactor } = context;
  const ended = (outcome: PassOutcome, reason: string, message: string, rest: Partial<Pass> = {}): Pass => ({
    revision,
    outcome,
    reason,
    message: redactor.redact(message),
    ...rest,
  });

  let desired;
  try {
    desired = await source.load(context.env, redactor);
  } catch (error) {
    if (error instanceof ConfigError) return ended('stalled', 'ConfigurationError', error.message);
    return ended('failed', 'SourceFailed', messageOf(error));
  }
  const suspended = desired.suspend;

  let plan: Plan;
  let observed;
  try {
    ({ plan, observed } = await planChanges(desired, context.api, { syncSecrets: settings.syncSecrets }));
  } catch (error) {
    // The planner refuses only after observing: the instance was read.
    if (error instanceof PlanRefusedError) {
      context.onObserved?.();
      return ended('stalled', 'PlanRefused', error.message, { suspended });
    }
    return ended('failed', 'ObserveFailed', messageOf(error), { suspended });
  }
  context.onObserved?.();
  const seen = { suspended, plan };
  if (!hasChanges(plan)) {
    return ended('in-sync', 'ReconciliationSucceeded', 'the instance matches the desired state', seen);
  }
  const changes = planSummaryLine(plan.summary);
  if (settings.mode === 'plan' || suspended) {
    const why = suspended ? '`suspend: true` in the desired state' : '--mode plan';
    return ended('drifted', 'DriftDetected', `${changes} Not applied (${why}).`, seen);
  }
  if (context.signal.aborted) return ended('interrupted', 'Interrupted', 'shutting down: nothing applied', seen);

  let result: ApplyResult;
  try {
    result = await applyPlan(plan, context.api, {
      concurrency: settings.concurrency,
      downloadTimeoutMs: settings.downloadTimeoutMs,
      ...(settings.downloadPollMs !== undefined && { downloadPollMs: settings.downloadPollMs }),
      allowMassDelete: settings.allowMassDelete,
      skipPreflight: settings.skipPreflight,
      dryRun: false,
      observed,
      signal: context.signal,
      onEvent: (event) => {
        if (event.type === 'done' && event.result.status === 'failed') {
          context.log.warn(`${event.result.operation.id}: ${event.result.error ?? 'failed'}`);
        }
      },
    });
  } catch (error) {
    // A missing hook script is fixed outside this revision (in the script's repository): retry, do not stall.
    if (error instanceof PreflightError) return ended('failed', 'PreflightFailed', error.message, seen);
    if (error instanceof GhesApiError || !(error instanceof UserError)) {
      return ended('failed', 'ApplyFailed', messageOf(error), seen);
    }
    return ended('stalled', 'PlanRefused', error.message, seen);
  }
  const done = { ...seen, applyResult: result };
  if (result.interrupted) return ended('interrupted', 'Interrupted', applyCountLine(result), done);
  if (result.counts.failed + result.counts.skipped > 0) {
    const firstError = result.results.find((r) => r.status === 'failed')?.error;
    return ended(
      'failed',
      'ApplyFailed',
      `${applyCountLine(result)}${firstError ? ` First error: ${firstError}` : ''}`,
      done,
    );
  }
  return ended('applied', 'ReconciliationSucceeded', applyCountLine(result), done);
}

function messageOf(error: unknown): string {
  if (error instanceof UserError) return error.message;
  return `internal error (please report it): ${error instanceof Error ? error.message : String(error)}`;
}
