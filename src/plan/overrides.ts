// The planner's part for enforcement overrides: for each (hook, organization or repository) the config names,
// diff the declared override against what that level's list showed, and order the PATCH/DELETE after the hook
// changes that allow them and before those that forbid them. Pure, like the rest of the planner.
import type { DesiredHook, DesiredOverride, DesiredState, OverrideScope } from '../config/types.js';
import type { Warning } from '../finding-codes.js';
import type { ObservedHookAtTarget, ObservedState, ObservedTarget } from '../github/types.js';
import { lower } from '../names.js';
import { organizationBlast, setBlastRadius } from './blast-radius.js';
import type { PlanContext } from './context.js';
import { matchByName } from './match.js';
import type {
  FieldChange,
  HookCreate,
  HookDelete,
  HookOperation,
  HookUpdate,
  Operation,
  OverrideCreate,
  OverrideDelete,
  OverrideFields,
  OverrideOperation,
  OverrideUpdate,
} from './types.js';

/** The parts of the planner's context this stage reads and adds to. */
export type OverridePlanContext = Pick<PlanContext, 'operations' | 'reasons' | 'warnings'>;

const SCOPE_WORDS: Record<OverrideScope, string> = { organization: 'organization', repository: 'repository' };

/** `Check Commits @ acme`, `Check Commits @ acme/monorepo`: unique, since a login has no slash. */
export function overrideKey(hook: string, target: string): string {
  return `${hook} @ ${target}`;
}

export function planOverrides(desired: DesiredState, observed: ObservedState, context: OverridePlanContext): void {
  const declared = desired.hooks.filter((hook) => (hook.organizations?.length ?? 0) + (hook.repositories?.length ?? 0));
  if (declared.length === 0) return;

  // The hook planner already refused whatever is ambiguous; this only needs to know which live hook is which.
  const { matches } = matchByName('hook', desired.hooks, observed.hooks, []);
  const byId = new Map(context.operations.map((op) => [op.id, op]));
  const targets = {
    organization: indexTargets(observed.overrides?.organizations),
    repository: indexTargets(observed.overrides?.repositories),
  };

  for (const entry of declared) {
    const live = matches.get(entry);
    const create = hookOperation(byId, 'create', entry.name);
    const update = hookOperation(byId, 'update', entry.name);
    const remove = hookOperation(byId, 'delete', entry.name);
    const allowChange = update?.fields.allow_downstream_configuration;
    const hook: HookPlan = {
      entry,
      liveId: live?.id,
      created: create,
      // Overrides wait for the change that allows them, and a change that forbids them waits for their removal.
      allows: allowChange === true ? update : create,
      forbids: allowChange === false ? update : undefined,
      deleted: remove,
    };
    if (!live && !create) continue; // neither there nor made: the hook planner says why (absent, refused)

    const organizationOps = new Map<string, OverrideOperation>();
    for (const override of entry.organizations ?? []) {
      const op = planOne(hook, override, targets.organization, context);
      if (op) organizationOps.set(lower(override.target), op);
    }
    for (const override of entry.repositories ?? []) {
      const owner = lower(override.target.split('/')[0] ?? '');
      planOne(hook, override, targets.repository, context, {
        organizationOp: organizationOps.get(owner),
        organization: targets.organization.get(owner),
      });
    }
  }
}

interface HookPlan {
  entry: DesiredHook;
  liveId: number | undefined;
  created: HookCreate | undefined;
  /** The operation after which overrides are allowed, when this plan allows them. */
  allows: HookCreate | HookUpdate | undefined;
  /** The update that forbids overrides; every removal must come first. */
  forbids: HookUpdate | undefined;
  deleted: HookDelete | undefined;
}

/** The hook operation of that action on the named hook, if the hook planner made one. */
function hookOperation<A extends HookOperation['action']>(
  byId: ReadonlyMap<string, Operation>,
  action: A,
  name: string,
): Extract<HookOperation, { action: A }> | undefined {
  const op = byId.get(`hook:${action}:${name}`);
  return op?.kind === 'hook' && op.action === action ? (op as Extract<HookOperation, { action: A }>) : undefined;
}

/** A target as observed, with its hooks by id: a lookup per declared override, not a scan. */
interface IndexedTarget {
  name: string;
  hooks: Map<number, ObservedHookAtTarget>;
}

function indexTargets(list: readonly ObservedTarget[] | undefined): Map<string, IndexedTarget> {
  return new Map(
    (list ?? []).map((target) => [
      lower(target.name),
      { name: target.name, hooks: new Map(target.hooks.map((hook) => [hook.id, hook])) },
    ]),
  );
}

/** The repository's organization, when the config names it for the same hook: what it does in this plan and shows now. */
interface Owner {
  organizationOp: OverrideOperation | undefined;
  organization: IndexedTarget | undefined;
}

function planOne(
  hook: HookPlan,
  override: DesiredOverride,
  targets: Map<string, IndexedTarget>,
  context: OverridePlanContext,
  owner?: Owner,
): OverrideOperation | undefined {
  const { entry } = hook;
  const scope = override.scope;
  const where = `${SCOPE_WORDS[scope]} ${override.target}`;
  const observedTarget = targets.get(lower(override.target));
  if (!observedTarget) {
    // observe reads every target the config names (a missing one is an error there), so this is a caller that
    // observed without them: planning now would guess.
    context.reasons.push({
      severity: 'error',
      message: `hook "${entry.name}": ${where} was not read, so its override cannot be planned`,
      location: override.location,
    });
    return undefined;
  }
  const liveAt = hook.liveId === undefined ? undefined : observedTarget.hooks.get(hook.liveId);
  const base = {
    kind: 'override' as const,
    key: overrideKey(entry.name, override.target),
    hook: entry.name,
    scope,
    target: override.target,
    dependsOn: [] as string[],
    warnings: [] as Warning[],
    location: override.location,
  };

  if (override.enforcement === 'inherit') {
    if (hook.liveId === undefined) return undefined; // a hook made by this plan has no overrides yet
    if (!liveAt) {
      // Hidden: disabled above and not configurable here. An override may exist, ignored; GHES shows nothing of it.
      context.warnings.push({
        code: 'override-hidden',
        message:
          `hook "${entry.name}": ${where} does not list it (it is disabled above and not configurable there), ` +
          'so whether it has an override there cannot be seen; nothing is removed',
      });
      return undefined;
    }
    if (!liveAt.overridden) return undefined;
    const op: OverrideDelete = {
      ...base,
      id: `override:delete:${base.key}`,
      action: 'delete',
      hookId: liveAt.id,
      changes: removalChanges(liveAt),
      reason: `inherit: the ${SCOPE_WORDS[scope]} follows the level above again`,
      reasonCode: 'inherit',
    };
    // Removals come before the hook change that would forbid them, and before the hook goes.
    hook.forbids?.dependsOn.push(op.id);
    hook.deleted?.dependsOn.push(op.id);
    if (owner?.organizationOp && allowsDownstream(owner.organizationOp) === false) {
      owner.organizationOp.dependsOn.push(op.id);
    }
    if (scope === 'organization')
      setBlastRadius(op, [organizationBlast(override.target, 'the enforcement inherited from the hook')]);
    context.operations.push(op);
    return op;
  }

  const fields: OverrideFields = { enforcement: override.enforcement };
  if (scope === 'organization' && override.allow_downstream_configuration !== undefined) {
    fields.allow_downstream_configuration = override.allow_downstream_configuration;
  }
  const dependsOn: string[] = [];
  if (hook.allows) dependsOn.push(hook.allows.id);
  const ownerOp = owner?.organizationOp;
  // The organization lets its repositories override once it says so, or once its own override (which may say
  // no) is gone.
  if (ownerOp && (ownerOp.action === 'delete' || allowsDownstream(ownerOp) === true)) {
    dependsOn.push(ownerOp.id);
  }

  if (liveAt?.overridden) {
    const changes: Record<string, FieldChange> = {};
    if (liveAt.enforcement !== fields.enforcement)
      changes.enforcement = { from: liveAt.enforcement, to: fields.enforcement };
    if (
      fields.allow_downstream_configuration !== undefined &&
      liveAt.allow_downstream_configuration !== fields.allow_downstream_configuration
    ) {
      changes.allow_downstream_configuration = {
        from: liveAt.allow_downstream_configuration ?? null,
        to: fields.allow_downstream_configuration,
      };
    }
    if (Object.keys(changes).length === 0) return undefined;
    const op: OverrideUpdate = {
      ...base,
      id: `override:update:${base.key}`,
      action: 'update',
      hookId: liveAt.id,
      changes,
      dependsOn,
      fields,
    };
    if (scope === 'organization') setBlastRadius(op, [organizationBlast(override.target, `"${fields.enforcement}"`)]);
    context.operations.push(op);
    return op;
  }

  if (scope === 'repository' && !allowedInRepository(hook, liveAt, owner)) {
    context.reasons.push({
      severity: 'error',
      message:
        `hook "${entry.name}": ${where} cannot have an override: ` +
        (owner?.organization
          ? `organization ${owner.organization.name} does not allow downstream configuration`
          : 'the repository does not list the hook (disabled above and not configurable there)'),
      location: override.location,
      hint: `name the organization under the hook with \`allow_downstream_configuration: true\`, or write \`inherit\``,
    });
    return undefined;
  }
  const op: OverrideCreate = {
    ...base,
    id: `override:create:${base.key}`,
    action: 'create',
    ...(hook.liveId !== undefined && { hookId: hook.liveId }),
    changes: Object.fromEntries(
      Object.entries(fields).map(([field, to]: [string, unknown]): [string, FieldChange] => [
        field,
        { from: null, to },
      ]),
    ),
    dependsOn,
    fields,
    ...(liveAt
      ? {
          reason: `now inherits "${liveAt.enforcement}" from ${describeLevel(liveAt)}`,
          reasonCode: 'replaces-inherited' as const,
        }
      : { reason: 'new override', reasonCode: 'new-override' as const }),
  };
  if (scope === 'organization') setBlastRadius(op, [organizationBlast(override.target, `"${fields.enforcement}"`)]);
  context.operations.push(op);
  return op;
}

/**
 * Whether a repository may get an override once this plan's earlier operations ran: its organization (when the
 * config names it) decides, else a hook hidden from the repository while the hook keeps allowing overrides means a
 * level between forbids it. When nothing says, GHES decides (a refusal fails that operation alone).
 */
function allowedInRepository(hook: HookPlan, liveAt: ObservedHookAtTarget | undefined, owner?: Owner): boolean {
  const ownerOp = owner?.organizationOp;
  const removed = ownerOp?.action === 'delete';
  const set = removed || !ownerOp ? undefined : allowsDownstream(ownerOp);
  if (set !== undefined) return set;
  // Removing the organization's override leaves the hook's own setting, which allows overrides (the config says so).
  if (removed) return true;
  const atOrganization = hook.liveId === undefined ? undefined : owner?.organization?.hooks.get(hook.liveId);
  if (atOrganization?.allow_downstream_configuration === false) {
    // Its own override says no; an inherited no is the hook's, which this plan may turn into a yes.
    return !atOrganization.overridden && hook.allows !== undefined;
  }
  if (atOrganization) return true;
  return liveAt !== undefined || hook.allows !== undefined || hook.liveId === undefined;
}

/** What an organization's override says of its repositories, when this plan sets it. */
function allowsDownstream(op: OverrideOperation): boolean | undefined {
  return op.action === 'delete' ? undefined : op.fields.allow_downstream_configuration;
}

function removalChanges(liveAt: ObservedHookAtTarget): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = { enforcement: { from: liveAt.enforcement, to: null } };
  if (liveAt.allow_downstream_configuration !== undefined) {
    changes.allow_downstream_configuration = { from: liveAt.allow_downstream_configuration, to: null };
  }
  return changes;
}

function describeLevel(at: ObservedHookAtTarget): string {
  switch (at.configuredAt.level) {
    case 'global':
      return 'the hook';
    case 'organization':
      return `organization ${at.configuredAt.name}`;
    case 'repository':
      return `repository ${at.configuredAt.name}`;
  }
}
