// Large, deterministic states for the benchmark and load tests: the same sizes always give the same objects,
// whatever the clock says, so timings compare across runs.
import type { SimStateStore } from './state.js';
import type { SimEnvironmentInput, SimHookInput, SimRepositoryInput, SimStateInput, SimWebhookInput } from './types.js';

export interface LargeStateSize {
  environments: number;
  hooks: number;
  webhooks: number;
  /** Script repositories the hooks are spread over. Default: one per 100 hooks, at least one. */
  repositories?: number;
}

const EPOCH = Date.parse('2023-01-01T00:00:00Z');
const at = (seconds: number): string => new Date(EPOCH + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * Environments `env-0001`... (ids 2..N+1, the default environment keeps id 1), hooks `hook-00001`... spread
 * round-robin over all environments including the default one, webhooks on https://hooks.example.com/.
 * Every hook's script exists and is executable in its repository.
 */
export function buildLargeState(size: LargeStateSize): SimStateInput {
  const repoCount = size.repositories ?? Math.max(1, Math.ceil(size.hooks / 100));
  const repositories: SimRepositoryInput[] = Array.from({ length: repoCount }, (_, i) => ({
    id: 1000 + i,
    full_name: `hooks-org/hooks-${pad(i + 1, 3)}`,
    default_branch: 'main',
    files: {},
  }));

  const environments: SimEnvironmentInput[] = Array.from({ length: size.environments }, (_, i) => ({
    id: i + 2,
    name: `env-${pad(i + 1, 4)}`,
    image_url: `https://images.example.com/env-${pad(i + 1, 4)}.tar.gz`,
    created_at: at(i),
    download: { state: 'success', downloaded_at: at(i), message: null },
  }));

  const enforcements = ['disabled', 'testing', 'enabled'];
  const hooks: SimHookInput[] = Array.from({ length: size.hooks }, (_, i) => {
    const repo = repositories[i % repoCount]!;
    const script = `hooks/hook-${pad(i + 1, 5)}.sh`;
    (repo.files as Record<string, { executable: boolean }>)[script] = { executable: true };
    return {
      id: i + 1,
      name: `hook-${pad(i + 1, 5)}`,
      script,
      script_repository: repo.full_name,
      environment_id: 1 + (i % (size.environments + 1)),
      enforcement: enforcements[i % enforcements.length],
      allow_downstream_configuration: i % 2 === 0,
      created_at: at(100_000 + i),
    };
  });

  const eventSets = [['user', 'organization'], ['repository'], ['team', 'member', 'membership'], ['fork', 'ping']];
  const webhooks: SimWebhookInput[] = Array.from({ length: size.webhooks }, (_, i) => ({
    id: i + 1,
    url: `https://hooks.example.com/receiver/${pad(i + 1, 4)}`,
    content_type: i % 2 === 0 ? 'json' : 'form',
    insecure_ssl: i % 7 === 0 ? '1' : '0',
    secret: i % 3 === 0 ? null : `secret-${pad(i + 1, 4)}`,
    events: eventSets[i % eventSets.length],
    active: i % 10 !== 9,
    created_at: at(200_000 + i),
  }));

  return { environments, hooks, webhooks, repositories, auto_register_repositories: false };
}

/** Replaces the store's state with buildLargeState(size). */
export function seedLarge(store: SimStateStore, size: LargeStateSize): void {
  store.load(buildLargeState(size));
}
