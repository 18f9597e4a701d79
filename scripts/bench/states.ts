// The benchmark's inputs, all derived from the simulator's deterministic large state (src/sim/seed.ts): the live
// state as the simulator holds it, the same state as the observed shape the planner reads, and a desired state
// that matches it (as YAML files for the CLI, or in memory for the planner), optionally with a mix of changes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { DesiredHook, DesiredState, DesiredWebhook, Enforcement } from '../../src/config/types.js';
import { DEFAULT_ENVIRONMENT_NAME } from '../../src/config/types.js';
import type { ObservedState } from '../../src/github/types.js';
import { normalizeEvents } from '../../src/github/normalize.js';
import { Secret } from '../../src/secret.js';
import { buildLargeState, type LargeStateSize } from '../../src/sim/seed.js';
import type { SimStateInput } from '../../src/sim/types.js';

/** The environment variable the generated config reads every webhook secret from. */
export const SECRET_VARIABLE = 'BENCH_WEBHOOK_SECRET';

export const DEFAULT_ENVIRONMENT_ID = 1;

export function objectCount(size: LargeStateSize): number {
  return size.environments + size.hooks + size.webhooks;
}

/** The same repositories (so hook scripts exist) without any environment, hook or webhook: a fresh instance. */
export function emptyInstance(state: SimStateInput): SimStateInput {
  return { repositories: state.repositories ?? [], auto_register_repositories: false };
}

function environmentName(state: SimStateInput, id: number): string {
  if (id === DEFAULT_ENVIRONMENT_ID) return DEFAULT_ENVIRONMENT_NAME;
  const environment = state.environments?.find((e) => e.id === id);
  if (!environment) throw new Error(`bench: no environment ${id} in the generated state`);
  return environment.name;
}

/**
 * The desired-state files that say exactly what `state` holds: one file per kind, as a large installation would
 * split them. Webhooks that have a secret read it from ${BENCH_WEBHOOK_SECRET}.
 */
export function configFiles(state: SimStateInput): { name: string; text: string }[] {
  const names = new Map((state.environments ?? []).map((e) => [e.id, e.name]));
  const document = (body: Record<string, unknown>) => stringify({ version: 1, ...body }, { lineWidth: 0 });
  return [
    {
      name: 'environments.yml',
      text: document({
        prune: false,
        environments: (state.environments ?? []).map((e) => ({ name: e.name, image_url: e.image_url })),
      }),
    },
    {
      name: 'hooks.yml',
      text: document({
        hooks: (state.hooks ?? []).map((h) => ({
          name: h.name,
          script: h.script,
          script_repository: h.script_repository,
          environment:
            h.environment_id === DEFAULT_ENVIRONMENT_ID ? DEFAULT_ENVIRONMENT_NAME : names.get(h.environment_id),
          enforcement: h.enforcement ?? 'disabled',
          allow_downstream_configuration: h.allow_downstream_configuration ?? false,
        })),
      }),
    },
    {
      name: 'webhooks.yml',
      text: document({
        webhooks: (state.webhooks ?? []).map((w) => ({
          url: w.url,
          content_type: w.content_type ?? 'form',
          insecure_ssl: w.insecure_ssl === '1',
          events: w.events ?? ['organization', 'user'],
          active: w.active ?? true,
          ...(w.secret ? { secret: `\${${SECRET_VARIABLE}}` } : {}),
        })),
      }),
    },
  ];
}

export function writeConfigDirectory(directory: string, state: SimStateInput): void {
  mkdirSync(directory, { recursive: true });
  for (const file of configFiles(state)) writeFileSync(join(directory, file.name), file.text);
}

/** `state` as the admin API client would observe it: the planner's input without any HTTP. */
export function observedFrom(state: SimStateInput): ObservedState {
  const hooksPerEnvironment = new Map<number, number>();
  for (const hook of state.hooks ?? []) {
    hooksPerEnvironment.set(hook.environment_id, (hooksPerEnvironment.get(hook.environment_id) ?? 0) + 1);
  }
  const success = { state: 'success', message: null, downloaded_at: '2023-01-01T00:00:00Z' };
  return {
    environments: [
      {
        id: DEFAULT_ENVIRONMENT_ID,
        name: 'Default',
        image_url: 'githubenterprise://internal',
        default_environment: true,
        hooks_count: hooksPerEnvironment.get(DEFAULT_ENVIRONMENT_ID) ?? 0,
        download: success,
      },
      ...(state.environments ?? []).map((e) => ({
        id: e.id!,
        name: e.name,
        image_url: e.image_url,
        default_environment: false,
        hooks_count: hooksPerEnvironment.get(e.id!) ?? 0,
        download: success,
      })),
    ],
    hooks: (state.hooks ?? []).map((h) => ({
      id: h.id!,
      name: h.name,
      script: h.script,
      script_repository: h.script_repository,
      environment: {
        id: h.environment_id,
        name: environmentName(state, h.environment_id),
        default_environment: h.environment_id === DEFAULT_ENVIRONMENT_ID,
      },
      enforcement: h.enforcement ?? 'disabled',
      allow_downstream_configuration: h.allow_downstream_configuration ?? false,
    })),
    webhooks: (state.webhooks ?? []).map((w) => ({
      id: w.id!,
      url: w.url,
      content_type: w.content_type ?? 'form',
      insecure_ssl: w.insecure_ssl === '1',
      events: normalizeEvents(w.events ?? ['organization', 'user']),
      active: w.active ?? true,
      has_secret: typeof w.secret === 'string' && w.secret !== '',
    })),
  };
}

/** The desired state that matches `state` exactly, built in memory (what the loader would return). */
export function desiredFrom(state: SimStateInput): DesiredState {
  const at = (line: number) => ({ file: 'bench.yml', line, column: 5 });
  return {
    version: 1,
    suspend: false,
    prune: { environments: false, hooks: false, webhooks: false },
    environments: (state.environments ?? []).map((e, i) => ({
      name: e.name,
      image_url: e.image_url,
      previous_names: [],
      absent: false,
      location: at(10 + i),
    })),
    hooks: (state.hooks ?? []).map((h, i): DesiredHook => ({
      name: h.name,
      script: h.script,
      script_repository: h.script_repository,
      environment: environmentName(state, h.environment_id),
      enforcement: (h.enforcement ?? 'disabled') as Enforcement,
      allow_downstream_configuration: h.allow_downstream_configuration ?? false,
      previous_names: [],
      absent: false,
      location: at(100_000 + i),
    })),
    webhooks: (state.webhooks ?? []).map((w, i): DesiredWebhook => ({
      url: w.url,
      content_type: w.content_type ?? 'form',
      secret: w.secret ? new Secret(w.secret) : undefined,
      insecure_ssl: w.insecure_ssl === '1',
      events: normalizeEvents(w.events ?? ['organization', 'user']),
      active: w.active ?? true,
      absent: false,
      location: at(1_000_000 + i),
    })),
    files: ['bench.yml'],
  };
}

/** 10% environments, 80% hooks, 10% webhooks: the proportions of a large installation. */
export function sizeFor(total: number): LargeStateSize {
  const environments = Math.max(1, Math.round(total / 10));
  const webhooks = Math.max(1, Math.round(total / 10));
  return { environments, hooks: total - environments - webhooks, webhooks };
}

/**
 * A live state of `total` objects and a desired state that differs from it in every way the planner handles:
 * about 5% each of creates, updates, renames, moves between environments, deletes (absent and pruned), and
 * environment deletes whose hooks move first. Deterministic.
 */
export function mixedPlanInputs(total: number): { desired: DesiredState; observed: ObservedState } {
  const live = buildLargeState(sizeFor(total));
  const observed = observedFrom(live);
  const desired = desiredFrom(live);
  desired.prune = { environments: false, hooks: true, webhooks: true };

  // Environments: every 20th gets a new image (update + download), every 25th is renamed, every 50th goes away
  // (absent: true) after its hooks move to Default; 5% more are new (create + download).
  const leaving = new Set<string>();
  desired.environments.forEach((env, i) => {
    if (i % 50 === 49) {
      env.absent = true;
      leaving.add(env.name);
    } else if (i % 25 === 24) {
      env.previous_names = [env.name];
      env.name = `${env.name}-renamed`;
    } else if (i % 20 === 19) {
      env.image_url = `${env.image_url}?v=2`;
    }
  });
  const renamed = new Map(desired.environments.flatMap((e) => e.previous_names.map((p) => [p, e.name] as const)));
  const newEnvironments = Math.max(1, Math.round(desired.environments.length / 20));
  for (let i = 0; i < newEnvironments; i++) {
    desired.environments.push({
      name: `new-env-${i}`,
      image_url: `https://images.example.com/new-env-${i}.tar.gz`,
      previous_names: [],
      absent: false,
      location: { file: 'bench.yml', line: 50_000 + i, column: 5 },
    });
  }

  // Hooks: follow their environment's rename or leave a deleted one for Default; then 5% change enforcement,
  // 5% move to a new environment, 5% are absent, 5% are dropped (pruned), and 5% more are new.
  const kept: DesiredHook[] = [];
  desired.hooks.forEach((hook, i) => {
    hook.environment = renamed.get(hook.environment) ?? hook.environment;
    if (leaving.has(hook.environment)) hook.environment = DEFAULT_ENVIRONMENT_NAME;
    const pick = i % 20;
    if (pick === 3) hook.enforcement = hook.enforcement === 'enabled' ? 'testing' : 'enabled';
    if (pick === 7) hook.environment = `new-env-${i % newEnvironments}`;
    if (pick === 11) hook.absent = true;
    if (pick !== 13) kept.push(hook);
  });
  const newHooks = Math.round(desired.hooks.length / 20);
  for (let i = 0; i < newHooks; i++) {
    kept.push({
      name: `new-hook-${i}`,
      script: `hooks/new-hook-${i}.sh`,
      script_repository: 'hooks-org/new-hooks',
      environment: i % 2 === 0 ? DEFAULT_ENVIRONMENT_NAME : `new-env-${i % newEnvironments}`,
      enforcement: 'testing',
      allow_downstream_configuration: false,
      previous_names: [],
      absent: false,
      location: { file: 'bench.yml', line: 500_000 + i, column: 5 },
    });
  }
  desired.hooks = kept;

  // Webhooks: 5% change events, 5% are dropped (pruned), 5% more are new.
  const webhooks: DesiredWebhook[] = [];
  desired.webhooks.forEach((webhook, i) => {
    if (i % 20 === 5) webhook.events = normalizeEvents([...webhook.events, 'ping']);
    if (i % 20 !== 9) webhooks.push(webhook);
  });
  const newWebhooks = Math.max(1, Math.round(desired.webhooks.length / 20));
  for (let i = 0; i < newWebhooks; i++) {
    webhooks.push({
      url: `https://new-hooks.example.com/${i}`,
      content_type: 'json',
      secret: undefined,
      insecure_ssl: false,
      events: ['repository'],
      active: true,
      absent: false,
      location: { file: 'bench.yml', line: 900_000 + i, column: 5 },
    });
  }
  desired.webhooks = webhooks;
  return { desired, observed };
}
