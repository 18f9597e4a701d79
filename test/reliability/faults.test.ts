// Apply under 15% injected faults of one kind at a time, on a plan that creates, updates and deletes every kind
// of object: one run where the fault can always be absorbed (latency, rate limits), two at most otherwise; never
// a duplicate, never a change to an unmanaged object, always the right secret, a clear error for what failed.
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../src/config/load.js';
import type { FaultKind, FaultOptions, SimStateInput } from '../../src/sim/server.js';
import {
  applyUntilConverged,
  CapturedLog,
  expectNoDuplicates,
  expectNoSecrets,
  isClean,
  remainingOperations,
  simulator,
  snapshotOf,
  TOKEN,
  writeConfig,
} from './helpers.js';

const SECRETS = {
  AUDIT_SECRET: 'audit-secret-5f1c9e',
  CHAT_SECRET: 'chat-secret-8d2b7a',
  NEW_SECRET: 'new-secret-3e4f',
};
const LIVE_SECRETS = ['live-audit-secret-old', 'unmanaged-secret-keep-me'];

const initial: SimStateInput = {
  repositories: [
    {
      full_name: 'platform/hooks',
      files: ['checks/commits.sh', 'checks/size.sh', 'checks/size-v2.sh', 'checks/secrets.sh', 'checks/legacy.sh'],
    },
    { full_name: 'security/hooks', files: ['scan.sh', 'lint.sh', 'manual.sh'] },
  ],
  environments: [
    { id: 2, name: 'Tools', image_url: 'https://images.example.com/tools-v1.tar.gz' },
    { id: 3, name: 'Hand Made', image_url: 'https://images.example.com/hand-made.tar.gz' },
  ],
  hooks: [
    { id: 1, name: 'Size', script: 'checks/size.sh', script_repository: 'platform/hooks', environment_id: 2 },
    { id: 2, name: 'Legacy', script: 'checks/legacy.sh', script_repository: 'platform/hooks', environment_id: 1 },
    {
      id: 3,
      name: 'Manual',
      script: 'manual.sh',
      script_repository: 'security/hooks',
      environment_id: 3,
      enforcement: 'testing',
    },
  ],
  webhooks: [
    { id: 1, url: 'https://audit.example.com/in', secret: LIVE_SECRETS[0], events: ['user'] },
    { id: 2, url: 'https://unmanaged.example.com/in', secret: LIVE_SECRETS[1], content_type: 'json' },
    { id: 3, url: 'https://retired.example.com/in' },
  ],
};

const config = {
  version: 1,
  environments: [
    { name: 'Tools', image_url: 'https://images.example.com/tools-v2.tar.gz' },
    { name: 'Scanners', image_url: 'https://images.example.com/scanners.tar.gz' },
    { name: 'Linters', image_url: 'https://images.example.com/linters.tar.gz' },
  ],
  hooks: [
    { name: 'Commits', script: 'checks/commits.sh', script_repository: 'platform/hooks', environment: 'Default' },
    {
      name: 'Size',
      script: 'checks/size-v2.sh',
      script_repository: 'platform/hooks',
      environment: 'Tools',
      enforcement: 'enabled',
    },
    { name: 'Secrets', script: 'checks/secrets.sh', script_repository: 'platform/hooks', environment: 'Tools' },
    { name: 'Scan', script: 'scan.sh', script_repository: 'security/hooks', environment: 'Scanners' },
    { name: 'Lint', script: 'lint.sh', script_repository: 'security/hooks', environment: 'Linters' },
    { name: 'Legacy', absent: true },
  ],
  webhooks: [
    {
      url: 'https://audit.example.com/in',
      secret: '${AUDIT_SECRET}',
      events: ['user', 'organization'],
      content_type: 'json',
    },
    { url: 'https://chat.example.com/in', secret: '${CHAT_SECRET}', events: ['organization'] },
    { url: 'https://ci.example.com/in', secret: '${NEW_SECRET}', active: false },
    { url: 'https://metrics.example.com/in', secret: '' },
    { url: 'https://search.example.com/in', events: ['repository', 'team'] },
    { url: 'https://retired.example.com/in', absent: true },
  ],
};

/** What the secrets must be afterwards: sent where configured, none where "", the unmanaged one untouched. */
const expectedSecrets: Record<string, string | null> = {
  'https://audit.example.com/in': SECRETS.AUDIT_SECRET,
  'https://chat.example.com/in': SECRETS.CHAT_SECRET,
  'https://ci.example.com/in': SECRETS.NEW_SECRET,
  'https://metrics.example.com/in': null,
  'https://search.example.com/in': null,
  'https://unmanaged.example.com/in': LIVE_SECRETS[1]!,
};

const UNMANAGED = { environments: ['Hand Made'], hooks: ['Manual'], webhooks: ['https://unmanaged.example.com/in'] };

interface Case {
  kind: FaultKind;
  seed: number;
  /** Every fault of this kind can be absorbed inside the run: it must converge in one. */
  oneRun: boolean;
}

const KINDS: { kind: FaultKind; oneRun: boolean }[] = [
  { kind: 'latency', oneRun: true },
  { kind: 'rate-limit', oneRun: true },
  { kind: '5xx-before', oneRun: false },
  { kind: '5xx-after', oneRun: false },
  { kind: 'reset', oneRun: false },
  { kind: 'reset-after', oneRun: false },
  { kind: 'hang', oneRun: false },
];
const CASES: Case[] = KINDS.flatMap(({ kind, oneRun }) => [13, 29].map((seed) => ({ kind, seed, oneRun })));

/** Seed 13 spreads the faults over every request (preflight's two reads per repository included); seed 29 aims them at the writes, where answers get lost. */
function faultsFor(kind: FaultKind, seed: number): FaultOptions {
  // `latency` is never drawn at random: it is a delay on every request (and, scripted, a slow one here and there).
  if (kind === 'latency') return { seed, latencyMs: 15 };
  return {
    seed,
    rate: 0.15,
    kinds: [kind],
    ...(seed === 29 && { methods: ['POST', 'PATCH', 'DELETE'] }),
    ...(kind === 'rate-limit' && { retryAfterSeconds: 2 }),
  };
}

describe('apply under 15% faults of each kind', () => {
  it.each(CASES)('$kind (seed $seed)', async ({ kind, seed, oneRun }) => {
    const sim = await simulator({ initialState: initial, faults: faultsFor(kind, seed) });
    if (kind === 'latency') {
      // A few requests much slower than the rest, but inside the timeout.
      sim.injectFault({ method: 'POST', pathPattern: /^\/admin\// }, 'latency', 3, { latencyMs: 120 });
    }
    const configPath = await writeConfig(config);
    const before = snapshotOf(sim, UNMANAGED);
    const log = new CapturedLog();

    const { runs } = await applyUntilConverged(sim, configPath, {
      env: SECRETS,
      concurrency: 4,
      requestTimeoutMs: kind === 'hang' ? 150 : 1000,
      log,
    });
    sim.configureFaults(undefined);
    const context = runs.map((r) => r.summary).join('\n---\n');

    // The faults really happened.
    if (kind === 'latency') expect(sim.requests.entries.filter((r) => r.fault === 'latency').length).toBe(3);
    else expect(sim.requests.entries.filter((r) => r.fault === kind).length, context).toBeGreaterThan(1);

    expect(runs.length, context).toBeGreaterThanOrEqual(1);
    expect(runs.length, context).toBeLessThanOrEqual(2);
    if (oneRun) {
      expect(runs, context).toHaveLength(1);
      expect(isClean(runs[0]!.result!), context).toBe(true);
    }
    // What failed says why, naming the request or the operation it waited for.
    for (const run of runs) {
      for (const failure of run.result?.results.filter((r) => r.status === 'failed') ?? []) {
        expect(failure.error, context).toMatch(/(GET|POST|PATCH|DELETE) \/|download/);
      }
    }

    const desired = await loadDesiredState(configPath, { env: SECRETS });
    expect(await remainingOperations(sim, desired), context).toEqual([]);
    expectNoDuplicates(sim);
    expect(sim.state.webhooks().map((w) => w.url)).toHaveLength(Object.keys(expectedSecrets).length);
    for (const [url, secret] of Object.entries(expectedSecrets)) {
      expect(sim.state.webhooks().find((w) => w.url === url)?.secret, url).toBe(secret);
    }
    expect(snapshotOf(sim, UNMANAGED)).toEqual(before);
    expectNoSecrets(
      [...runs.flatMap((r) => r.outputs), ...log.lines],
      [TOKEN, ...Object.values(SECRETS), ...LIVE_SECRETS],
    );
  });
});

describe('creates whose outcome is unknown', () => {
  const CREATES = /^\/admin\/(hooks|pre-receive-hooks|pre-receive-environments)$/;

  it.each(['5xx-after', 'reset-after'] as const)(
    'every create made but its answer lost (%s): each is adopted, none is made twice',
    async (kind) => {
      const sim = await simulator({ initialState: initial });
      sim.injectFault({ method: 'POST', pathPattern: CREATES }, kind, 100);
      const configPath = await writeConfig(config);
      const { runs } = await applyUntilConverged(sim, configPath, { env: SECRETS, maxRuns: 1 });
      const context = runs.map((r) => r.summary).join('\n---\n');
      expect(isClean(runs[0]!.result!), context).toBe(true);
      // 2 environments, 4 hooks, 4 webhooks: each POSTed exactly once, each answer lost.
      const posts = sim.requests.filter('POST').filter((r) => CREATES.test(r.path.replace('/api/v3', '')));
      expect(posts).toHaveLength(10);
      expect(posts.every((r) => r.fault === kind)).toBe(true);
      expectNoDuplicates(sim);
      const desired = await loadDesiredState(configPath, { env: SECRETS });
      expect(await remainingOperations(sim, desired)).toEqual([]);
    },
  );

  it.each(['5xx-before', 'reset', 'hang'] as const)(
    'a create refused before it was made (%s): re-read, not found, made once more',
    async (kind) => {
      const sim = await simulator({ initialState: initial });
      // The first POST to each collection fails before reaching the state; the one after the re-read succeeds.
      for (const path of ['/admin/hooks', '/admin/pre-receive-hooks', '/admin/pre-receive-environments']) {
        sim.injectFault({ method: 'POST', pathPattern: path }, kind, 1);
      }
      const configPath = await writeConfig(config);
      const { runs } = await applyUntilConverged(sim, configPath, { env: SECRETS, maxRuns: 1, requestTimeoutMs: 150 });
      const context = runs.map((r) => r.summary).join('\n---\n');
      expect(isClean(runs[0]!.result!), context).toBe(true);
      const posts = sim.requests.filter('POST').filter((r) => CREATES.test(r.path.replace('/api/v3', '')));
      expect(posts.filter((r) => r.fault === kind)).toHaveLength(3);
      expect(posts.filter((r) => r.status === 201)).toHaveLength(10);
      expectNoDuplicates(sim);
    },
  );
});
