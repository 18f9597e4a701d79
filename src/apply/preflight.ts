// Preflight, between plan and apply: GHES accepts a pre-receive hook whose script does not exist, and pushes then
// fail. So before a hook is created, pointed at another script or switched on, check the script: its repository
// exists, the file exists on the default branch, and its git mode is executable where the API shows one.
import pLimit from 'p-limit';
import { formatDiagnostic, UserError, type Diagnostic, type Finding, type SourceLocation } from '../errors.js';
import type { ErrorCode } from '../finding-codes.js';
import type { AdminApi, ScriptCheck } from '../github/api.js';
import type { ObservedState } from '../github/types.js';
import type { HookCreate, HookFields, HookUpdate, Operation, Plan } from '../plan/types.js';

export const DEFAULT_PREFLIGHT_CONCURRENCY = 4;

/** One hook script the plan relies on. */
export interface ScriptTarget {
  operation: HookCreate | HookUpdate;
  hook: string;
  /** owner/name, as the config (or the live hook) spells it. */
  repository: string;
  script: string;
  location?: SourceLocation;
}

export interface PreflightOptions {
  /** Requests in flight at once, over all repositories. Default 4. */
  concurrency?: number;
  /**
   * The state the plan was made from: an update that only turns a hook on names neither script nor repository,
   * so they come from the live hook. Read from the API when not given and needed.
   */
  observed?: ObservedState;
}

export interface PreflightResult {
  /** Every script checked, one entry per hook. */
  checked: ScriptTarget[];
  /** Every problem found, in plan order; empty when apply may go ahead. */
  problems: Finding<ErrorCode>[];
}

/** Preflight found problems; nothing was sent. */
export class PreflightError extends UserError {
  override readonly name = 'PreflightError';
  readonly problems: Diagnostic[];

  constructor(problems: Diagnostic[]) {
    const n = problems.length;
    super(
      `${problems.map(formatDiagnostic).join('\n')}\n` +
        `Preflight found ${n} problem${n === 1 ? '' : 's'} with hook scripts; nothing was sent. GHES accepts a hook ` +
        'whose script is missing or not executable, and pushes then fail. Fix the scripts, or run again with ' +
        '--skip-preflight to apply without this check.',
    );
    this.problems = problems;
  }
}

/**
 * Which hook operations need their script checked: every create; an update that changes the script or its
 * repository; an update that turns the hook on (enforcement to `testing` or `enabled`), since from then on every
 * push runs it. An update to `disabled`, a rename or an environment move leaves the script alone and is not held
 * up by it: disabling a hook whose script is gone must stay possible.
 */
export function scriptTargets(plan: Plan, observed: ObservedState | undefined): ScriptTarget[] {
  const liveById = new Map((observed?.hooks ?? []).map((hook) => [hook.id, hook]));
  const targets: ScriptTarget[] = [];
  for (const operation of plan.operations) {
    if (!needsCheck(operation)) continue;
    const fields: Partial<HookFields> = operation.fields;
    const live = operation.action === 'update' ? liveById.get(operation.liveId) : undefined;
    const script = fields.script ?? live?.script;
    const repository = fields.script_repository ?? live?.script_repository;
    if (script === undefined || repository === undefined) {
      throw new UserError(`${operation.id}: cannot tell which script to check: the live hook was not observed`);
    }
    targets.push({
      operation,
      hook: fields.name ?? operation.key,
      repository,
      script,
      ...(operation.location && { location: operation.location }),
    });
  }
  return targets;
}

function needsCheck(operation: Operation): operation is HookCreate | HookUpdate {
  if (operation.kind !== 'hook') return false;
  if (operation.action === 'create') return true;
  if (operation.action !== 'update') return false;
  const fields: Partial<HookFields> = operation.fields;
  const moves = fields.script !== undefined || fields.script_repository !== undefined;
  const turnsOn = fields.enforcement !== undefined && fields.enforcement !== 'disabled';
  return moves || turnsOn;
}

/**
 * Checks every script the plan relies on, each repository read once; reports every problem, never throws for one.
 * Reads only, so a plan may call it too. The repositories are checked together, their requests sharing one bound.
 */
export async function preflight(plan: Plan, api: AdminApi, options: PreflightOptions = {}): Promise<PreflightResult> {
  const needsLive = plan.operations.some(
    (op) =>
      needsCheck(op) &&
      op.action === 'update' &&
      (op.fields.script === undefined || op.fields.script_repository === undefined),
  );
  const observed = options.observed ?? (needsLive ? await api.observe() : undefined);
  const targets = scriptTargets(plan, observed);

  const byRepository = new Map<string, ScriptTarget[]>();
  for (const target of targets) {
    const key = target.repository.toLowerCase();
    byRepository.set(key, [...(byRepository.get(key) ?? []), target]);
  }

  const limit = pLimit(Math.max(1, options.concurrency ?? DEFAULT_PREFLIGHT_CONCURRENCY));
  const problems = new Map<ScriptTarget, Finding<ErrorCode>>();
  await Promise.all(
    [...byRepository.values()].map(async (group) => {
      const scripts = [...new Set(group.map((target) => normalizeScript(target.script)))];
      let checks: Map<string, ScriptCheck>;
      try {
        const results = await api.checkScripts(group[0]!.repository, scripts, limit);
        checks = new Map(scripts.map((script, i) => [script, results[i]!]));
      } catch (error) {
        for (const target of group) {
          problems.set(target, {
            severity: 'error',
            code: 'script-check-failed',
            message:
              `hook "${target.hook}": could not check script ${target.script} in ${target.repository}: ` +
              (error instanceof Error ? error.message : String(error)),
            ...(target.location && { location: target.location }),
            hint: 'run again, or apply without the check with --skip-preflight',
          });
        }
        return;
      }
      for (const target of group) {
        const problem = describeProblem(target, checks.get(normalizeScript(target.script)));
        if (problem) problems.set(target, problem);
      }
    }),
  );
  // In config order (as `validate` reports), whatever order the repositories answered in.
  const found = targets.flatMap((target) => problems.get(target) ?? []);
  return { checked: targets, problems: found.sort(byLocation) };
}

/** File, line, column; problems without a location (hooks the plan found only live) last. Stable otherwise. */
function byLocation(a: Diagnostic, b: Diagnostic): number {
  if (!a.location || !b.location) return (a.location ? 0 : 1) - (b.location ? 0 : 1);
  const file = a.location.file < b.location.file ? -1 : a.location.file > b.location.file ? 1 : 0;
  return file || a.location.line - b.location.line || a.location.column - b.location.column;
}

function describeProblem(target: ScriptTarget, check: ScriptCheck | undefined): Finding<ErrorCode> | undefined {
  const at = target.location && { location: target.location };
  const problem = (code: ErrorCode, message: string, hint?: string): Finding<ErrorCode> => ({
    severity: 'error',
    code,
    message: `hook "${target.hook}": ${message}`,
    ...at,
    ...(hint && { hint }),
  });
  if (check === undefined) return problem('script-not-checked', `script ${target.script} was not checked`);
  if (!check.repositoryExists) {
    return problem(
      'script-repository-not-found',
      `script repository ${target.repository} not found, or the token cannot read it`,
      'GHES takes hook scripts from a repository on this instance: check `script_repository`, and that the token can read it',
    );
  }
  const branch = check.defaultBranch ?? 'the default branch';
  if (!check.scriptExists) {
    return problem(
      'script-not-found',
      `script ${target.script} not found on the default branch (${branch}) of ${target.repository}`,
      'GHES runs hook scripts from the default branch only: push the script there, or fix `script`',
    );
  }
  if (check.executable === false) {
    return problem(
      'script-not-executable',
      `script ${target.script} on the default branch (${branch}) of ${target.repository} is not executable` +
        (check.mode ? ` (mode ${check.mode})` : ''),
      `make it executable: \`git update-index --chmod=+x ${normalizeScript(target.script)}\`, then commit and push to ${branch}`,
    );
  }
  return undefined;
}

function normalizeScript(script: string): string {
  return script.replace(/^\/+/, '');
}
