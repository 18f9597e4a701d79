// Renders the live state as a desired-state file, to start managing an instance: planned against the same
// instance it gives no changes, but for environments not known to hold their image (a download failed, never ran
// or runs now), which the file and exportWarnings name. Secrets cannot be read back: the file says where one is needed.
import { Document, isSeq } from 'yaml';
import type { YAMLMap, YAMLSeq } from 'yaml';
import { DEFAULT_ENVIRONMENT_NAME } from '../config/types.js';
import type { ObservedEnvironment, ObservedState } from '../github/types.js';
import { compareStrings } from '../plan/order.js';
import { oneLine } from './format.js';
import { exportedOverrides } from './export-overrides.js';
import { SCHEMA_URL, TOOL_NAME, VERSION } from '../version.js';

export interface ExportOptions {
  /** Written into the header when given; left out by default so that the same instance exports the same bytes. */
  generatedAt?: string;
}

const SECRET_COMMENT =
  ' The live webhook has a secret, which the API cannot read back. Add `secret: ${ENV_VAR}` here, naming an\n' +
  ' environment variable that holds it; otherwise updates to this webhook are refused (they would erase it).';

function byName(a: { name: string }, b: { name: string }): number {
  return compareStrings(a.name.toLowerCase(), b.name.toLowerCase()) || compareStrings(a.name, b.name);
}

/**
 * Why planning the exported file is not "No changes": an environment not known to hold its image is drift that
 * the plan corrects with a download, exactly as for a hand-written config. Each note is also said on stderr.
 */
export function exportWarnings(observed: ObservedState): string[] {
  return observed.environments
    .filter((env) => !env.default_environment)
    .sort(byName)
    .flatMap((env) => downloadNote(env)?.warning ?? []);
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
  const environments = observed.environments.filter((env) => !env.default_environment).sort(byName);
  const hooks = [...observed.hooks].sort(byName);
  const webhooks = [...observed.webhooks].sort((a, b) => compareStrings(a.url.trim(), b.url.trim()) || a.id - b.id);

  const overrides = hooks.map((hook) => exportedOverrides(hook, observed.overrides));
  // Every field is written, defaults included: the file is the place a reader learns what is live.
  const doc = new Document({
    version: 1,
    prune: false,
    environments: environments.map((env) => ({ name: env.name, image_url: env.image_url })),
    hooks: hooks.map((hook, i) => ({
      name: hook.name,
      script: hook.script,
      script_repository: hook.script_repository,
      environment: hook.environment.default_environment ? DEFAULT_ENVIRONMENT_NAME : hook.environment.name,
      enforcement: hook.enforcement,
      allow_downstream_configuration: hook.allow_downstream_configuration,
      ...overrides[i]!.fields,
    })),
    webhooks: webhooks.map((webhook) => ({
      url: webhook.url.trim(),
      content_type: webhook.content_type,
      insecure_ssl: webhook.insecure_ssl,
      events: [...webhook.events].sort(compareStrings),
      active: webhook.active,
    })),
  });

  const generated = options.generatedAt ? ` on ${options.generatedAt}` : '';
  doc.commentBefore =
    ` yaml-language-server: $schema=${SCHEMA_URL}\n` +
    ` Exported from the live instance by ${TOOL_NAME} ${VERSION}${generated}.\n` +
    ' prune is off: objects missing from this file are left alone. Review it before turning prune on.';

  const envItems = (doc.get('environments') as YAMLSeq<YAMLMap>).items;
  environments.forEach((env, i) => {
    const note = downloadNote(env);
    if (note !== undefined) envItems[i]!.commentBefore = ` ${note.comment}`;
  });

  const hookItems = (doc.get('hooks') as YAMLSeq<YAMLMap>).items;
  overrides.forEach((exported, i) => exported.decorate(hookItems[i]!));

  const urlCounts = new Map<string, number>();
  for (const webhook of webhooks) urlCounts.set(webhook.url.trim(), (urlCounts.get(webhook.url.trim()) ?? 0) + 1);
  const webhookItems = (doc.get('webhooks') as YAMLSeq<YAMLMap>).items;
  webhooks.forEach((webhook, i) => {
    const item = webhookItems[i]!;
    const events = item.get('events');
    if (isSeq(events)) events.flow = true;
    const comments: string[] = [];
    const shared = urlCounts.get(webhook.url.trim()) ?? 1;
    if (shared > 1) {
      comments.push(
        ` ${shared} live webhooks (this is id ${webhook.id}) have this URL; the config can manage only one of them.\n` +
          ' Delete the others on the instance, and their entries here, before planning.',
      );
    }
    if (webhook.has_secret) comments.push(SECRET_COMMENT);
    if (comments.length > 0) item.commentBefore = comments.join('\n');
  });

  return doc.toString({ lineWidth: 0 });
}
