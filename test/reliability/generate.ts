// Random but valid scenarios for the property test: a live state, a desired state that the planner accepts, and
// what must hold afterwards (which objects are unmanaged, which secret each webhook must end up with).
// Everything comes from one seed, so a failing case is rerun exactly by its seed.
import { mulberry32, type FaultKind, type FaultOptions } from '../../src/sim/faults.js';
import type { SimStateInput } from '../../src/sim/server.js';

/**
 * Issue 12's heavy mix, on every request: 12% 5xx before the server acts, 12% after it committed (the answer is
 * lost), 4% rate limits, 3% connection resets. The simulator draws a kind uniformly from the list, so each kind
 * appears as often as its share.
 */
export function heavyFaults(seed: number): FaultOptions {
  const mix: [FaultKind, number][] = [
    ['5xx-before', 12],
    ['5xx-after', 12],
    ['rate-limit', 4],
    ['reset', 3],
  ];
  const kinds = mix.flatMap(([kind, percent]) => Array.from({ length: percent }, () => kind));
  return { seed, rate: kinds.length / 100, kinds, latencyMs: 1 };
}

export interface Scenario {
  seed: number;
  initial: SimStateInput;
  /** The desired state as plain data, ready for YAML. */
  config: Record<string, unknown>;
  env: Record<string, string>;
  syncSecrets: boolean;
  concurrency: number;
  /** Live objects neither declared nor pruned: they must come out exactly as they went in. */
  unmanaged: { environments: string[]; hooks: string[]; webhooks: string[] };
  /** Per declared, present webhook URL: the secret GHES must hold afterwards (null: none). */
  secrets: Map<string, string | null>;
  /** Every secret value in play, for the leak greps. */
  secretValues: string[];
}

const ENVIRONMENTS = ['Env Alpha', 'Env Bravo', 'Env Charlie', 'Env Delta'];
const HOOKS = ['Hook One', 'Hook Two', 'Hook Three', 'Hook Four', 'Hook Five', 'Hook Six'];
const WEBHOOKS = Array.from({ length: 8 }, (_, i) => `https://receiver-${i + 1}.example.com/ghes`);
const EVENTS = ['user', 'organization', 'repository', 'team', 'member'];
const REPOSITORIES = ['platform/hooks', 'security/hooks'];
const ENFORCEMENTS = ['enabled', 'disabled', 'testing'] as const;

/** The script a hook may use: one pair per hook name, so two hooks never claim one (repository, script). */
function scriptOf(hook: string, variant: number): { repository: string; script: string } {
  const slug = hook.toLowerCase().replace(/\s+/g, '-');
  return { repository: REPOSITORIES[variant % 2]!, script: `scripts/${slug}-v${variant}.sh` };
}

export function generateScenario(seed: number): Scenario {
  const random = mulberry32(seed);
  const chance = (p: number) => random() < p;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const subset = <T>(items: readonly T[]): T[] => {
    const chosen = items.filter(() => chance(0.5));
    return chosen.length > 0 ? chosen : [pick(items)];
  };

  const prune = { environments: chance(0.4), hooks: chance(0.5), webhooks: chance(0.4) };
  const files: Record<string, Record<string, { executable: boolean }>> = {};
  for (const repository of REPOSITORIES) files[repository] = {};
  for (const hook of HOOKS) {
    for (const variant of [1, 2]) {
      const { repository, script } = scriptOf(hook, variant);
      files[repository]![script] = { executable: true };
    }
  }

  // ---- live ----
  interface LiveEnv {
    id: number;
    name: string;
    base: string;
    image: number;
  }
  const liveEnvs: LiveEnv[] = [];
  ENVIRONMENTS.forEach((base, i) => {
    if (!chance(0.55)) return;
    // Sometimes under its previous name: the config renames it.
    liveEnvs.push({ id: i + 2, base, name: chance(0.25) ? `${base} Old` : base, image: pick([1, 2]) });
  });
  interface LiveHook {
    id: number;
    name: string;
    base: string;
    variant: number;
    environmentId: number;
    enforcement: string;
    downstream: boolean;
  }
  const liveHooks: LiveHook[] = [];
  HOOKS.forEach((base, i) => {
    if (!chance(0.5)) return;
    const envIds = [1, ...liveEnvs.map((e) => e.id)];
    liveHooks.push({
      id: i + 1,
      base,
      name: chance(0.2) ? `${base} Old` : base,
      variant: pick([1, 2]),
      environmentId: pick(envIds),
      enforcement: pick(ENFORCEMENTS),
      downstream: chance(0.5),
    });
  });
  interface LiveWebhook {
    id: number;
    url: string;
    secret: string | null;
    content_type: 'json' | 'form';
    events: string[];
    active: boolean;
    insecure_ssl: '0' | '1';
  }
  const liveWebhooks: LiveWebhook[] = [];
  WEBHOOKS.forEach((url, i) => {
    if (!chance(0.5)) return;
    liveWebhooks.push({
      id: i + 1,
      url,
      secret: chance(0.6) ? `live-secret-${seed}-${i}` : null,
      content_type: pick(['json', 'form'] as const),
      events: subset(EVENTS),
      active: chance(0.8),
      insecure_ssl: chance(0.2) ? '1' : '0',
    });
  });

  // ---- desired ----
  const env: Record<string, string> = {};
  const secrets = new Map<string, string | null>();
  const unmanaged = { environments: [] as string[], hooks: [] as string[], webhooks: [] as string[] };

  const desiredEnvs: { name: string; absent: boolean; image: number }[] = [];
  for (const base of ENVIRONMENTS) {
    if (!chance(0.6)) continue;
    desiredEnvs.push({ name: base, absent: chance(0.12), image: pick([1, 2]) });
  }
  const declaredEnv = (live: LiveEnv) => desiredEnvs.find((d) => d.name === live.base);
  /** A live environment this plan deletes: declared absent, or undeclared and pruned. */
  const deleted = (live: LiveEnv) => {
    const declared = declaredEnv(live);
    return declared ? declared.absent : prune.environments;
  };
  for (const live of liveEnvs) if (!declaredEnv(live) && !prune.environments) unmanaged.environments.push(live.name);
  const usableEnvs = ['Default', ...desiredEnvs.filter((d) => !d.absent).map((d) => d.name)];

  const desiredHooks: Record<string, unknown>[] = [];
  const declaredHooks = new Set<string>();
  for (const base of HOOKS) {
    if (!chance(0.6)) continue;
    declaredHooks.add(base);
    if (chance(0.12)) {
      desiredHooks.push({ name: base, previous_names: [`${base} Old`], absent: true });
      continue;
    }
    const variant = pick([1, 2]);
    const { repository, script } = scriptOf(base, variant);
    desiredHooks.push({
      name: base,
      previous_names: [`${base} Old`],
      script,
      script_repository: repository,
      environment: pick(usableEnvs),
      enforcement: pick(ENFORCEMENTS),
      allow_downstream_configuration: chance(0.5),
    });
  }
  for (const live of liveHooks) {
    if (declaredHooks.has(live.base) || prune.hooks) continue;
    unmanaged.hooks.push(live.name);
    // An unmanaged hook keeps its environment alive: GHES refuses to delete an environment with hooks (the
    // planner refuses the plan). Such a live state is legal but not this test's subject: move it to Default.
    const on = liveEnvs.find((e) => e.id === live.environmentId);
    if (on && deleted(on)) live.environmentId = 1;
  }

  const syncSecrets = chance(0.3);
  const desiredWebhooks: Record<string, unknown>[] = [];
  WEBHOOKS.forEach((url, i) => {
    const live = liveWebhooks.find((w) => w.url === url);
    if (!chance(0.6)) {
      if (live && !prune.webhooks) unmanaged.webhooks.push(url);
      return;
    }
    if (chance(0.1)) {
      desiredWebhooks.push({ url, absent: true });
      return;
    }
    const fields = {
      url,
      content_type: pick(['json', 'form'] as const),
      events: subset(EVENTS),
      active: chance(0.8),
      insecure_ssl: chance(0.15),
    };
    // No `secret` key leaves the live secret alone; the planner refuses an update that would erase one, so the
    // key is left out only where there is no live secret to erase.
    const mode = live?.secret ? pick(['var', 'var', 'empty'] as const) : pick(['var', 'empty', 'omit'] as const);
    const variable = `WEBHOOK_SECRET_${i + 1}`;
    if (mode === 'var') env[variable] = `desired-secret-${seed}-${i}`;
    desiredWebhooks.push({
      ...fields,
      ...(mode === 'var' && { secret: `\${${variable}}` }),
      ...(mode === 'empty' && { secret: '' }),
    });
    secrets.set(url, expectedSecret(mode, env[variable], live, fields));
  });
  function expectedSecret(
    mode: 'var' | 'empty' | 'omit',
    value: string | undefined,
    live: LiveWebhook | undefined,
    fields: { content_type: string; events: string[]; active: boolean; insecure_ssl: boolean },
  ): string | null {
    if (mode === 'empty') return null;
    if (mode === 'omit') return live?.secret ?? null;
    if (!live?.secret) return value!;
    // Both sides have a secret and drift in it cannot be seen: it is sent when asked to (--sync-secrets) or
    // when the webhook is updated anyway (every update carries the whole webhook, secret included).
    const same =
      live.content_type === fields.content_type &&
      [...live.events].sort().join() === [...fields.events].sort().join() &&
      live.active === fields.active &&
      (live.insecure_ssl === '1') === fields.insecure_ssl;
    return syncSecrets || !same ? value! : live.secret;
  }

  return {
    seed,
    initial: {
      repositories: REPOSITORIES.map((full_name) => ({ full_name, files: files[full_name]! })),
      environments: liveEnvs.map((e) => ({
        id: e.id,
        name: e.name,
        image_url: `https://images.example.com/${e.base.toLowerCase().replace(/\s+/g, '-')}-v${e.image}.tar.gz`,
      })),
      hooks: liveHooks.map((h) => ({
        id: h.id,
        name: h.name,
        script: scriptOf(h.base, h.variant).script,
        script_repository: scriptOf(h.base, h.variant).repository,
        environment_id: h.environmentId,
        enforcement: h.enforcement,
        allow_downstream_configuration: h.downstream,
      })),
      webhooks: liveWebhooks.map((w) => ({ ...w })),
    },
    config: {
      version: 1,
      prune,
      environments: desiredEnvs.map((d) =>
        d.absent
          ? { name: d.name, previous_names: [`${d.name} Old`], absent: true }
          : {
              name: d.name,
              previous_names: [`${d.name} Old`],
              image_url: `https://images.example.com/${d.name.toLowerCase().replace(/\s+/g, '-')}-v${d.image}.tar.gz`,
            },
      ),
      hooks: desiredHooks,
      webhooks: desiredWebhooks,
    },
    env,
    syncSecrets,
    concurrency: pick([1, 2, 4]),
    unmanaged,
    secrets,
    secretValues: [...Object.values(env), ...liveWebhooks.map((w) => w.secret).filter((s): s is string => s !== null)],
  };
}
