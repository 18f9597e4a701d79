// The planner: a pure diff of the desired state against the observed state into an ordered Plan value.
// No I/O. What it cannot plan safely (ambiguity, data loss, a dangling hook) refuses the whole plan, every reason at once.
// Each kind is planned in its own module (environments, webhooks, hooks, overrides); this one runs them in order
// and assembles the Plan.
import { DEFAULT_ENVIRONMENT_NAME, KINDS } from '../config/types.js';
import type { DesiredState } from '../config/types.js';
import { formatDiagnostic, UserError } from '../errors.js';
import type { Diagnostic } from '../errors.js';
import type { ObservedState } from '../github/types.js';
import { markNewImages } from './blast-radius.js';
import type { PlanContext } from './context.js';
import { orderEnvironmentDeletes } from './environment-deletes.js';
import { planEnvironments } from './environments.js';
import { planHooks } from './hooks.js';
import { lower } from '../names.js';
import { compareStrings, orderOperations } from './order.js';
import { planOverrides } from './overrides.js';
import type { Plan, PlanOptions, PlanSummary } from './types.js';
import { planWebhooks } from './webhooks.js';

export class PlanRefusedError extends UserError {
  override readonly name = 'PlanRefusedError';
  readonly reasons: Diagnostic[];

  constructor(reasons: Diagnostic[]) {
    super(
      `${reasons.map(formatDiagnostic).join('\n')}\n` +
        `The plan was refused (${reasons.length} problem${reasons.length === 1 ? '' : 's'}); nothing was sent.`,
    );
    this.reasons = reasons;
  }
}

export function createPlan(desired: DesiredState, observed: ObservedState, options: PlanOptions): Plan {
  const context: PlanContext = { operations: [], reasons: [], unmanaged: [], warnings: [] };
  const environments = planEnvironments(desired, observed, context);
  planWebhooks(desired, observed, options, context);
  const hooks = planHooks(desired, observed, environments, context);
  orderEnvironmentDeletes(observed, environments, hooks, context);
  planOverrides(desired, observed, context);
  markNewImages(context, hooks);
  if (context.reasons.length > 0) throw new PlanRefusedError(context.reasons.sort(compareDiagnostics));

  for (const op of context.operations) op.dependsOn.sort(compareStrings);
  const operations = orderOperations(context.operations);
  const summary: PlanSummary = { create: 0, update: 0, delete: 0, download: 0 };
  for (const op of operations) summary[op.action] += 1;

  const environmentIds: Record<string, number> = {};
  for (const env of observed.environments) if (!env.default_environment) environmentIds[lower(env.name)] = env.id;
  // Declared names too: a hook that stays in an environment this plan renames names it by its new name, and is
  // sent with its environment (a hook update is complete) without waiting for the rename.
  for (const [name, target] of environments.targets) {
    if (target.liveId !== undefined && !target.absent) environmentIds[name] = target.liveId;
  }
  if (environments.defaultEnvironment) {
    environmentIds[lower(DEFAULT_ENVIRONMENT_NAME)] = environments.defaultEnvironment.id;
  }

  return {
    formatVersion: 1,
    operations,
    unmanaged: context.unmanaged.sort(
      (a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || compareStrings(a.key, b.key) || a.id - b.id,
    ),
    summary,
    liveCounts: {
      environment: observed.environments.filter((env) => !env.default_environment).length,
      hook: observed.hooks.length,
      webhook: observed.webhooks.length,
    },
    environmentIds,
    warnings: context.warnings.sort((a, b) => compareStrings(a.message, b.message)),
  };
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.location && b.location) {
    return (
      compareStrings(a.location.file, b.location.file) ||
      a.location.line - b.location.line ||
      a.location.column - b.location.column ||
      compareStrings(a.message, b.message)
    );
  }
  if (a.location) return -1;
  if (b.location) return 1;
  return compareStrings(a.message, b.message);
}
