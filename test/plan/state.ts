// Builds DesiredState and ObservedState from short YAML-like objects with defaults filled in, for table-driven
// tests. Deliberately independent of the config loader and the API client, so the planner is tested on its own.
import type {
  ContentType,
  DesiredEnvironment,
  DesiredHook,
  DesiredState,
  DesiredWebhook,
  Enforcement,
  PruneSettings,
} from '../../src/config/types.js';
import type {
  DownloadStatus,
  ObservedEnvironment,
  ObservedHook,
  ObservedState,
  ObservedWebhook,
} from '../../src/github/types.js';
import { Secret } from '../../src/secret.js';

const CONFIG_FILE = 'ghes.yml';
/** Entry i of a kind is "declared" at ghes.yml, line LINE_BASE[kind] + i, column 5: fixtures name these locations. */
const LINE_BASE = { environments: 10, hooks: 10_000, webhooks: 20_000 } as const;
const DEFAULT_EVENTS = ['organization', 'user'];

type Input = Record<string, unknown>;

function list(value: unknown): Input[] {
  return Array.isArray(value) ? (value as Input[]) : [];
}

function str(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

function strings(value: unknown, fallback: string[]): string[] {
  return Array.isArray(value) ? value.map(String) : fallback;
}

function prune(value: unknown): PruneSettings {
  if (typeof value === 'boolean') return { environments: value, hooks: value, webhooks: value };
  const object = (value ?? {}) as Input;
  return {
    environments: bool(object.environments, false),
    hooks: bool(object.hooks, false),
    webhooks: bool(object.webhooks, false),
  };
}

/** `secret: "value"` becomes a Secret, `secret: ""` the empty Secret (no secret); no key (or null) leaves it undefined. */
export function desiredState(input: Input): DesiredState {
  const at = (kind: keyof typeof LINE_BASE, index: number) => ({
    file: CONFIG_FILE,
    line: LINE_BASE[kind] + index,
    column: 5,
  });
  const environments = list(input.environments).map((e, i): DesiredEnvironment => ({
    name: str(e.name, ''),
    image_url: str(e.image_url, ''),
    previous_names: strings(e.previous_names, []),
    absent: bool(e.absent, false),
    location: at('environments', i),
  }));
  const hooks = list(input.hooks).map((h, i): DesiredHook => ({
    name: str(h.name, ''),
    script: str(h.script, ''),
    script_repository: str(h.script_repository, ''),
    environment: str(h.environment, 'Default'),
    enforcement: str(h.enforcement, 'disabled') as Enforcement,
    allow_downstream_configuration: bool(h.allow_downstream_configuration, false),
    previous_names: strings(h.previous_names, []),
    absent: bool(h.absent, false),
    location: at('hooks', i),
  }));
  const webhooks = list(input.webhooks).map((w, i): DesiredWebhook => ({
    url: str(w.url, ''),
    content_type: str(w.content_type, 'json') as ContentType,
    secret: typeof w.secret === 'string' ? new Secret(w.secret) : undefined,
    insecure_ssl: bool(w.insecure_ssl, false),
    events: [...new Set(strings(w.events, DEFAULT_EVENTS))].sort(),
    active: bool(w.active, true),
    absent: bool(w.absent, false),
    location: at('webhooks', i),
  }));
  return {
    version: 1,
    suspend: false,
    prune: prune(input.prune),
    environments,
    hooks,
    webhooks,
    files: [CONFIG_FILE],
  };
}

const DEFAULT_ENVIRONMENT: ObservedEnvironment = {
  id: 1,
  name: 'Default',
  image_url: 'githubenterprise://internal',
  default_environment: true,
  hooks_count: 0,
  download: { state: 'success', message: null, downloaded_at: '2026-01-01T00:00:00Z' },
};

function downloadStatus(value: unknown): DownloadStatus {
  if (typeof value === 'string') return { state: value, message: null, downloaded_at: null };
  const object = (value ?? {}) as Input;
  return {
    state: str(object.state, 'success'),
    message: typeof object.message === 'string' ? object.message : null,
    downloaded_at: typeof object.downloaded_at === 'string' ? object.downloaded_at : '2026-01-01T00:00:00Z',
  };
}

/**
 * Hooks name their environment (`environment: "ruby"`); the built-in Default environment (id 1) is added unless
 * one is given. `hooks_count` is counted from the hooks unless given.
 */
export function observedState(input: Input): ObservedState {
  const environments = list(input.environments).map((e): ObservedEnvironment => ({
    id: Number(e.id),
    name: str(e.name, ''),
    image_url: str(e.image_url, ''),
    default_environment: bool(e.default_environment, false),
    hooks_count: typeof e.hooks_count === 'number' ? e.hooks_count : -1,
    download: downloadStatus(e.download),
  }));
  if (!environments.some((env) => env.default_environment)) environments.unshift({ ...DEFAULT_ENVIRONMENT });
  const byName = new Map(environments.map((env) => [env.name.toLowerCase(), env]));

  const hooks = list(input.hooks).map((h): ObservedHook => {
    const envName = str(h.environment, 'Default');
    const env = byName.get(envName.toLowerCase());
    if (!env) throw new Error(`test fixture: hook ${String(h.name)} names unknown environment ${envName}`);
    return {
      id: Number(h.id),
      name: str(h.name, ''),
      script: str(h.script, ''),
      script_repository: str(h.script_repository, ''),
      environment: { id: env.id, name: env.name, default_environment: env.default_environment },
      enforcement: str(h.enforcement, 'disabled'),
      allow_downstream_configuration: bool(h.allow_downstream_configuration, false),
    };
  });
  const counts = new Map<number, number>();
  for (const hook of hooks) counts.set(hook.environment.id, (counts.get(hook.environment.id) ?? 0) + 1);
  for (const env of environments) if (env.hooks_count < 0) env.hooks_count = counts.get(env.id) ?? 0;

  // Events stay in the order given, so the planner's own sorting is exercised.
  const webhooks = list(input.webhooks).map((w): ObservedWebhook => ({
    id: Number(w.id),
    url: str(w.url, ''),
    content_type: str(w.content_type, 'json'),
    insecure_ssl: bool(w.insecure_ssl, false),
    events: strings(w.events, DEFAULT_EVENTS),
    active: bool(w.active, true),
    has_secret: bool(w.has_secret, false),
  }));
  return { environments, hooks, webhooks };
}
