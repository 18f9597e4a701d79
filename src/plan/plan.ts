// The planner: a pure diff of the desired state against the observed state into an ordered Plan value.
// No I/O. What it cannot plan safely (ambiguity, data loss, a dangling hook) refuses the whole plan, every reason at once.
import { DEFAULT_ENVIRONMENT_NAME, KINDS, webhookIdentity } from '../config/types.js';
import type { DesiredEnvironment, DesiredHook, DesiredState, DesiredWebhook, Kind } from '../config/types.js';
import { INSECURE_SSL_WARNING } from '../config/warnings.js';
import { formatDiagnostic, UserError } from '../errors.js';
import type { Diagnostic, SourceLocation } from '../errors.js';
import type { ObservedEnvironment, ObservedHook, ObservedState, ObservedWebhook } from '../github/types.js';
import { didYouMean } from '../config/suggest.js';
import { isMaskedSecret, SENSITIVE, SENT_AGAIN } from '../secret.js';
import { lower, matchByName } from './match.js';
import { compareStrings, orderOperations } from './order.js';
import { planOverrides } from './overrides.js';
import type {
  EnvironmentFields,
  EnvironmentOperation,
  FieldChange,
  HookFields,
  HookOperation,
  Operation,
  Plan,
  PlanOptions,
  PlanSummary,
  UnmanagedObject,
  WebhookFields,
  WebhookOperation,
} from './types.js';

/** What the API returns in place of a webhook secret; sending it back would make it the secret. */
const MASKED_SECRET = '********';

const BLAST_ENFORCED = 'instance-wide: every push to every repository runs this hook and is rejected when it fails';
const BLAST_TESTING =
  'instance-wide: every push to every repository runs this hook; testing does not reject a push when the hook fails, ' +
  'but its run time counts toward the 5 s timeout that all hooks on a push share, and a timeout rejects the push';
const BLAST_CHANGED_ENFORCED =
  'instance-wide: every push to every repository runs the changed hook and is rejected when it fails';
const BLAST_REMOVED = 'removes an enforced check from every repository';
const BLAST_DOWNSTREAM_REVOKED =
  'instance-wide: organization and repository admins can no longer change this hook, so it runs on every push ' +
  'to every repository, where one of them had turned it off or to testing too';
const blastNewImage = (hooks: string[]) =>
  `instance-wide: ${hooks.length === 1 ? 'hook' : 'hooks'} ${hooks.map((name) => `"${name}"`).join(', ')} ` +
  `${hooks.length === 1 ? 'runs' : 'run'} in this environment on every push to every repository, with the new image once it is downloaded`;

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
    warnings: context.warnings.sort(compareStrings),
  };
}

/**
 * Messages for each kind whose live objects the plan deletes all of (n > 0) or more than half of.
 * Apply refuses such a plan unless the user allows it: a config that lost a file or a key looks exactly like this.
 */
export function checkMassDelete(plan: Plan): string[] {
  const deletes: Record<Kind, number> = { environment: 0, hook: 0, webhook: 0 };
  // Removing an override deletes nothing: the hook stays, and only a declared `inherit` asks for it.
  for (const op of plan.operations) if (op.action === 'delete' && op.kind !== 'override') deletes[op.kind] += 1;
  const messages: string[] = [];
  for (const kind of KINDS) {
    const live = plan.liveCounts[kind];
    const count = deletes[kind];
    if (live === 0 || count === 0) continue;
    if (count >= live) {
      messages.push(`the plan deletes all ${live} live ${NOUNS[kind]}`);
    } else if (count * 2 > live) {
      messages.push(`the plan deletes ${count} of ${live} live ${NOUNS[kind]} (more than half)`);
    }
  }
  return messages;
}

const NOUNS: Record<Kind, string> = {
  environment: 'pre-receive environments',
  hook: 'pre-receive hooks',
  webhook: 'global webhooks',
};

interface PlanContext {
  operations: Operation[];
  reasons: Diagnostic[];
  unmanaged: UnmanagedObject[];
  warnings: string[];
}

function refuse(context: PlanContext, message: string, location?: SourceLocation, hint?: string): void {
  context.reasons.push({ severity: 'error', message, ...(location && { location }), ...(hint && { hint }) });
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

function fromNothing(fields: object): Record<string, FieldChange> {
  return Object.fromEntries(
    Object.entries(fields).map(([field, to]: [string, unknown]) => [field, { from: null, to }]),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Environments

/** Where a hook's `environment:` name leads, and which operations on that environment a hook must wait for. */
interface EnvironmentTarget {
  /** As declared (or DEFAULT_ENVIRONMENT_NAME); what a hook operation names. */
  name: string;
  /** The live environment it is, now; undefined when this plan creates it. */
  liveId: number | undefined;
  absent: boolean;
  renameOperation?: string;
  downloadOperation?: string;
}

interface EnvironmentsPlan {
  defaultEnvironment: ObservedEnvironment | undefined;
  /** By lower-cased declared name; `default` is the built-in environment. */
  targets: Map<string, EnvironmentTarget>;
  /** Live environment id → its delete operation, whose dependsOn the hooks fill in. */
  deletes: Map<number, EnvironmentOperation>;
  /**
   * Live environments no entry declares, by lower-cased name: a hook may run in one (hooks-only configs are how most
   * adopt the tool); the plan neither changes nor downloads it. `pruned`: this plan deletes it.
   */
  undeclared: Map<string, { environment: ObservedEnvironment; pruned: boolean }>;
}

function planEnvironments(desired: DesiredState, observed: ObservedState, context: PlanContext): EnvironmentsPlan {
  const defaultEnvironment = observed.environments.find((env) => env.default_environment);
  const reserved = new Set([lower(DEFAULT_ENVIRONMENT_NAME)]);
  if (defaultEnvironment) reserved.add(lower(defaultEnvironment.name));

  const entries: DesiredEnvironment[] = [];
  for (const entry of desired.environments) {
    const clash = [entry.name, ...entry.previous_names].find((name) => reserved.has(lower(name)));
    if (clash === undefined) {
      entries.push(entry);
    } else {
      refuse(
        context,
        `environment "${entry.name}": "${clash}" is the built-in default environment, which cannot be managed`,
        entry.location,
        `hooks run in it with \`environment: ${DEFAULT_ENVIRONMENT_NAME}\`; remove this entry`,
      );
    }
  }

  const live = observed.environments.filter((env) => !env.default_environment);
  const { matches, claimed, refused } = matchByName('environment', entries, live, context.reasons);
  const targets = new Map<string, EnvironmentTarget>();
  targets.set(lower(DEFAULT_ENVIRONMENT_NAME), {
    name: DEFAULT_ENVIRONMENT_NAME,
    liveId: defaultEnvironment?.id,
    absent: false,
  });
  const deletes = new Map<number, EnvironmentOperation>();

  const deleteEnvironment = (env: ObservedEnvironment, key: string, reason: string, at?: SourceLocation) => {
    const op: EnvironmentOperation = { kind: 'environment', ...deletion('environment', key, env.id, reason, at) };
    if (env.download.state === 'in_progress') {
      op.warnings.push('a download is in progress; GHES refuses to delete the environment until it finishes');
    }
    context.operations.push(op);
    deletes.set(env.id, op);
  };

  for (const entry of entries) {
    const current = matches.get(entry);
    const target: EnvironmentTarget = { name: entry.name, liveId: current?.id, absent: entry.absent };
    targets.set(lower(entry.name), target);
    if (refused.has(entry)) continue;
    if (entry.absent) {
      if (current) deleteEnvironment(current, entry.name, 'absent: true', entry.location);
      continue;
    }
    const key = entry.name;
    if (!current) {
      const fields = { name: entry.name, image_url: entry.image_url };
      const create: EnvironmentOperation = {
        id: `environment:create:${key}`,
        kind: 'environment',
        key,
        action: 'create',
        changes: fromNothing(fields),
        dependsOn: [],
        fields,
        warnings: [],
        location: entry.location,
      };
      target.downloadOperation = `environment:download:${key}`;
      context.operations.push(create, download(key, undefined, [create.id], 'new environment', entry));
      continue;
    }

    const changes: Record<string, FieldChange> = {};
    const fields: Partial<EnvironmentFields> = {};
    if (current.name !== entry.name) {
      changes.name = { from: current.name, to: entry.name };
      fields.name = entry.name;
    }
    if (current.image_url !== entry.image_url) {
      changes.image_url = { from: current.image_url, to: entry.image_url };
      fields.image_url = entry.image_url;
    }
    const after: string[] = [];
    if (fields.name !== undefined || fields.image_url !== undefined) {
      const update: EnvironmentOperation = {
        id: `environment:update:${key}`,
        kind: 'environment',
        key,
        action: 'update',
        changes,
        dependsOn: [],
        liveId: current.id,
        fields,
        warnings: [],
        ...(fields.name !== undefined && { reason: `renamed from "${current.name}"` }),
        location: entry.location,
      };
      context.operations.push(update);
      after.push(update.id);
      if (fields.name !== undefined) target.renameOperation = update.id;
    }
    const why = downloadReason(current, fields.image_url !== undefined, context);
    if (why !== undefined) {
      target.downloadOperation = `environment:download:${key}`;
      context.operations.push(download(key, current.id, after, why, entry));
    }
  }

  const undeclared = new Map<string, { environment: ObservedEnvironment; pruned: boolean }>();
  for (const env of live) {
    if (claimed.has(env.id)) continue;
    undeclared.set(lower(env.name), { environment: env, pruned: desired.prune.environments });
    if (desired.prune.environments) deleteEnvironment(env, env.name, 'pruned');
    else context.unmanaged.push({ kind: 'environment', key: env.name, id: env.id });
  }
  return { defaultEnvironment, targets, deletes, undeclared };
}

function download(
  key: string,
  liveId: number | undefined,
  dependsOn: string[],
  reason: string,
  entry: DesiredEnvironment,
): EnvironmentOperation {
  return {
    id: `environment:download:${key}`,
    kind: 'environment',
    key,
    action: 'download',
    changes: {},
    dependsOn,
    ...(liveId !== undefined && { liveId }),
    reason,
    warnings: [],
    location: entry.location,
  };
}

function downloadReason(env: ObservedEnvironment, imageChanged: boolean, context: PlanContext): string | undefined {
  if (imageChanged) return 'image_url changed';
  switch (env.download.state) {
    case 'failed':
      return env.download.message ? `last download failed: ${env.download.message}` : 'last download failed';
    case 'not_started':
      return 'never downloaded';
    case 'in_progress':
      // Not necessarily of the current image_url (it may have started before the URL changed), and it may fail:
      // apply lets it end, then downloads again, so that hooks wait for a download known to be of this image.
      return 'a download started elsewhere is in progress';
    case 'success':
      return undefined;
    default:
      context.warnings.push(
        `environment "${env.name}" reports an unknown download state "${env.download.state}"; no download is planned`,
      );
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Hooks

interface HooksPlan {
  /** Live hook id → the operation that deletes it or moves it to another environment. */
  leaving: Map<number, string>;
  /** Live hook ids the config manages (declared, not absent). */
  managed: Map<number, DesiredHook>;
  /** Live environment id → the hooks that run in it (enforcement not disabled) once the plan is applied. */
  running: Map<number, string[]>;
}

function planHooks(
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
    running.set(environmentId, [...(running.get(environmentId) ?? []), name]);
  };
  const managed = new Map<number, DesiredHook>();
  const deletesByScript = new Map<string, string>();
  const writes: { op: HookOperation; script: string }[] = [];

  const deleteHook = (hook: ObservedHook, key: string, reason: string, at?: SourceLocation) => {
    const op: HookOperation = { kind: 'hook', ...deletion('hook', key, hook.id, reason, at) };
    if (hook.enforcement === 'enabled') op.blastRadius = BLAST_REMOVED;
    context.operations.push(op);
    leaving.set(hook.id, op.id);
    deletesByScript.set(scriptKey(hook.script_repository, hook.script), op.id);
  };

  for (const entry of desired.hooks) {
    if (refused.has(entry)) continue;
    const current = matches.get(entry);
    if (entry.absent) {
      if (current) deleteHook(current, entry.name, 'absent: true', entry.location);
      continue;
    }
    if (current) managed.set(current.id, entry);
    const target = resolveEnvironment(entry, environments, context);
    if (!target) continue;

    const wanted: HookFields = {
      name: entry.name,
      script: entry.script,
      script_repository: entry.script_repository,
      environment: target.name,
      enforcement: entry.enforcement,
      allow_downstream_configuration: entry.allow_downstream_configuration,
    };
    // Only a hook that starts running in the environment, or starts rejecting pushes there, needs its rename and
    // download done first: one created in it, moved into it, or turned up (disabled → testing → enabled). Any other
    // update (turning a hook off above all) must not wait for a download that may fail.
    runs(target.liveId, wanted.enforcement, wanted.name);
    const turnedUp =
      current !== undefined && enforcementRank(wanted.enforcement) > enforcementRank(current.enforcement);
    const entersEnvironment = current === undefined || current.environment.id !== target.liveId || turnedUp;
    const dependsOn = entersEnvironment
      ? [target.renameOperation, target.downloadOperation].filter((id) => id !== undefined)
      : [];
    const key = entry.name;
    let op: HookOperation;
    if (!current) {
      op = {
        id: `hook:create:${key}`,
        kind: 'hook',
        key,
        action: 'create',
        changes: fromNothing(wanted),
        dependsOn,
        fields: wanted,
        desired: wanted,
        warnings: [],
        location: entry.location,
      };
      const blast = blastRadius('disabled', wanted.enforcement, false);
      if (blast) op.blastRadius = blast;
    } else {
      const live: HookFields = {
        name: current.name,
        script: current.script,
        script_repository: current.script_repository,
        environment: current.environment.default_environment ? DEFAULT_ENVIRONMENT_NAME : current.environment.name,
        enforcement: current.enforcement as HookFields['enforcement'],
        allow_downstream_configuration: current.allow_downstream_configuration,
      };
      // Environments compare by identity, not name: a hook stays put when its environment is renamed in this plan.
      const same: Record<keyof HookFields, boolean> = {
        name: live.name === wanted.name,
        script: live.script === wanted.script,
        script_repository: lower(live.script_repository) === lower(wanted.script_repository),
        environment: target.liveId !== undefined && current.environment.id === target.liveId,
        enforcement: live.enforcement === wanted.enforcement,
        allow_downstream_configuration: live.allow_downstream_configuration === wanted.allow_downstream_configuration,
      };
      const changes: Record<string, FieldChange> = {};
      const fields: Partial<HookFields> = {};
      for (const field of Object.keys(same) as (keyof HookFields)[]) {
        if (same[field]) continue;
        changes[field] = { from: live[field], to: wanted[field] };
        Object.assign(fields, { [field]: wanted[field] });
      }
      if (Object.keys(changes).length === 0) continue;
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
        ...(fields.name !== undefined && { reason: `renamed from "${current.name}"` }),
        location: entry.location,
      };
      const codeChanged = !same.script || !same.script_repository || !same.environment;
      const blasts = [blastRadius(live.enforcement, wanted.enforcement, codeChanged)];
      // Taking downstream configuration away overrides every organization's and repository's own setting.
      if (live.allow_downstream_configuration && !wanted.allow_downstream_configuration) {
        if (wanted.enforcement !== 'disabled') blasts.push(BLAST_DOWNSTREAM_REVOKED);
      }
      const blast = blasts.filter((text) => text !== undefined).join('; ');
      if (blast) op.blastRadius = blast;
      if (fields.environment !== undefined) leaving.set(current.id, op.id);
    }
    context.operations.push(op);
    writes.push({ op, script: scriptKey(wanted.script_repository, wanted.script) });
  }

  for (const hook of observed.hooks) {
    if (claimed.has(hook.id)) continue;
    if (desired.prune.hooks) deleteHook(hook, hook.name, 'pruned');
    else {
      context.unmanaged.push({ kind: 'hook', key: hook.name, id: hook.id });
      runs(hook.environment.id, hook.enforcement, hook.name);
    }
  }

  // GHES allows one hook per (repository, script): a hook taking over the script of a hook this plan deletes
  // or moves to another script must wait for that, and one taking a script that a hook keeps would be refused.
  const holders = new Map(observed.hooks.map((hook) => [scriptKey(hook.script_repository, hook.script), hook]));
  /** op → the update that moves the current holder of op's script away, which op waits for. */
  const takesFrom = new Map<HookOperation, HookOperation>();
  for (const { op, script } of writes) {
    if (op.action !== 'create' && op.fields?.script === undefined && op.fields?.script_repository === undefined)
      continue;
    const freedBy = deletesByScript.get(script);
    if (freedBy !== undefined) {
      op.dependsOn.push(freedBy);
      continue;
    }
    const holder = holders.get(script);
    if (holder === undefined || holder.id === op.liveId) continue;
    const movedBy = writes.find((w) => w.op.liveId === holder.id && w.script !== script);
    if (movedBy !== undefined) {
      op.dependsOn.push(movedBy.op.id);
      takesFrom.set(op, movedBy.op);
      continue;
    }
    refuse(
      context,
      `hook "${op.key}": live hook "${holder.name}" (id ${holder.id}) already runs ${holder.script} from ` +
        `${holder.script_repository}, and GHES allows one hook per repository script`,
      op.location,
      `if it is this hook under an earlier name, add \`previous_names: [${holder.name}]\`; ` +
        'otherwise delete it (absent: true, or prune.hooks)',
    );
  }
  // Hooks that take each other's scripts in a ring wait for each other forever: GHES has no swap.
  const inRing = new Set<HookOperation>();
  for (const start of takesFrom.keys()) {
    const path: HookOperation[] = [];
    let at: HookOperation | undefined = start;
    while (at !== undefined && !path.includes(at) && !inRing.has(at)) {
      path.push(at);
      at = takesFrom.get(at);
    }
    if (at === undefined || inRing.has(at)) continue;
    const ring = path.slice(path.indexOf(at));
    for (const op of ring) inRing.add(op);
    refuse(
      context,
      `hooks ${ring.map((op) => `"${op.key}"`).join(', ')} would swap scripts, and GHES allows one hook per ` +
        'repository script at any moment',
      at.location,
      'move one of them to a temporary script first, apply, then give it its final script',
    );
  }
  return { leaving, managed, running };
}

/** How much a hook does with an enforcement: disabled (never runs) < testing (runs) < enabled (runs and rejects). */
function enforcementRank(enforcement: string): number {
  return enforcement === 'enabled' ? 2 : enforcement === 'testing' ? 1 : 0;
}

function scriptKey(repository: string, script: string): string {
  return `${lower(repository)}\n${script}`;
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
      didYouMean(entry.environment, known) ??
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

function blastRadius(from: string, to: string, codeChanged: boolean): string | undefined {
  if (to === 'enabled') return from === 'enabled' ? (codeChanged ? BLAST_CHANGED_ENFORCED : undefined) : BLAST_ENFORCED;
  if (to === 'testing' && from !== 'testing' && from !== 'enabled') return BLAST_TESTING;
  return undefined;
}

/** A new image_url changes what every push runs for each hook that runs in the environment: instance-wide. */
function markNewImages(context: PlanContext, hooks: HooksPlan): void {
  for (const op of context.operations) {
    if (op.kind !== 'environment' || op.action !== 'update' || op.fields?.image_url === undefined) continue;
    const running = [...(hooks.running.get(op.liveId ?? -1) ?? [])].sort(compareStrings);
    if (running.length > 0) op.blastRadius = blastNewImage(running);
  }
}

/** An environment is deleted only after every hook on it has moved or gone; a hook that would dangle refuses the plan. */
function orderEnvironmentDeletes(
  observed: ObservedState,
  environments: EnvironmentsPlan,
  hooks: HooksPlan,
  context: PlanContext,
): void {
  if (environments.deletes.size === 0) return;
  const hooksOn = new Map<number, ObservedHook[]>();
  for (const hook of observed.hooks) {
    const list = hooksOn.get(hook.environment.id);
    if (list) list.push(hook);
    else hooksOn.set(hook.environment.id, [hook]);
  }
  const envById = new Map(observed.environments.map((env) => [env.id, env]));

  for (const [envId, op] of environments.deletes) {
    const on = (hooksOn.get(envId) ?? []).sort((a, b) => compareStrings(a.name, b.name));
    for (const hook of on) {
      const leavingBy = hooks.leaving.get(hook.id);
      if (leavingBy !== undefined) {
        op.dependsOn.push(leavingBy);
        continue;
      }
      const entry = hooks.managed.get(hook.id);
      if (entry) {
        refuse(
          context,
          `environment "${op.key}" cannot be deleted (${op.reason}): hook "${entry.name}", which the config manages, stays on it`,
          entry.location,
          'point the hook at another environment, or keep the environment',
        );
      } else {
        refuse(
          context,
          `environment "${op.key}" cannot be deleted (${op.reason}): hook "${hook.name}" (id ${hook.id}) still uses it, ` +
            'and the config does not manage that hook',
          op.location,
          'add the hook to the config with another environment (or absent: true), or turn on prune.hooks',
        );
      }
    }
    const env = envById.get(envId);
    if (env && env.hooks_count > on.length) {
      op.warnings.push(
        `GHES counts ${env.hooks_count} hooks on this environment but lists ${on.length}; it refuses the delete while any remain`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Webhooks

function planWebhooks(
  desired: DesiredState,
  observed: ObservedState,
  options: PlanOptions,
  context: PlanContext,
): void {
  const liveByUrl = new Map<string, ObservedWebhook[]>();
  for (const hook of observed.webhooks) {
    const url = webhookIdentity(hook.url);
    const list = liveByUrl.get(url);
    if (list) list.push(hook);
    else liveByUrl.set(url, [hook]);
  }
  const claimedUrls = new Set<string>();

  for (const entry of desired.webhooks) {
    const url = webhookIdentity(entry.url);
    if (claimedUrls.has(url)) {
      refuse(context, `webhook "${url}" is declared twice`, entry.location);
      continue;
    }
    claimedUrls.add(url);
    const live = (liveByUrl.get(url) ?? []).slice().sort((a, b) => a.id - b.id);
    let refused = false;
    if (live.length > 1) {
      refused = true;
      refuse(
        context,
        `webhook "${url}": ambiguous: ids ${live.map((hook) => hook.id).join(', ')} all have this URL on the live instance`,
        entry.location,
        'delete the extra webhooks by hand so that one remains, then plan again',
      );
    }
    // reveal() only to compare: the API's mask, sent back as a value, would become the secret.
    if (entry.secret !== undefined && isMaskedSecret(entry.secret.reveal())) {
      refused = true;
      refuse(
        context,
        `webhook "${url}": the secret is only asterisks, like "${MASKED_SECRET}", the mask the API shows in place of a secret, not the secret itself`,
        entry.location,
        'set `secret:` from an environment variable that holds the real secret',
      );
    }
    const current = live[0];
    if (refused) continue;
    if (entry.absent) {
      if (current) context.operations.push(deleteWebhook(current, url, 'absent: true', entry.location));
      continue;
    }
    const op = current ? updateWebhook(entry, url, current, options, context) : createWebhook(entry, url);
    if (op) context.operations.push(op);
  }

  for (const [url, live] of liveByUrl) {
    if (claimedUrls.has(url)) continue;
    for (const hook of live) {
      // Keys must stay unique: unmanaged webhooks may share a URL.
      const key = live.length > 1 ? `${url} (id ${hook.id})` : url;
      if (desired.prune.webhooks) context.operations.push(deleteWebhook(hook, key, 'pruned'));
      else context.unmanaged.push({ kind: 'webhook', key, id: hook.id });
    }
  }
}

function webhookFields(entry: DesiredWebhook, url: string): WebhookFields {
  return {
    url,
    content_type: entry.content_type,
    insecure_ssl: entry.insecure_ssl,
    events: [...entry.events].sort(compareStrings),
    active: entry.active,
    secret: entry.secret !== undefined && !entry.secret.isEmpty ? entry.secret : undefined,
  };
}

function webhookWarnings(fields: WebhookFields): string[] {
  return fields.insecure_ssl ? [INSECURE_SSL_WARNING] : [];
}

function createWebhook(entry: DesiredWebhook, url: string): WebhookOperation {
  const fields = webhookFields(entry, url);
  const { secret, ...shown } = fields;
  return {
    id: `webhook:create:${url}`,
    kind: 'webhook',
    key: url,
    action: 'create',
    changes: { ...fromNothing(shown), ...(secret && { secret: { from: null, to: SENSITIVE } }) },
    dependsOn: [],
    fields,
    warnings: webhookWarnings(fields),
    location: entry.location,
  };
}

function updateWebhook(
  entry: DesiredWebhook,
  url: string,
  current: ObservedWebhook,
  options: PlanOptions,
  context: PlanContext,
): WebhookOperation | undefined {
  const fields = webhookFields(entry, url);
  const changes: Record<string, FieldChange> = {};
  if (current.content_type !== fields.content_type) {
    changes.content_type = { from: current.content_type, to: fields.content_type };
  }
  if (current.insecure_ssl !== fields.insecure_ssl) {
    changes.insecure_ssl = { from: current.insecure_ssl, to: fields.insecure_ssl };
  }
  const liveEvents = [...current.events].sort(compareStrings);
  if (liveEvents.join('\n') !== fields.events.join('\n')) changes.events = { from: liveEvents, to: fields.events };
  if (current.active !== fields.active) changes.active = { from: current.active, to: fields.active };

  let reason: string | undefined;
  const wantSecret = entry.secret !== undefined && !entry.secret.isEmpty;
  if (entry.secret !== undefined) {
    if (wantSecret && !current.has_secret) changes.secret = { from: null, to: SENSITIVE };
    else if (!wantSecret && current.has_secret) changes.secret = { from: SENSITIVE, to: null };
  }
  // A PATCH erases what it omits, so every update sends the configured secret: it replaces the live one, which may
  // differ (it cannot be read back). Say so, or a stale secret in CI would rotate the live one unseen.
  if (wantSecret && current.has_secret && (Object.keys(changes).length > 0 || options.syncSecrets)) {
    if (Object.keys(changes).length === 0) reason = 'sync secrets: sent again, because secret drift cannot be detected';
    changes.secret = { from: SENSITIVE, to: SENT_AGAIN };
  }
  const changed = Object.keys(changes);
  if (changed.length === 0) return undefined;

  if (entry.secret === undefined && current.has_secret) {
    const at = `${entry.location.file}:${entry.location.line}`;
    refuse(
      context,
      `webhook "${url}": updating it (${changed.join(', ')}) would erase its secret: the live webhook has a secret, ` +
        'which cannot be read back, and the config entry has no `secret` key',
      entry.location,
      `add \`secret: \${SOME_ENV_VAR}\` to the entry at ${at}, naming an environment variable that holds the secret`,
    );
    return undefined;
  }
  return {
    id: `webhook:update:${url}`,
    kind: 'webhook',
    key: url,
    action: 'update',
    changes,
    dependsOn: [],
    liveId: current.id,
    fields,
    ...(reason && { reason }),
    warnings: webhookWarnings(fields),
    location: entry.location,
  };
}

function deleteWebhook(hook: ObservedWebhook, key: string, reason: string, at?: SourceLocation): WebhookOperation {
  return { kind: 'webhook', ...deletion('webhook', key, hook.id, reason, at) };
}

/** What every delete of a live object shares: no field-by-field change, and nothing before it unless told. */
function deletion(kind: Kind, key: string, liveId: number, reason: string, at?: SourceLocation) {
  return {
    id: `${kind}:delete:${key}`,
    key,
    action: 'delete' as const,
    changes: {},
    dependsOn: [] as string[],
    liveId,
    reason,
    warnings: [] as string[],
    ...(at && { location: at }),
  };
}
