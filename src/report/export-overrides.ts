// Export's part for enforcement overrides: the overrides found in the organizations and repositories that were
// read, written under their hook so that planning the file against the same instance changes nothing.
import type { ObservedHook, ObservedOverrides, ObservedTarget } from '../github/types.js';
import { compareStrings } from '../plan/order.js';

export interface ExportedOverrides {
  /** `organizations` and `repositories` for the hook's entry; none when nothing is overridden. */
  fields: { organizations?: Record<string, OrganizationOverride>; repositories?: Record<string, string> };
  /** What could not be written, for a comment above the hook's entry: lines of text. */
  comments: string[];
}

// A type, not an interface: it is written as a YAML mapping, which takes any record of scalars.
export type OrganizationOverride = { enforcement: string; allow_downstream_configuration: boolean };

export function exportedOverrides(hook: ObservedHook, overrides: ObservedOverrides | undefined): ExportedOverrides {
  const comments: string[] = [];
  const organizations: [string, OrganizationOverride][] = [];
  const repositories: [string, string][] = [];
  /** Organizations whose override of this hook keeps repositories from overriding, by lower-cased login. */
  const forbidding = new Set<string>();

  const overriddenIn = (targets: readonly ObservedTarget[] | undefined) =>
    [...(targets ?? [])]
      .sort((a, b) => compareStrings(a.name.toLowerCase(), b.name.toLowerCase()))
      .flatMap((target) => {
        const here = target.hooks.find((h) => h.id === hook.id && h.overridden);
        return here ? [{ target, here }] : [];
      });

  for (const { target, here } of overriddenIn(overrides?.organizations)) {
    if (!hook.allow_downstream_configuration) {
      comments.push(...skipped(target.name, 'organization'));
      continue;
    }
    const allow = here.allow_downstream_configuration === true;
    if (!allow) forbidding.add(target.name.toLowerCase());
    organizations.push([target.name, { enforcement: here.enforcement, allow_downstream_configuration: allow }]);
  }
  for (const { target, here } of overriddenIn(overrides?.repositories)) {
    const owner = target.name.split('/')[0]?.toLowerCase() ?? '';
    if (!hook.allow_downstream_configuration || forbidding.has(owner)) {
      comments.push(...skipped(target.name, 'repository'));
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
