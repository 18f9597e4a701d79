// The last step of loading: the entries of every file, validated and with the schema's defaults filled in,
// merged into one DesiredState in file order, then document order, each string as meant (`$${` read as `${`).
import type { Secret } from '../secret.js';
import {
  DEFAULT_ENVIRONMENT_NAME,
  type ContentType,
  type DesiredEnvironment,
  type DesiredHook,
  type DesiredState,
  type DesiredWebhook,
  type Enforcement,
  type PruneSettings,
} from './types.js';
import type { RawEntry } from './checks.js';
import { literalText } from './interpolate.js';
import { buildOverrides } from './overrides.js';
import { locate } from './source.js';

// The shapes the schema guarantees once validation passed, defaults included. Only an absent entry may lack
// fields, since it needs its identity alone.
interface ValidEnvironment {
  name: string;
  image_url?: string;
  previous_names: string[];
  absent: boolean;
}

interface ValidHook {
  name: string;
  script?: string;
  script_repository?: string;
  environment?: string;
  enforcement: Enforcement;
  allow_downstream_configuration: boolean;
  previous_names: string[];
  absent: boolean;
}

interface ValidWebhook {
  url: string;
  content_type: ContentType;
  insecure_ssl: boolean;
  events: string[];
  active: boolean;
  absent: boolean;
}

export function expandPrune(prune: unknown): PruneSettings {
  if (typeof prune === 'boolean') return { environments: prune, hooks: prune, webhooks: prune };
  const perKind = (prune ?? {}) as Partial<PruneSettings>;
  return {
    environments: perKind.environments ?? false,
    hooks: perKind.hooks ?? false,
    webhooks: perKind.webhooks ?? false,
  };
}

/** Each value once, in first-seen order; a list of one or none is returned as it is (most are). */
const unique = (values: string[]): string[] => (values.length < 2 ? values : [...new Set(values)]);
/** Names as meant, each once. */
const uniqueNames = (values: string[]): string[] => unique(values.map(literalText));

export function buildDesiredState(
  files: string[],
  prune: unknown,
  entries: readonly RawEntry[],
  secrets: ReadonlyMap<RawEntry, Secret>,
  suspend = false,
): DesiredState {
  const state: DesiredState = {
    version: 1,
    suspend,
    prune: expandPrune(prune),
    environments: [],
    hooks: [],
    webhooks: [],
    files,
  };
  // Hooks name their environment in any case; the plan wants the spelling the environment is declared with.
  const environmentNames = new Map<string, string>([
    [DEFAULT_ENVIRONMENT_NAME.toLowerCase(), DEFAULT_ENVIRONMENT_NAME],
  ]);
  for (const entry of entries) {
    if (entry.listKey !== 'environments') continue;
    const name = literalText((entry.value as unknown as ValidEnvironment).name);
    if (!environmentNames.has(name.toLowerCase())) environmentNames.set(name.toLowerCase(), name);
  }

  for (const entry of entries) {
    const location = locate(entry.source, [entry.listKey, entry.index]);
    if (entry.listKey === 'environments') {
      const raw = entry.value as unknown as ValidEnvironment;
      const environment: DesiredEnvironment = {
        name: literalText(raw.name),
        image_url: literalText(raw.image_url ?? ''),
        previous_names: uniqueNames(raw.previous_names),
        absent: raw.absent,
        location,
      };
      state.environments.push(environment);
    } else if (entry.listKey === 'hooks') {
      const raw = entry.value as unknown as ValidHook;
      const environment = literalText(raw.environment ?? '');
      const hook: DesiredHook = {
        name: literalText(raw.name),
        script: literalText(raw.script ?? ''),
        script_repository: raw.script_repository ?? '',
        environment: environmentNames.get(environment.toLowerCase()) ?? environment,
        enforcement: raw.enforcement,
        allow_downstream_configuration: raw.allow_downstream_configuration,
        organizations: buildOverrides(entry, 'organization'),
        repositories: buildOverrides(entry, 'repository'),
        previous_names: uniqueNames(raw.previous_names),
        absent: raw.absent,
        location,
      };
      state.hooks.push(hook);
    } else {
      const raw = entry.value as unknown as ValidWebhook;
      const webhook: DesiredWebhook = {
        url: literalText(raw.url),
        content_type: raw.content_type,
        secret: secrets.get(entry),
        insecure_ssl: raw.insecure_ssl,
        events: unique(raw.events.map((event) => event.toLowerCase())).sort(),
        active: raw.active,
        absent: raw.absent,
        location,
      };
      state.webhooks.push(webhook);
    }
  }
  return state;
}
