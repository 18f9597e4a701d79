// A hook's enforcement overrides per organization and repository: the checks the schema cannot express (names,
// case-insensitive duplicates, overrides that GHES would refuse because a level above forbids them), and the
// DesiredOverride lists built from the validated entries.
import type { Diagnostic, SourceLocation } from '../errors.js';
import type { RawEntry } from './checks.js';
import { entryLabel, error, isRecord, locate, quotable } from './source.js';
import type { DesiredOverride, DesiredState, OverrideEnforcement, OverrideScope } from './types.js';
import { lower } from '../names.js';

/** The hook's key for each scope, and how a message names a target of that scope. */
export const OVERRIDE_KEYS = { organization: 'organizations', repository: 'repositories' } as const;
const SCOPES: readonly OverrideScope[] = ['organization', 'repository'];

// GitHub logins and repository names: letters, digits, `-`, `_`, `.`; no spaces, no slashes in a login.
const ORGANIZATION_NAME = /^[A-Za-z0-9_.-]+$/;
const REPOSITORY_NAME = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** A login for an organization, owner/name for a repository. */
export function isTargetName(scope: OverrideScope, name: string): boolean {
  return (scope === 'organization' ? ORGANIZATION_NAME : REPOSITORY_NAME).test(name);
}

function where(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

/** One override as written (after the schema filled in nothing: overrides have no defaults). */
interface RawOverride {
  scope: OverrideScope;
  target: string;
  /** undefined when the value is malformed; the schema reports that. */
  enforcement: OverrideEnforcement | undefined;
  allow_downstream_configuration: boolean | undefined;
  location: SourceLocation;
}

function rawOverrides(entry: RawEntry, scope: OverrideScope): RawOverride[] {
  const map = entry.value[OVERRIDE_KEYS[scope]];
  if (!isRecord(map)) return [];
  return Object.entries(map).map(([target, value]) => {
    const record = isRecord(value) ? value : undefined;
    const enforcement = typeof value === 'string' ? value : record?.enforcement;
    const allow = record?.allow_downstream_configuration;
    return {
      scope,
      target,
      enforcement: isOverrideEnforcement(enforcement) ? enforcement : undefined,
      allow_downstream_configuration: typeof allow === 'boolean' ? allow : undefined,
      location: locate(entry.source, [entry.listKey, entry.index, OVERRIDE_KEYS[scope], target], 'key'),
    };
  });
}

function isOverrideEnforcement(value: unknown): value is OverrideEnforcement {
  return value === 'enabled' || value === 'disabled' || value === 'testing' || value === 'inherit';
}

/** The overrides of one validated hook entry, in a stable order (by lower-cased target). */
export function buildOverrides(entry: RawEntry, scope: OverrideScope): DesiredOverride[] {
  return rawOverrides(entry, scope)
    .flatMap((raw): DesiredOverride[] => {
      if (raw.enforcement === undefined) return [];
      const override: DesiredOverride = {
        scope,
        target: raw.target,
        enforcement: raw.enforcement,
        location: raw.location,
      };
      if (
        scope === 'organization' &&
        raw.enforcement !== 'inherit' &&
        raw.allow_downstream_configuration !== undefined
      ) {
        override.allow_downstream_configuration = raw.allow_downstream_configuration;
      }
      return [override];
    })
    .sort((a, b) => (lower(a.target) < lower(b.target) ? -1 : lower(a.target) > lower(b.target) ? 1 : 0));
}

/** Every rule on the overrides of every hook entry. */
export function checkOverrides(hooks: readonly RawEntry[]): Diagnostic[] {
  return hooks.flatMap(checkHookOverrides);
}

function checkHookOverrides(entry: RawEntry): Diagnostic[] {
  // Most hooks have no overrides: nothing to check, nothing to allocate.
  if (!SCOPES.some((scope) => isRecord(entry.value[OVERRIDE_KEYS[scope]]))) return [];
  const diagnostics: Diagnostic[] = [];
  const label = entryLabel(entry.listKey, entry.index, entry.value);
  const absent = entry.value.absent === true;
  const hookAllows = entry.value.allow_downstream_configuration === true;
  /** Organizations of this hook that say repositories may not override, by lower-cased login. */
  const forbidding = new Map<string, RawOverride>();

  for (const scope of SCOPES) {
    const seen = new Map<string, RawOverride>();
    for (const raw of rawOverrides(entry, scope)) {
      const subject = `${label}: ${scope} \`${quotable(raw.target)}\``;
      if (!isTargetName(scope, raw.target)) {
        diagnostics.push(
          error(
            scope === 'organization'
              ? `${subject} is not an organization login`
              : `${subject} must be owner/name, like acme/monorepo`,
            raw.location,
            scope === 'organization' && raw.target.includes('/')
              ? 'a repository goes under `repositories:`, as owner/name'
              : undefined,
          ),
        );
        continue;
      }
      const prior = seen.get(lower(raw.target));
      if (prior) {
        diagnostics.push(
          error(
            `${subject} is already named at ${where(prior.location)}`,
            raw.location,
            `GitHub compares names case-insensitively: \`${quotable(prior.target)}\` is the same ${scope}`,
          ),
        );
        continue;
      }
      seen.set(lower(raw.target), raw);
      if (raw.enforcement === undefined || raw.enforcement === 'inherit') continue;

      if (absent) {
        diagnostics.push(
          error(
            `${subject}: the hook is \`absent: true\`, so its overrides can only be removed`,
            raw.location,
            'write `inherit`, or remove the entry',
          ),
        );
        continue;
      }
      if (!hookAllows) {
        diagnostics.push(
          error(
            `${subject}: the hook does not allow downstream configuration, so GHES refuses an override`,
            raw.location,
            'set `allow_downstream_configuration: true` on the hook, or write `inherit`',
          ),
        );
        continue;
      }
      if (scope === 'organization' && raw.allow_downstream_configuration === false) {
        forbidding.set(lower(raw.target), raw);
      }
      if (scope === 'repository') {
        const owner = forbidding.get(lower(raw.target.split('/')[0] ?? ''));
        if (owner) {
          diagnostics.push(
            error(
              `${subject}: organization \`${quotable(owner.target)}\` does not allow downstream configuration ` +
                `(${where(owner.location)}), so GHES refuses an override in its repositories`,
              raw.location,
              `set \`allow_downstream_configuration: true\` for \`${quotable(owner.target)}\`, or write \`inherit\``,
            ),
          );
        }
      }
    }
  }
  return diagnostics;
}

/** An organization or repository the desired state names, and where it is first named. */
export interface NamedTarget {
  name: string;
  /** Where the config names it; absent when it comes from elsewhere (export's flags). */
  location?: SourceLocation;
}

export interface OverrideTargets {
  organizations: NamedTarget[];
  repositories: NamedTarget[];
}

/**
 * The organizations and repositories whose hook lists observe reads: those the config names, each once
 * (case-insensitively), in a stable order. Nothing else is ever read or changed.
 */
export function overrideTargets(desired: DesiredState): OverrideTargets {
  const collect = (scope: OverrideScope): NamedTarget[] => {
    const byName = new Map<string, NamedTarget>();
    for (const hook of desired.hooks) {
      for (const override of (scope === 'organization' ? hook.organizations : hook.repositories) ?? []) {
        if (!byName.has(lower(override.target))) {
          byName.set(lower(override.target), { name: override.target, location: override.location });
        }
      }
    }
    return [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, target]) => target);
  };
  return { organizations: collect('organization'), repositories: collect('repository') };
}
