// Observe the hooks' enforcement overrides, in the organizations and repositories the config names and nowhere
// else: one list walk each (every page, oldest first), and `configuration_url` to tell an override at that very
// level from an inherited value, since the API has no other flag. A target that answers 404 is a located error.
import type { NamedTarget, OverrideTargets } from '../config/overrides.js';
import type { OverrideScope } from '../config/types.js';
import { ConfigError, UserError, type Diagnostic } from '../errors.js';
import { GhesApiError, UnexpectedResponseError, type RequestSummary } from './errors.js';
import { expectObject } from './normalize.js';
import type { ConfigurationLevel, ObservedHookAtTarget, ObservedOverrides, ObservedTarget } from './types.js';

/** Lists one collection, every page; supplied by observe, which owns the shared concurrency bound. */
export type ListAll = (
  path: string,
  query: Record<string, string>,
) => Promise<{ item: unknown; request: RequestSummary }[]>;

const SCOPE_WORDS: Record<OverrideScope, string> = { organization: 'organization', repository: 'repository' };

/** `/orgs/{org}/pre-receive-hooks` or `/repos/{owner}/{repo}/pre-receive-hooks`, each segment escaped. */
export function targetPath(scope: OverrideScope, name: string): string {
  const segments = name.split('/').map(encodeURIComponent).join('/');
  return scope === 'organization' ? `/orgs/${segments}/pre-receive-hooks` : `/repos/${segments}/pre-receive-hooks`;
}

export async function observeOverrides(list: ListAll, targets: OverrideTargets): Promise<ObservedOverrides> {
  const missing: { scope: OverrideScope; target: NamedTarget }[] = [];
  const read = async (scope: OverrideScope, target: NamedTarget): Promise<ObservedTarget | undefined> => {
    try {
      // direction=asc: a hook created while we walk the pages lands on the last one instead of shifting them all.
      const listed = await list(targetPath(scope, target.name), { direction: 'asc' });
      return {
        scope,
        name: target.name,
        hooks: listed.map(({ item, request }) => normalizeAtTarget(item, request, scope, target.name)),
      };
    } catch (error) {
      if (error instanceof GhesApiError && error.status === 404) {
        missing.push({ scope, target });
        return undefined;
      }
      throw error;
    }
  };
  const [organizations, repositories] = await Promise.all([
    Promise.all(targets.organizations.map((target) => read('organization', target))),
    Promise.all(targets.repositories.map((target) => read('repository', target))),
  ]);
  if (missing.length > 0) throw notFoundError(missing);
  return {
    organizations: organizations.filter((t) => t !== undefined),
    repositories: repositories.filter((t) => t !== undefined),
  };
}

/**
 * Every target that answered 404, at once. Located at the config when the config named them (a ConfigError, so
 * the Action annotates the line); otherwise (export's flags) a plain UserError.
 */
function notFoundError(missing: { scope: OverrideScope; target: NamedTarget }[]): UserError {
  const diagnostics: Diagnostic[] = missing.map(({ scope, target }) => ({
    severity: 'error',
    message: `${SCOPE_WORDS[scope]} ${target.name} not found`,
    ...(target.location && { location: target.location }),
    hint: `check the name; GHES also answers 404 when the token cannot see the ${SCOPE_WORDS[scope]}`,
  }));
  if (missing.every(({ target }) => target.location !== undefined)) return new ConfigError(diagnostics);
  return new UserError(`${diagnostics.map((d) => d.message).join('; ')} (GHES answered 404; check the names)`);
}

/** Which level a `configuration_url` points at; undefined when it is none we know. */
export function configurationLevel(url: unknown): ConfigurationLevel | undefined {
  if (typeof url !== 'string') return undefined;
  let path: string;
  try {
    path = new URL(url, 'http://relative.invalid').pathname;
  } catch {
    return undefined;
  }
  const decode = (segment: string): string => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  };
  let m = /\/repos\/([^/]+)\/([^/]+)\/pre-receive-hooks\/\d+\/?$/.exec(path);
  if (m) return { level: 'repository', name: `${decode(m[1]!)}/${decode(m[2]!)}` };
  m = /\/orgs\/([^/]+)\/pre-receive-hooks\/\d+\/?$/.exec(path);
  if (m) return { level: 'organization', name: decode(m[1]!) };
  if (/\/admin\/pre-receive-hooks\/\d+\/?$/.test(path)) return { level: 'global' };
  return undefined;
}

export function normalizeAtTarget(
  data: unknown,
  request: RequestSummary,
  scope: OverrideScope,
  target: string,
): ObservedHookAtTarget {
  const raw = expectObject(data, request, 'a pre-receive hook');
  const id = raw.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
    throw new UnexpectedResponseError(request, 'a pre-receive hook without a numeric id');
  }
  if (typeof raw.name !== 'string') throw new UnexpectedResponseError(request, `pre-receive hook ${id} without a name`);
  const configuredAt = configurationLevel(raw.configuration_url);
  // Without it we cannot tell an override from an inherited value; guessing could remove or miss one.
  if (!configuredAt) {
    throw new UnexpectedResponseError(
      request,
      `pre-receive hook ${id} has no configuration_url we understand, so whether it is overridden here is unknown`,
    );
  }
  return {
    id,
    name: raw.name,
    enforcement: typeof raw.enforcement === 'string' ? raw.enforcement : 'disabled',
    ...(scope === 'organization' && { allow_downstream_configuration: raw.allow_downstream_configuration === true }),
    overridden: configuredAt.level === scope && configuredAt.name.toLowerCase() === target.toLowerCase(),
    configuredAt,
  };
}
