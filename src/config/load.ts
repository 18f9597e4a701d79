// The config stage's entry point: a file or a directory of YAML files in, one validated DesiredState out,
// or a ConfigError carrying every problem found, each located at the YAML node that caused it.
import { ConfigError, type Diagnostic, type Finding } from '../errors.js';
import type { WarningCode } from '../finding-codes.js';
import type { Secret } from '../secret.js';
import { DEFAULT_ENVIRONMENT_NAME, type DesiredState } from './types.js';
import { buildDesiredState } from './build.js';
import { checkPruneSetOnce, collectEntries, crossCheck, type RawEntry } from './checks.js';
import { readConfigFiles, type ConfigText } from './files.js';
import type { ParseResult } from './parse.js';
import { escapeLiteral, findMisplacedReferences, resolveSecret, type EnvironmentVariables } from './interpolate.js';
import { didYouMeanName } from './suggest.js';
import { checkVersion, validateAgainstSchema } from './schema.js';
import { error, readCommonShape, type SourceFile } from './source.js';
import { insecureSslWarnings, plainTextSecretWarning } from './warnings.js';

export { secretValues } from './interpolate.js';
export { MAX_FILE_BYTES, type ConfigText } from './files.js';

export const DEFAULT_CONFIG_PATH = 'ghes-gitops.yml';
/** Past this many, more diagnostics only bury the first ones. */
export const MAX_DIAGNOSTICS = 100;

export interface LoadOptions {
  /** Where `${NAME}` in a webhook secret is read from. Default: process.env. */
  env?: Record<string, string | undefined>;
}

/** Diagnostics without a file first, then file by file in merge (name) order, then by position; each once. */
function inReadingOrder<D extends Diagnostic>(diagnostics: readonly D[]): D[] {
  const file = (d: D): string => d.location?.file ?? '';
  const seen = new Set<string>();
  return [...diagnostics]
    .sort(
      (a, b) =>
        (file(a) < file(b) ? -1 : file(a) > file(b) ? 1 : 0) ||
        (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
        (a.location?.column ?? 0) - (b.location?.column ?? 0),
    )
    .filter((d) => {
      const key = JSON.stringify([d.location, d.message]);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** The first MAX_DIAGNOSTICS errors, and how many more there are. */
function atMost(errors: Diagnostic[]): Diagnostic[] {
  const sorted = inReadingOrder(errors);
  if (sorted.length <= MAX_DIAGNOSTICS) return sorted;
  return [
    ...sorted.slice(0, MAX_DIAGNOSTICS),
    error(`${sorted.length - MAX_DIAGNOSTICS} more error(s) not shown`, undefined, 'fix the ones above and run again'),
  ];
}

function resolveSecrets(
  entries: readonly RawEntry[],
  env: EnvironmentVariables,
  diagnostics: Diagnostic[],
  warnings: Finding<WarningCode>[],
): Map<RawEntry, Secret> {
  const secrets = new Map<RawEntry, Secret>();
  for (const entry of entries) {
    const raw = entry.value.secret;
    // An absent webhook is deleted: its secret is never sent, so its variables need not be set.
    if (entry.listKey !== 'webhooks' || typeof raw !== 'string' || entry.value.absent === true) continue;
    const resolved = resolveSecret(entry.source, entry.index, raw, env);
    diagnostics.push(...resolved.diagnostics);
    if (resolved.plainText) warnings.push(plainTextSecretWarning(entry));
    if (resolved.secret) secrets.set(entry, resolved.secret);
  }
  return secrets;
}

/**
 * Reads the desired state from `path`: a file, or a directory whose *.yml and *.yaml files are merged in name
 * order. Throws ConfigError, and nothing else, for anything wrong with the input.
 */
export async function loadDesiredState(path: string, options: LoadOptions = {}): Promise<DesiredState> {
  const { texts, diagnostics } = await readConfigFiles(path, DEFAULT_CONFIG_PATH);
  return loadDesiredStateFromTexts(texts, { ...options, diagnostics });
}

export interface TextLoadOptions extends LoadOptions {
  /** Problems found while gathering the texts (a file too large, one that cannot be read), reported with the rest. */
  diagnostics?: readonly Diagnostic[];
}

/**
 * The same validation on texts already in memory (the daemon reads them from a repository through the API), merged
 * in the order given. Each text's `path` is what diagnostics name. Throws ConfigError, and nothing else.
 */
export async function loadDesiredStateFromTexts(
  texts: readonly ConfigText[],
  options: TextLoadOptions = {},
): Promise<DesiredState> {
  const env = options.env ?? process.env;
  const diagnostics: Diagnostic[] = [...(options.diagnostics ?? [])];
  const files = texts.map((text) => text.path);

  const sources: SourceFile[] = [];
  for (const text of texts) {
    const parsed = await parseConfigText(text.path, text.text);
    diagnostics.push(...parsed.diagnostics);
    if (!parsed.source) continue;
    const unknownVersion = checkVersion(parsed.source);
    if (unknownVersion) diagnostics.push(unknownVersion);
    else sources.push(parsed.source);
  }

  // Before validation: the schema's defaults give every file a `prune`.
  const pruneFile = sources.find((source) => 'prune' in source.data);
  diagnostics.push(...checkPruneSetOnce(sources));
  for (const source of sources) {
    diagnostics.push(...findMisplacedReferences(source), ...validateAgainstSchema(source));
  }
  const entries = collectEntries(sources);
  diagnostics.push(...crossCheck(entries));
  // Warnings apart from errors, so that each carries its code (the type requires it) into the plan's review.
  const warnings: Finding<WarningCode>[] = [];
  const secrets = resolveSecrets(entries, env, diagnostics, warnings);
  warnings.push(...insecureSslWarnings(entries));

  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new ConfigError(atMost(errors));
  // Any one file may suspend: the switch an on-call admin merges must not depend on which file it lands in.
  const suspend = sources.some((source) => source.data.suspend === true);
  const state = buildDesiredState(files, pruneFile?.data.prune, entries, secrets, suspend);
  if (warnings.length > 0) state.warnings = inReadingOrder(warnings);
  return state;
}

/**
 * One file in any shape: the common one through the block reader (ten times as fast); `yaml` (parse.ts) is loaded
 * only for a file in another shape, so that a config in the common shape never compiles the library.
 */
export async function parseConfigText(path: string, text: string): Promise<ParseResult> {
  const source = readCommonShape(path, text);
  if (source) return { source, diagnostics: [] };
  const { parseYamlDocument } = await import('./parse.js');
  return parseYamlDocument(path, text);
}

/**
 * For `validate`, which cannot see the instance: each hook whose environment the config does not declare, which plan
 * and apply will look up among the live environments (a hint when the name is close to a declared one).
 */
export function undeclaredEnvironments(desired: DesiredState): Diagnostic[] {
  const declared = desired.environments.map((environment) => environment.name);
  const known = new Set([...declared, DEFAULT_ENVIRONMENT_NAME].map((name) => name.toLowerCase()));
  return desired.hooks
    .filter((hook) => !hook.absent && !known.has(hook.environment.toLowerCase()))
    .map((hook) => {
      const hint = didYouMeanName(hook.environment, declared);
      return {
        severity: 'warning' as const,
        // Names as the file spells them (`$${` for a literal `${`), as in the config's errors.
        message:
          `hook "${escapeLiteral(hook.name)}": environment "${escapeLiteral(hook.environment)}" is not declared in this config; ` +
          'plan and apply will look it up on the instance',
        ...(hook.location && { location: hook.location }),
        ...(hint !== undefined && { hint }),
      };
    });
}
