// The planner's part for pre-receive environments: match declared environments to live ones (renames included),
// plan their creates, updates, deletes and downloads, and tell the hook planner where each environment name leads.
import { DEFAULT_ENVIRONMENT_NAME } from '../config/types.js';
import type { DesiredEnvironment, DesiredState } from '../config/types.js';
import type { SourceLocation } from '../errors.js';
import type { ObservedEnvironment, ObservedState } from '../github/types.js';
import { changedFields, deletion, fromNothing, refuse } from './context.js';
import type { PlanContext } from './context.js';
import { lower } from '../names.js';
import { matchByName } from './match.js';
import { prunes, undeclarableEnvironment } from './declarable.js';
import type {
  EnvironmentCreate,
  EnvironmentDelete,
  EnvironmentDownload,
  EnvironmentFields,
  EnvironmentUpdate,
  FieldChange,
} from './types.js';
import { ABSENT, PRUNED } from './codes.js';
import type { Because, DeleteReason, DownloadReason } from './codes.js';

/** Where a hook's `environment:` name leads, and which operations on that environment a hook must wait for. */
export interface EnvironmentTarget {
  /** As declared (or DEFAULT_ENVIRONMENT_NAME); what a hook operation names. */
  name: string;
  /** The live environment it is, now; undefined when this plan creates it. */
  liveId: number | undefined;
  absent: boolean;
  renameOperation?: string;
  downloadOperation?: string;
}

export interface EnvironmentsPlan {
  defaultEnvironment: ObservedEnvironment | undefined;
  /** By lower-cased declared name; `default` is the built-in environment. */
  targets: Map<string, EnvironmentTarget>;
  /** Live environment id → its delete operation, whose dependsOn the hooks fill in. */
  deletes: Map<number, EnvironmentDelete>;
  /**
   * Live environments no entry declares, by lower-cased name: a hook may run in one (hooks-only configs are how most
   * adopt the tool); the plan neither changes nor downloads it. `pruned`: this plan deletes it.
   */
  undeclared: Map<string, { environment: ObservedEnvironment; pruned: boolean }>;
}

export function planEnvironments(
  desired: DesiredState,
  observed: ObservedState,
  context: PlanContext,
): EnvironmentsPlan {
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
  const deletes = new Map<number, EnvironmentDelete>();

  const deleteEnvironment = (
    env: ObservedEnvironment,
    key: string,
    because: Because<DeleteReason>,
    at?: SourceLocation,
  ) => {
    const op: EnvironmentDelete = { kind: 'environment', ...deletion('environment', key, env.id, because, at) };
    if (env.download.state === 'in_progress') {
      op.warnings.push({
        code: 'delete-while-downloading',
        message: 'a download is in progress; GHES refuses to delete the environment until it finishes',
      });
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
      if (current) deleteEnvironment(current, entry.name, ABSENT, entry.location);
      continue;
    }
    const key = entry.name;
    if (!current) {
      const fields = { name: entry.name, image_url: entry.image_url };
      const create: EnvironmentCreate = {
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
      context.operations.push(
        create,
        download(key, undefined, [create.id], { reason: 'new environment', reasonCode: 'new-environment' }, entry),
      );
      continue;
    }

    const changes: Record<string, FieldChange> = {};
    const changed: Partial<EnvironmentFields> = {};
    if (current.name !== entry.name) {
      changes.name = { from: current.name, to: entry.name };
      changed.name = entry.name;
    }
    if (current.image_url !== entry.image_url) {
      changes.image_url = { from: current.image_url, to: entry.image_url };
      changed.image_url = entry.image_url;
    }
    const fields = changedFields(changed);
    const after: string[] = [];
    if (fields) {
      const update: EnvironmentUpdate = {
        id: `environment:update:${key}`,
        kind: 'environment',
        key,
        action: 'update',
        changes,
        dependsOn: [],
        liveId: current.id,
        fields,
        warnings: [],
        ...(fields.name !== undefined && { reason: `renamed from "${current.name}"`, reasonCode: 'renamed' as const }),
        location: entry.location,
      };
      context.operations.push(update);
      after.push(update.id);
      if (fields.name !== undefined) target.renameOperation = update.id;
    }
    const why = downloadReason(current, changed.image_url !== undefined, context);
    if (why !== undefined) {
      target.downloadOperation = `environment:download:${key}`;
      context.operations.push(download(key, current.id, after, why, entry));
    }
  }

  const undeclared = new Map<string, { environment: ObservedEnvironment; pruned: boolean }>();
  for (const env of live) {
    if (claimed.has(env.id)) continue;
    const pruned = prunes(
      desired.prune.environments,
      'environment',
      env,
      env.name,
      undeclarableEnvironment,
      context.warnings,
    );
    undeclared.set(lower(env.name), { environment: env, pruned });
    if (pruned) deleteEnvironment(env, env.name, PRUNED);
    else context.unmanaged.push({ kind: 'environment', key: env.name, id: env.id });
  }
  return { defaultEnvironment, targets, deletes, undeclared };
}

function download(
  key: string,
  liveId: number | undefined,
  dependsOn: string[],
  because: Because<DownloadReason>,
  entry: DesiredEnvironment,
): EnvironmentDownload {
  return {
    id: `environment:download:${key}`,
    kind: 'environment',
    key,
    action: 'download',
    changes: {},
    dependsOn,
    ...(liveId !== undefined && { liveId }),
    ...because,
    warnings: [],
    location: entry.location,
  };
}

function downloadReason(
  env: ObservedEnvironment,
  imageChanged: boolean,
  context: PlanContext,
): Because<DownloadReason> | undefined {
  if (imageChanged) return { reason: 'image_url changed', reasonCode: 'image-changed' };
  switch (env.download.state) {
    case 'failed':
      return {
        reason: env.download.message ? `last download failed: ${env.download.message}` : 'last download failed',
        reasonCode: 'download-failed',
      };
    case 'not_started':
      return { reason: 'never downloaded', reasonCode: 'never-downloaded' };
    case 'in_progress':
      // Not necessarily of the current image_url (it may have started before the URL changed), and it may fail:
      // apply lets it end, then downloads again, so that hooks wait for a download known to be of this image.
      return { reason: 'a download started elsewhere is in progress', reasonCode: 'download-in-progress' };
    case 'success':
      return undefined;
    default:
      context.warnings.push({
        code: 'unknown-download-state',
        message: `environment "${env.name}" reports an unknown download state "${env.download.state}"; no download is planned`,
      });
      return undefined;
  }
}
