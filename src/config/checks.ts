// Cross-checks the schema cannot express, over the entries of every file merged: identities unique per kind
// (names case-insensitively, with previous_names), hooks pointing at usable environments, one hook per script.
// They read the data defensively, so an entry the schema already refused does not cause a second, derived error.
import type { Diagnostic, SourceLocation } from '../errors.js';
import { DEFAULT_ENVIRONMENT_NAME, webhookIdentity } from './types.js';
import { firstReference, literalText } from './interpolate.js';
import { checkOverrides } from './overrides.js';
import {
  entryLabel,
  error,
  isRecord,
  LIST_KINDS,
  locate,
  quotable,
  type ListKey,
  type Path,
  type SourceFile,
} from './source.js';
import { lower } from '../names.js';

/** One entry of one list of one file, as written (after the schema filled in defaults). */
export interface RawEntry {
  listKey: ListKey;
  index: number;
  source: SourceFile;
  value: Record<string, unknown>;
}

export function collectEntries(sources: readonly SourceFile[]): RawEntry[] {
  const entries: RawEntry[] = [];
  for (const source of sources) {
    for (const listKey of Object.keys(LIST_KINDS) as ListKey[]) {
      const list = source.data[listKey];
      if (!Array.isArray(list)) continue;
      list.forEach((value: unknown, index) => {
        if (isRecord(value)) entries.push({ listKey, index, source, value });
      });
    }
  }
  return entries;
}

function label(entry: RawEntry): string {
  return entryLabel(entry.listKey, entry.index, entry.value);
}

function at(entry: RawEntry, ...path: Path): SourceLocation {
  return locate(entry.source, [entry.listKey, entry.index, ...path]);
}

function where(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

function text(entry: RawEntry, key: string): string | undefined {
  const value = entry.value[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function previousNames(entry: RawEntry): { name: string; index: number }[] {
  const list = entry.value.previous_names;
  if (!Array.isArray(list)) return [];
  return list.flatMap((name: unknown, index) => (typeof name === 'string' && name !== '' ? [{ name, index }] : []));
}

const isAbsent = (entry: RawEntry): boolean => entry.value.absent === true;

/** Default is built into GHES: it can be used by hooks but neither declared, renamed nor deleted. */
function checkDefaultEnvironment(environments: readonly RawEntry[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const hint = 'remove it; hooks use `environment: Default` without declaring it';
  for (const entry of environments) {
    const name = text(entry, 'name');
    if (name !== undefined && lower(name) === lower(DEFAULT_ENVIRONMENT_NAME)) {
      diagnostics.push(
        error(
          `environment \`${quotable(name)}\`: the built-in Default environment cannot be managed`,
          at(entry, 'name'),
          hint,
        ),
      );
    }
    for (const previous of previousNames(entry)) {
      if (lower(previous.name) !== lower(DEFAULT_ENVIRONMENT_NAME)) continue;
      diagnostics.push(
        error(
          `${label(entry)}: previous name \`${quotable(previous.name)}\` is the built-in Default environment, which cannot be renamed`,
          at(entry, 'previous_names', previous.index),
          hint,
        ),
      );
    }
  }
  return diagnostics;
}

/** A name claimed by an entry; located only when a message needs it (most configs have no clash). */
interface Claim {
  entry: RawEntry;
  name: string;
  /** Where the name is written in the entry: `['name']`, or `['previous_names', i]`. */
  field: Path;
  previous: boolean;
}

function claimedAt(claim: Claim): SourceLocation {
  return at(claim.entry, ...claim.field);
}

/**
 * GHES compares names case-insensitively, and a previous name must lead to exactly one entry: a name or a
 * previous name claimed twice would make a rename ambiguous. Names are claimed first, so a previous name
 * that collides with a name is reported on the previous name, wherever it is written.
 */
function checkNames(noun: string, entries: readonly RawEntry[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const claims = new Map<string, Claim>();
  for (const entry of entries) {
    const name = text(entry, 'name');
    if (name === undefined) continue;
    const prior = claims.get(lower(name));
    if (!prior) {
      claims.set(lower(name), { entry, name, field: ['name'], previous: false });
      continue;
    }
    diagnostics.push(
      error(
        `duplicate ${noun} name \`${quotable(name)}\`; already declared at ${where(claimedAt(prior))}`,
        at(entry, 'name'),
        prior.name === name
          ? undefined
          : `GHES compares names case-insensitively: \`${quotable(prior.name)}\` is the same name`,
      ),
    );
  }
  for (const entry of entries) {
    const own = text(entry, 'name');
    for (const previous of previousNames(entry)) {
      // Naming itself, or repeating a previous name, makes no rename ambiguous.
      if (own !== undefined && lower(previous.name) === lower(own)) continue;
      const field = ['previous_names', previous.index];
      const prior = claims.get(lower(previous.name));
      if (!prior) {
        claims.set(lower(previous.name), { entry, name: previous.name, field, previous: true });
        continue;
      }
      if (prior.entry === entry) continue;
      const location = at(entry, ...field);
      const subject = `${label(entry)}: previous name \`${quotable(previous.name)}\``;
      diagnostics.push(
        prior.previous
          ? error(
              `${subject} is also a previous name of ${label(prior.entry)} (${where(claimedAt(prior))})`,
              location,
              'one live object cannot be renamed into two entries; keep the previous name on one of them',
            )
          : error(
              `${subject} is the name of ${label(prior.entry)} (${where(claimedAt(prior))})`,
              location,
              `a previous name must not be in use by another ${noun}; remove it from previous_names, or remove the other entry`,
            ),
      );
    }
  }
  return diagnostics;
}

/** The schema's pattern lets through what only a URL parser refuses, like `https://[bad`. */
function checkUrlsParse(entries: readonly RawEntry[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const entry of entries) {
    const field = entry.listKey === 'webhooks' ? 'url' : 'image_url';
    const url = text(entry, field);
    // Anything else is the schema's (not http) or interpolation's (`${`) to report.
    if (url === undefined || !/^https?:\/\/\S+$/i.test(url) || firstReference(url) !== undefined) continue;
    if (!URL.canParse(literalText(url)))
      diagnostics.push(error(`${label(entry)}: ${field} is not a valid URL`, at(entry, field)));
  }
  return diagnostics;
}

function checkWebhookUrls(webhooks: readonly RawEntry[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<string, RawEntry>();
  for (const entry of webhooks) {
    const url = text(entry, 'url');
    if (url === undefined) continue;
    const key = webhookIdentity(url);
    const prior = seen.get(key);
    if (!prior) {
      seen.set(key, entry);
      continue;
    }
    diagnostics.push(
      error(
        `duplicate webhook url \`${quotable(url)}\`; already declared at ${where(at(prior, 'url'))}`,
        at(entry, 'url'),
      ),
    );
  }
  return diagnostics;
}

function checkHookEnvironments(hooks: readonly RawEntry[], environments: readonly RawEntry[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const declared = new Map<string, RawEntry>();
  const renamed = new Map<string, RawEntry>();
  for (const environment of environments) {
    const name = text(environment, 'name');
    if (name !== undefined && !declared.has(lower(name))) declared.set(lower(name), environment);
    for (const previous of previousNames(environment)) renamed.set(lower(previous.name), environment);
  }

  for (const hook of hooks) {
    const name = text(hook, 'environment');
    if (isAbsent(hook) || name === undefined || lower(name) === lower(DEFAULT_ENVIRONMENT_NAME)) continue;
    const environment = declared.get(lower(name));
    if (!environment) {
      // Not declared: the planner looks it up among the live environments (validate says so). Only the previous
      // name of a declared environment is certainly wrong: after this config's rename, nothing has that name.
      const formerly = renamed.get(lower(name));
      if (formerly) {
        diagnostics.push(
          error(
            `${label(hook)}: environment \`${quotable(name)}\` is not declared in this config`,
            at(hook, 'environment'),
            `\`${quotable(name)}\` is a previous name of ${label(formerly)}; use its current name`,
          ),
        );
      }
    } else if (isAbsent(environment)) {
      diagnostics.push(
        error(
          `${label(hook)}: environment \`${quotable(name)}\` is declared \`absent: true\` (${where(at(environment))})`,
          at(hook, 'environment'),
          'GHES cannot delete an environment a hook uses; move the hook to another environment, or mark it absent too',
        ),
      );
    }
  }
  return diagnostics;
}

/** GHES refuses a second hook on the same script of the same repository. */
function checkHookScripts(hooks: readonly RawEntry[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<string, RawEntry>();
  for (const hook of hooks) {
    const script = text(hook, 'script');
    const repository = text(hook, 'script_repository');
    if (isAbsent(hook) || script === undefined || repository === undefined) continue;
    // Repository names are case-insensitive on GitHub; paths inside a repository are not.
    const key = `${lower(repository)}\u0000${script}`;
    const prior = seen.get(key);
    if (!prior) {
      seen.set(key, hook);
      continue;
    }
    diagnostics.push(
      error(
        `${label(hook)}: script \`${quotable(script)}\` of \`${quotable(repository)}\` is already used by ${label(prior)} (${where(at(prior, 'script'))})`,
        at(hook, 'script'),
        'GHES allows one hook per script; point one of them at another script',
      ),
    );
  }
  return diagnostics;
}

/** prune is one setting for the whole desired state, so exactly one file may set it. */
export function checkPruneSetOnce(sources: readonly SourceFile[]): Diagnostic[] {
  const setters = sources.filter((source) => 'prune' in source.data);
  const first = setters[0];
  if (!first) return [];
  const firstAt = locate(first, ['prune'], 'key');
  return setters
    .slice(1)
    .map((source) =>
      error(
        `prune is already set at ${where(firstAt)}`,
        locate(source, ['prune'], 'key'),
        'set prune in one file only',
      ),
    );
}

export function crossCheck(entries: readonly RawEntry[]): Diagnostic[] {
  const of = (listKey: ListKey): RawEntry[] => entries.filter((entry) => entry.listKey === listKey);
  const environments = of('environments');
  const hooks = of('hooks');
  return [
    ...checkDefaultEnvironment(environments),
    ...checkNames('environment', environments),
    ...checkNames('hook', hooks),
    ...checkUrlsParse([...environments, ...of('webhooks')]),
    ...checkWebhookUrls(of('webhooks')),
    ...checkHookEnvironments(hooks, environments),
    ...checkHookScripts(hooks),
    ...checkOverrides(hooks),
  ];
}
