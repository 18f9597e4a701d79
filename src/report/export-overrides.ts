// Export's part for enforcement overrides: the overrides found in the organizations and repositories that were
// read, written under their hook so that planning the file against the same instance changes nothing.
import type { ObservedHook, ObservedHookAtTarget, ObservedOverrides, ObservedTarget } from '../github/types.js';
import { KNOWN_VALUES, shown } from '../plan/declarable.js';
import { compareStrings } from '../plan/order.js';

export interface ExportedOverrides {
  /** `organizations` and `repositories` for the hook's entry; none when nothing is overridden. */
  fields: { organizations?: Record<string, OrganizationOverride>; repositories?: Record<string, string> };
  /** What could not be written, for a comment above the hook's entry: lines of text. */
  comments: string[];
}

// A type, not an interface: it is written as a YAML mapping, which takes any record of scalars.
export type OrganizationOverride = { enforcement: string; allow_downstream_configuration: boolean };

/**
 * Each hook's overrides in the targets that were read. The targets are sorted, and each one's overridden hooks
 * indexed by id, once for all hooks: an export writes thousands of hooks, and every target lists them all.
 */
export function overridesExporter(overrides: ObservedOverrides | undefined): (hook: ObservedHook) => ExportedOverrides {
  const organizations = byTarget(overrides?.organizations);
  const repositories = byTarget(overrides?.repositories);
  return (hook) => exportedOverrides(hook, organizations, repositories);
}

interface TargetOverrides {
  name: string;
  /** The hooks overridden at this very target, by id. */
  overridden: Map<number, ObservedHookAtTarget>;
}

function byTarget(targets: readonly ObservedTarget[] | undefined): TargetOverrides[] {
  return [...(targets ?? [])]
    .sort((a, b) => compareStrings(a.name.toLowerCase(), b.name.toLowerCase()))
    .map((target) => {
      const overridden = new Map<number, ObservedHookAtTarget>();
      for (const hook of target.hooks) if (hook.overridden && !overridden.has(hook.id)) overridden.set(hook.id, hook);
      return { name: target.name, overridden };
    });
}

function exportedOverrides(
  hook: ObservedHook,
  organizationTargets: readonly TargetOverrides[],
  repositoryTargets: readonly TargetOverrides[],
): ExportedOverrides {
  const comments: string[] = [];
  const organizations: [string, OrganizationOverride][] = [];
  const repositories: [string, string][] = [];
  /** Organizations whose override of this hook keeps repositories from overriding, by lower-cased login. */
  const forbidding = new Set<string>();

  for (const target of organizationTargets) {
    const here = target.overridden.get(hook.id);
    if (!here) continue;
    if (!hook.allow_downstream_configuration) {
      comments.push(...skipped(target.name, 'organization'));
      continue;
    }
    const allow = here.allow_downstream_configuration === true;
    if (!allow) forbidding.add(target.name.toLowerCase());
    if (!KNOWN_VALUES.enforcement.includes(here.enforcement)) {
      comments.push(...unknownEnforcement(target.name, 'organization', here.enforcement));
      continue;
    }
    organizations.push([target.name, { enforcement: here.enforcement, allow_downstream_configuration: allow }]);
  }
  for (const target of repositoryTargets) {
    const here = target.overridden.get(hook.id);
    if (!here) continue;
    const owner = target.name.split('/')[0]?.toLowerCase() ?? '';
    if (!hook.allow_downstream_configuration || forbidding.has(owner)) {
      comments.push(...skipped(target.name, 'repository'));
      continue;
    }
    if (!KNOWN_VALUES.enforcement.includes(here.enforcement)) {
      comments.push(...unknownEnforcement(target.name, 'repository', here.enforcement));
      continue;
    }
    repositories.push([target.name, here.enforcement]);
  }

  return {
    fields: {
      ...(organizations.length > 0 && { organizations: Object.fromEntries(organizations) }),
      ...(repositories.length > 0 && { repositories: Object.fromEntries(repositories) }),
    },
    comments,
  };
}

/** GHES shows an override that a level above forbids; the config could not declare it, so it is left out. */
function skipped(target: string, scope: string): string[] {
  return [
    `${scope} ${target} shows an override of this hook that a level above does not allow, so it is left out;`,
    'remove it there, or allow downstream configuration and add it here.',
  ];
}

/** An enforcement this tool does not know (a newer GHES's): a config could not declare it, so it is left out. */
function unknownEnforcement(target: string, scope: string, enforcement: string): string[] {
  return [
    `${scope} ${target} overrides this hook with enforcement ${shown(enforcement)}, which a config cannot declare, so`,
    `it is left out (a plan reads and changes overrides only where the config names them).`,
  ];
}
