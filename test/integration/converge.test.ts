// The level-based promise, end to end over HTTP: apply makes the instance match the config, after which a plan
// is empty and a second apply sends nothing that changes anything, whatever state the instance started in.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimStateInput } from '../../src/sim/server.js';
import { lastSeq, mutations, planAgainst, reconcile, requestsAfter, simulator, statuses } from '../helpers/harness.js';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/ghes-gitops.yml');
const MULTI_FILE = resolve(import.meta.dirname, '../../examples/multi-file');
const MINIMAL = resolve(import.meta.dirname, '../../examples/minimal.yml');
const SECRET = 'audit-secret-for-the-integration-test';
const env = { GHES_AUDIT_HOOK_SECRET: SECRET };

/** Everything the main example manages, but wrong, plus objects it does not manage. */
const MESSY: SimStateInput = {
  environments: [
    {
      id: 2,
      name: 'devtools hook env', // another case: GHES names are case-insensitive
      image_url: 'https://files.example.com/hook-envs/old.tar.gz',
      download: { state: 'failed', message: 'Failed to download: 404' },
    },
    { id: 3, name: 'Compliance Env', image_url: 'https://files.example.com/hook-envs/compliance_env.tar.gz' },
    { id: 4, name: 'Legacy Env', image_url: 'https://files.example.com/legacy.tar.gz' },
  ],
  hooks: [
    {
      id: 1,
      name: 'check-commits',
      script: 'scripts/commit_check.sh',
      script_repository: 'DevIT/hooks',
      environment_id: 1,
      enforcement: 'disabled',
    },
    {
      id: 2,
      name: 'Block Large Files',
      script: 'scripts/block_large_files.sh',
      script_repository: 'DevIT/hooks',
      environment_id: 4,
      enforcement: 'testing',
    },
    {
      id: 3,
      name: 'Protect Release Branches',
      script: 'scripts/protect.sh',
      script_repository: 'DevIT/hooks',
      environment_id: 3,
      enforcement: 'enabled',
    },
    {
      id: 4,
      name: 'Clicked Together',
      script: 'scripts/clicked.sh',
      script_repository: 'Ops/hooks',
      environment_id: 1,
    },
    {
      id: 5,
      name: 'Secret Scan',
      script: 'scan/secrets.sh',
      script_repository: 'Security/pre-receive-hooks',
      environment_id: 3,
      enforcement: 'testing',
    },
  ],
  webhooks: [
    { id: 1, url: 'https://audit.example.com/ghes/events', content_type: 'form', secret: 'old', events: ['user'] },
    { id: 2, url: 'https://chatops.example.com/hooks/ghes', active: false },
    { id: 3, url: 'https://unmanaged.example.com/hook', secret: 'theirs', events: ['repository'] },
  ],
};

describe('apply converges', () => {
  it.each([
    ['an empty instance', undefined],
    ['a messy instance', MESSY],
  ])('the main example on %s: apply succeeds, then the plan is empty', async (_, initialState) => {
    const sim = await simulator({ initialState });
    const first = await reconcile(sim, EXAMPLE, { env });
    expect(first.plan.operations.length).toBeGreaterThan(0);
    expect(first.result.counts).toMatchObject({ failed: 0, skipped: 0, not_started: 0 });
    expect(requestsAfter(sim).filter((e) => (e.status ?? 0) >= 400)).toEqual([]);

    const again = await planAgainst(sim, EXAMPLE, { env });
    expect(again.plan.operations).toEqual([]);
  });

  it('the messy instance ends as the config says, unmanaged objects untouched', async () => {
    const sim = await simulator({ initialState: MESSY });
    await reconcile(sim, EXAMPLE, { env });
    const state = sim.state;

    // Renamed in place (previous_names), so the hook on it stayed.
    expect(state.environment(3)).toMatchObject({ name: 'Compliance Hook Env' });
    expect(state.environment(2)).toMatchObject({
      name: 'DevTools Hook Env',
      image_url: 'https://files.example.com/hook-envs/devtools_env.tar.gz',
      download: { state: 'success' },
    });
    expect(state.environment(4)).toMatchObject({ name: 'Legacy Env' }); // environments are not pruned
    expect(state.hooks().map((h) => [h.id, h.name, h.environment_id, h.enforcement])).toEqual([
      [1, 'Check Commits', 2, 'enabled'],
      [2, 'Block Large Files', 1, 'enabled'],
      [5, 'Secret Scan', 3, 'testing'],
    ]);
    expect(state.webhook(1)).toMatchObject({ content_type: 'json', secret: SECRET, active: true });
    expect(state.webhook(2)).toMatchObject({ active: true, secret: null });
    expect(state.webhook(3)).toMatchObject({ secret: 'theirs', events: ['repository'] });
    expect(state.defaultEnvironment()).toMatchObject({
      id: 1,
      name: 'Default',
      image_url: 'githubenterprise://internal',
    });
  });

  it.each([
    ['the main example', 'a messy instance', EXAMPLE, MESSY],
    ['the main example', 'an empty instance', EXAMPLE, undefined],
    ['the multi-file example', 'a messy instance', MULTI_FILE, MESSY],
    ['the minimal example', 'an empty instance', MINIMAL, undefined],
  ])('a second apply of %s on %s sends only GETs', async (_, __, config, initialState) => {
    const sim = await simulator({ initialState });
    await reconcile(sim, config, { env, allowMassDelete: true });
    const mark = lastSeq(sim);

    const second = await reconcile(sim, config, { env });
    expect(second.plan.operations).toEqual([]);
    expect(second.result.results).toEqual([]);
    const sent = requestsAfter(sim, mark);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.map((e) => e.method)).toEqual(sent.map(() => 'GET'));
  });

  it('apply from an empty instance downloads each new environment before the hooks that use it', async () => {
    const sim = await simulator();
    const { result } = await reconcile(sim, EXAMPLE, { env });
    expect(Object.values(statuses(result)).every((s) => s === 'succeeded')).toBe(true);
    const sent = mutations(sim);
    const devtools = sim.state.findEnvironment('DevTools Hook Env')!.id;
    const download = sent.indexOf(`POST /admin/pre-receive-environments/${devtools}/downloads`);
    const hooks = sent
      .map((line, i) => [line, i] as const)
      .filter(([line]) => line === 'POST /admin/pre-receive-hooks');
    expect(download).toBeGreaterThanOrEqual(0);
    expect(hooks).toHaveLength(3);
    const checkCommits = requestsAfter(sim).find(
      (e) => e.method === 'POST' && (e.body as { name?: string } | undefined)?.name === 'Check Commits',
    )!;
    const downloadDone = requestsAfter(sim).find(
      (e) =>
        e.path.endsWith(`/pre-receive-environments/${devtools}/downloads/latest`) &&
        (e.responseBody as { state?: string }).state === 'success',
    );
    // The hook is created only once the download it waits for has been seen to succeed.
    expect(downloadDone).toBeDefined();
    expect(checkCommits.seq).toBeGreaterThan(downloadDone!.seq);
  });

  it('dry-run plans against the live instance and sends no mutating request', async () => {
    const sim = await simulator({ initialState: MESSY });
    const { plan, result } = await reconcile(sim, EXAMPLE, { env, dryRun: true });
    expect(plan.operations.length).toBeGreaterThan(0);
    expect(result.dryRun).toBe(true);
    expect(result.counts.not_started).toBe(plan.operations.length);
    expect(mutations(sim)).toEqual([]);
  });
});
