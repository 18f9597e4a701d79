// Renders the live state as a desired-state file, to start managing an instance: planned against the same
// instance it gives no changes, but for environments not known to hold their image (a download failed, never ran
// or runs now), which the file and exportWarnings name. Secrets cannot be read back: the file says where one is needed.
// An object no config can declare (a name with white space at an end, say) is left out, named in the file and in
// exportWarnings; no plan prunes it (src/plan/declarable.ts), so leaving it out loses nothing.
import { escapeLiteral } from '../config/interpolate.js';
import { DEFAULT_ENVIRONMENT_NAME, type Kind } from '../config/types.js';
import type { ObservedEnvironment, ObservedState } from '../github/types.js';
import { shown, undeclarableEnvironment, undeclarableHook, undeclarableWebhook } from '../plan/declarable.js';
import { compareStrings } from '../plan/order.js';
import { oneLine } from './format.js';
import { overridesExporter } from './export-overrides.js';
import { SCHEMA_URL, TOOL_NAME, VERSION } from '../version.js';
import { writeYaml, type YamlFile } from './yaml-text.js';

export interface ExportOptions {
  /** Written into the header when given; left out by default so that the same instance exports the same bytes. */
  generatedAt?: string;
}

const SECRET_COMMENT = [
  'The live webhook has a secret, which the API cannot read back. Add `secret: ${ENV_VAR}` here, naming an',
  'environment variable that holds it; otherwise updates to this webhook are refused (they would erase it).',
];

/** By name as GHES compares names (case-insensitively), then exactly: the same order whatever the API's. */
function sortedByName<T extends { name: string }>(items: readonly T[]): T[] {
  return items
    .map((item) => ({ item, key: item.name.toLowerCase() }))
    .sort((a, b) => compareStrings(a.key, b.key) || compareStrings(a.item.name, b.item.name))
    .map(({ item }) => item);
}

/** What to do about an object left out: only the instance can change what a config cannot say. */
const FIX_ON_INSTANCE = 'fix it on the instance (site admin: rename it, or correct the field), then export again';

/** A live object no config can declare, which the file leaves out: `name` is its identity, `why` says what is wrong. */
interface LeftOut {
  kind: Kind;
  name: string;
  id: number;
  why: string;
  object: unknown;
}

function leftOutOf<T extends { id: number }>(
  kind: Kind,
  items: readonly T[],
  identity: (item: T) => string,
  undeclarable: (item: T) => string | undefined,
): LeftOut[] {
  return items.flatMap((object) => {
    const why = undeclarable(object);
    return why === undefined ? [] : [{ kind, name: identity(object), id: object.id, why, object }];
  });
}

/** Everything the file leaves out, in the file's order: a pass over the objects, sorting only those (most exports: none). */
function leftOut(observed: ObservedState): LeftOut[] {
  const environments = observed.environments.filter((env) => !env.default_environment);
  const webhooks = leftOutOf('webhook', observed.webhooks, (webhook) => webhook.url.trim(), undeclarableWebhook);
  return [
    ...sortedByName(leftOutOf('environment', environments, (env) => env.name, undeclarableEnvironment)),
    ...sortedByName(leftOutOf('hook', observed.hooks, (hook) => hook.name, undeclarableHook)),
    ...webhooks.sort((a, b) => compareStrings(a.name, b.name) || a.id - b.id),
  ];
}

/** What the file leaves out, and the environments it declares (in its order): shared by the file and its warnings. */
interface Selection {
  left: LeftOut[];
  skipped: ReadonlySet<unknown>;
  environments: ObservedEnvironment[];
}

function select(observed: ObservedState): Selection {
  const left = leftOut(observed);
  const skipped = new Set(left.map((item) => item.object));
  const environments = sortedByName(
    observed.environments.filter((env) => !env.default_environment && !skipped.has(env)),
  );
  return { left, skipped, environments };
}

/** The file, and what to warn of: what the command writes and says, from one selection. */
export function exportOf(observed: ObservedState, options: ExportOptions = {}): { yaml: string; warnings: string[] } {
  const selection = select(observed);
  return { yaml: writeYaml(fileOf(observed, selection, options)), warnings: warningsOf(selection) };
}

/**
 * Why planning the exported file is not "No changes", or not all the instance: an environment not known to hold its
 * image is drift that the plan corrects with a download, exactly as for a hand-written config; an object no config
 * can declare is left out. Each note is also said in the file.
 */
export function exportWarnings(observed: ObservedState): string[] {
  return warningsOf(select(observed));
}

function warningsOf({ left, environments }: Selection): string[] {
  return [
    ...environments.flatMap((env) => downloadNote(env)?.warning ?? []),
    ...left.map(
      ({ kind, name, id, why }) =>
        `${kind} ${shown(name)} (id ${id}) is left out of the file: ${why}, which no config can declare; ` +
        `${FIX_ON_INSTANCE}. No plan prunes it meanwhile.`,
    ),
  ];
}

function downloadNote(env: ObservedEnvironment): { comment: string; warning: string } | undefined {
  const plans = `planning this file downloads environment "${env.name}"`;
  switch (env.download.state) {
    case 'failed': {
      const why = env.download.message ? `: ${oneLine(env.download.message)}` : '';
      return {
        comment: `The last download of this environment failed${why}. The next apply downloads it again.`,
        warning: `the last download of environment "${env.name}" failed${why}; ${plans} again`,
      };
    }
    case 'not_started':
      return {
        comment: 'This environment was never downloaded. The next apply downloads it.',
        warning: `environment "${env.name}" was never downloaded; ${plans}`,
      };
    case 'in_progress':
      return {
        comment:
          'A download of this environment was in progress (it may be of an earlier image_url). The next apply ' +
          'waits for it, then downloads it again.',
        warning: `a download of environment "${env.name}" was in progress; ${plans} again once it ends`,
      };
    default:
      return undefined;
  }
}

export function renderExport(observed: ObservedState, options: ExportOptions = {}): string {
  return writeYaml(exportedFile(observed, options));
}

/** What the exported file says, in the order it says it, before it is written as text. */
export function exportedFile(observed: ObservedState, options: ExportOptions = {}): YamlFile {
  return fileOf(observed, select(observed), options);
}

function fileOf(observed: ObservedState, { left, skipped, environments }: Selection, options: ExportOptions): YamlFile {
  const hooks = sortedByName(observed.hooks.filter((hook) => !skipped.has(hook)));
  const webhooks = observed.webhooks
    .filter((webhook) => !skipped.has(webhook))
    .sort((a, b) => compareStrings(a.url.trim(), b.url.trim()) || a.id - b.id);
  const hookOverrides = overridesExporter(observed.overrides);
  const urlCounts = new Map<string, number>();
  for (const webhook of webhooks) urlCounts.set(webhook.url.trim(), (urlCounts.get(webhook.url.trim()) ?? 0) + 1);
  const generated = options.generatedAt ? ` on ${options.generatedAt}` : '';

  // Every field is written, defaults included: the file is the place a reader learns what is live.
  return {
    header: [
      `yaml-language-server: $schema=${SCHEMA_URL}`,
      `Exported from the live instance by ${TOOL_NAME} ${VERSION}${generated}.`,
      'prune is off: objects missing from this file are left alone. Review it before turning prune on.',
      ...leftOutComment(left),
    ],
    settings: { version: 1, prune: false },
    lists: {
      environments: environments.map((env) => {
        const note = downloadNote(env);
        const fields = { name: escapeLiteral(env.name), image_url: escapeLiteral(env.image_url) };
        return { comments: note ? [note.comment] : [], fields };
      }),
      hooks: hooks.map((hook) => {
        const overrides = hookOverrides(hook);
        const fields = {
          name: escapeLiteral(hook.name),
          script: escapeLiteral(hook.script),
          script_repository: hook.script_repository,
          environment: hook.environment.default_environment
            ? DEFAULT_ENVIRONMENT_NAME
            : escapeLiteral(hook.environment.name),
          enforcement: hook.enforcement,
          allow_downstream_configuration: hook.allow_downstream_configuration,
          ...overrides.fields,
        };
        return { comments: overrides.comments, fields };
      }),
      webhooks: webhooks.map((webhook) => {
        const comments: string[] = [];
        const shared = urlCounts.get(webhook.url.trim()) ?? 1;
        if (shared > 1) {
          comments.push(
            `${shared} live webhooks (this is id ${webhook.id}) have this URL; the config can manage only one of them.`,
            'Delete the others on the instance, and their entries here, before planning.',
          );
        }
        if (webhook.has_secret) comments.push(...SECRET_COMMENT);
        const fields = {
          url: escapeLiteral(webhook.url.trim()),
          content_type: webhook.content_type,
          insecure_ssl: webhook.insecure_ssl,
          events: [...webhook.events].sort(compareStrings),
          active: webhook.active,
        };
        return { comments, fields };
      }),
    },
  };
}

/** The header's account of what is left out: each object, and why, then what to do. */
function leftOutComment(left: readonly LeftOut[]): string[] {
  if (left.length === 0) return [];
  return [
    `Left out: ${left.length} live object(s) that no config can declare as they are (no plan prunes them):`,
    ...left.map(({ kind, name, id, why }) => `- ${kind} ${shown(name)} (id ${id}): ${why}.`),
    `To manage them, ${FIX_ON_INSTANCE}.`,
  ];
}
