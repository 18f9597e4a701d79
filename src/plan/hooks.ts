// The planner's part for pre-receive hooks: match declared hooks to live ones, plan their creates, updates and
// deletes, and order each after the environment rename and download it needs before it runs there.
import { DEFAULT_ENVIRONMENT_NAME } from '../config/types.js';
import type { DesiredHook, DesiredState } from '../config/types.js';
import { didYouMeanName } from '../config/suggest.js';
import type { SourceLocation } from '../errors.js';
import type { ObservedHook, ObservedState } from '../github/types.js';
import { BLAST_DOWNSTREAM_REVOKED, BLAST_REMOVED, enforcementBlast, setBlastRadius } from './blast-radius.js';
import { changedFields, deletion, fromNothing, refuse } from './context.js';
import type { PlanContext } from './context.js';
import type { EnvironmentsPlan, EnvironmentTarget } from './environments.js';
import { lower } from '../names.js';
import { matchByName } from './match.js';
import { prunes, undeclarableHook } from './declarable.js';
import { orderScriptTakeovers, scriptKey } from './scripts.js';
import type { ScriptWrite } from './scripts.js';
import type { FieldChange, HookCreate, HookDelete, HookFields, HookUpdate } from './types.js';
import { ABSENT, PRUNED } from './codes.js';
import type { Because, DeleteReason } from './codes.js';

export interface HooksPlan {
  /** Live hook id → the operation that deletes it or moves it to another environment. */
  leaving: Map<number, string>;
  /** Live hook ids the config manages (declared, not absent). */
  managed: Map<number, DesiredHook>;
  /** Live environment id → the hooks that run in it (enforcement not disabled) once the plan is applied. */
  running: Map<number, string[]>;
}

export function planHooks(
  desired: DesiredState,
  observed: ObservedState,
  environments: EnvironmentsPlan,
  context: PlanContext,
): HooksPlan {
  const { matches, claimed, refused } = matchByName('hook', desired.hooks, observed.hooks, context.reasons);
  const leaving = new Map<number, string>();
  const running = new Map<number, string[]>();
  const runs = (environmentId: number | undefined, enforcement: string, name: string) => {
    if (environmentId === undefined || enforcement === 'disabled') return;
    const names = running.get(environmentId);
    if (names) names.push(name);
    else running.set(environmentId, [name]);
  };
  const managed = new Map<number, DesiredHook>();
  const deletesByScript = new Map<string, string>();
  const writes: ScriptWrite[] = [];

  const deleteHook = (hook: ObservedHook, key: string, because: Because<DeleteReason>, at?: SourceLocation) => {
    const op: HookDelete = { kind: 'hook', ...deletion('hook', key, hook.id, because, at) };
    if (hook.enforcement === 'enabled') setBlastRadius(op, [BLAST_REMOVED]);
    context.operations.push(op);
    leaving.set(hook.id, op.id);
    deletesByScript.set(scriptKey(hook.script_repository, hook.script), op.id);
  };

  for (const entry of desired.hooks) {
    if (refused.has(entry)) continue;
    const current = matches.get(entry);
    if (entry.absent) {
      if (current) deleteHook(current, entry.name, ABSENT, entry.location);
      continue;
    }
    if (current) managed.set(current.id, entry);
    const target = resolveEnvironment(entry, environments, context);
    if (!target) continue;

    // Only a hook that starts running in the environment, or starts rejecting pushes there, needs its rename and
    // download done first: one created in it, moved into it, or turned up (disabled → testing → enabled). Any other
    // update (turning a hook off above all) must not wait for a download that may fail.
    runs(target.liveId, entry.enforcement, entry.name);
    // Most hooks of a plan are unchanged: compared before anything is built for an operation.
    if (current && Object.values(sameFields(current, entry, target.liveId)).every(Boolean)) continue;
    const wanted: HookFields = {
      name: entry.name,
      script: entry.script,
      script_repository: entry.script_repository,
      environment: target.name,
      enforcement: entry.enforcement,
      allow_downstream_configuration: entry.allow_downstream_configuration,
    };
    const turnedUp =
      current !== undefined && enforcementRank(wanted.enforcement) > enforcementRank(current.enforcement);
    const entersEnvironment = current === undefined || current.environment.id !== target.liveId || turnedUp;
    const dependsOn = entersEnvironment
      ? [target.renameOperation, target.downloadOperation].filter((id) => id !== undefined)
      : [];
    const key = entry.name;
    let op: HookCreate | HookUpdate;
    if (!current) {
      op = {
        id: `hook:create:${key}`,
        kind: 'hook',
        key,
        action: 'create',
        changes: fromNothing(wanted),
        dependsOn,
        fields: wanted,
        warnings: [],
        location: entry.location,
      };
      setBlastRadius(op, [enforcementBlast('disabled', wanted.enforcement, false)]);
    } else {
      const live: HookFields = {
        name: current.name,
        script: current.script,
        script_repository: current.script_repository,
        environment: current.environment.default_environment ? DEFAULT_ENVIRONMENT_NAME : current.environment.name,
        enforcement: current.enforcement as HookFields['enforcement'],
        allow_downstream_configuration: current.allow_downstream_configuration,
      };
      const same = sameFields(current, entry, target.liveId);
      const changes: Record<string, FieldChange> = {};
      const changed: Partial<HookFields> = {};
      for (const field of Object.keys(same) as (keyof HookFields)[]) {
        if (same[field]) continue;
        changes[field] = { from: live[field], to: wanted[field] };
        Object.assign(changed, { [field]: wanted[field] });
      }
      const fields = changedFields(changed);
      if (!fields) continue;
      op = {
        id: `hook:update:${key}`,
        kind: 'hook',
        key,
        action: 'update',
        changes,
        dependsOn,
        liveId: current.id,
        fields,
        desired: wanted,
        warnings: [],
        ...(fields.name !== undefined && { reason: `renamed from "${current.name}"`, reasonCode: 'renamed' as const }),
        location: entry.location,
      };
      const codeChanged = !same.script || !same.script_repository || !same.environment;
      const blasts = [enforcementBlast(live.enforcement, wanted.enforcement, codeChanged)];
      // Taking downstream configuration away overrides every organization's and repository's own setting.
      if (live.allow_downstream_configuration && !wanted.allow_downstream_configuration) {
        if (wanted.enforcement !== 'disabled') blasts.push(BLAST_DOWNSTREAM_REVOKED);
      }
      setBlastRadius(op, blasts);
      if (fields.environment !== undefined) leaving.set(current.id, op.id);
    }
    context.operations.push(op);
    writes.push({ op, script: scriptKey(wanted.script_repository, wanted.script) });
  }

  for (const hook of observed.hooks) {
    if (claimed.has(hook.id)) continue;
    if (prunes(desired.prune.hooks, 'hook', hook, hook.name, undeclarableHook, context.warnings)) {
      deleteHook(hook, hook.name, PRUNED);
    } else {
      context.unmanaged.push({ kind: 'hook', key: hook.name, id: hook.id });
      runs(hook.environment.id, hook.enforcement, hook.name);
    }
  }

  orderScriptTakeovers(observed, writes, deletesByScript, context);
  return { leaving, managed, running };
}

/**
 * Which fields of a live hook already are as declared. Environments compare by identity, not name: a hook stays put
 * when its environment is renamed in this plan.
 */
function sameFields(
  live: ObservedHook,
  entry: DesiredHook,
  environmentId: number | undefined,
): Record<keyof HookFields, boolean> {
  return {
    name: live.name === entry.name,
    script: live.script === entry.script,
    script_repository: lower(live.script_repository) === lower(entry.script_repository),
    environment: environmentId !== undefined && live.environment.id === environmentId,
    enforcement: live.enforcement === entry.enforcement,
    allow_downstream_configuration: live.allow_downstream_configuration === entry.allow_downstream_configuration,
  };
}

/** How much a hook does with an enforcement: disabled (never runs) < testing (runs) < enabled (runs and rejects). */
function enforcementRank(enforcement: string): number {
  return enforcement === 'enabled' ? 2 : enforcement === 'testing' ? 1 : 0;
}

function resolveEnvironment(
  entry: DesiredHook,
  environments: EnvironmentsPlan,
  context: PlanContext,
): EnvironmentTarget | undefined {
  const target = environments.targets.get(lower(entry.environment)) ?? undeclaredTarget(entry, environments, context);
  if (!target) {
    return undefined;
  } else if (target.absent) {
    refuse(
      context,
      `hook "${entry.name}" uses environment "${entry.environment}", which the config marks absent: true`,
      entry.location,
    );
  } else if (target.liveId === undefined && target.name === DEFAULT_ENVIRONMENT_NAME) {
    refuse(
      context,
      `hook "${entry.name}" uses the default environment, which the live instance does not report`,
      entry.location,
    );
  } else {
    return target;
  }
  return undefined;
}

/**
 * A hook's environment that the config does not declare, looked up on the instance: usable as it is, unless this
 * plan prunes it. Refuses (located on the hook) when the instance has no such environment either.
 */
function undeclaredTarget(
  entry: DesiredHook,
  environments: EnvironmentsPlan,
  context: PlanContext,
): EnvironmentTarget | undefined {
  const live = environments.undeclared.get(lower(entry.environment));
  if (!live) {
    const known = [...environments.targets.values(), ...environments.undeclared.values()].map((candidate) =>
      'environment' in candidate ? candidate.environment.name : candidate.name,
    );
    refuse(
      context,
      `hook "${entry.name}" uses environment "${entry.environment}", which neither the config declares nor the live instance has`,
      entry.location,
      didYouMeanName(entry.environment, known) ??
        `declare it under environments (with its image_url), or use \`environment: ${DEFAULT_ENVIRONMENT_NAME}\``,
    );
    return undefined;
  }
  if (live.pruned) {
    refuse(
      context,
      `hook "${entry.name}" uses environment "${live.environment.name}", which the config does not declare and prune.environments deletes`,
      entry.location,
      'declare the environment under environments, or turn off prune.environments',
    );
    return undefined;
  }
  return { name: live.environment.name, liveId: live.environment.id, absent: false };
}
