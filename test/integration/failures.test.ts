// Failures stay where they belong: a failed environment download fails the operations that need that environment
// and nothing else; the mass-delete guard refuses before a single request that changes anything.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import type { SimStateInput } from '../../src/sim/server.js';
import { mutations, planAgainst, reconcile, simulator, statuses, writeConfig } from '../helpers/harness.js';

const DOWNLOADS = `
version: 1
environments:
  - name: Good
    image_url: https://images.example.com/good.tar.gz
  - name: Broken
    image_url: https://images.example.com/fail-404.tar.gz
hooks:
  - name: on-good
    script: good.sh
    script_repository: org/hooks
    environment: Good
  - name: on-broken
    script: broken.sh
    script_repository: org/hooks
    environment: Broken
  - name: on-default
    script: default.sh
    script_repository: org/hooks
    environment: Default
webhooks:
  - url: https://hooks.example.com/unrelated
`;

describe('a failed environment download', () => {
  it('fails its download and skips the hooks on it; everything else goes through', async () => {
    const sim = await simulator();
    const { result } = await reconcile(sim, writeConfig(DOWNLOADS));
    expect(statuses(result)).toEqual({
      'environment:create:Broken': 'succeeded',
      'environment:create:Good': 'succeeded',
      'environment:download:Broken': 'failed',
      'environment:download:Good': 'succeeded',
      'webhook:create:https://hooks.example.com/unrelated': 'succeeded',
      'hook:create:on-broken': 'skipped',
      'hook:create:on-default': 'succeeded',
      'hook:create:on-good': 'succeeded',
    });
    const failed = result.results.find((r) => r.status === 'failed')!;
    expect(failed.error).toMatch(/Failed to download https:\/\/images\.example\.com\/fail-404\.tar\.gz/);
    const skipped = result.results.find((r) => r.status === 'skipped')!;
    expect(skipped.error).toMatch(/depends on environment:download:Broken, which failed/);
    expect(
      sim.state
        .hooks()
        .map((h) => h.name)
        .sort(),
    ).toEqual(['on-default', 'on-good']);
    // No hook request ever named the broken environment.
    expect(mutations(sim).filter((line) => line.startsWith('POST /admin/pre-receive-hooks'))).toHaveLength(2);

    // A rerun retries exactly what is left: the download (it failed) and the hook that waits for it.
    const rerun = await planAgainst(sim, writeConfig(DOWNLOADS));
    expect(rerun.plan.operations.map((o) => [o.id, o.reason])).toEqual([
      ['environment:download:Broken', expect.stringMatching(/^last download failed: Failed to download/)],
      ['hook:create:on-broken', undefined],
    ]);
  });

  it('an image_url changed to a failing one: the update succeeds, the download fails, a hook moving there is skipped', async () => {
    const seed: SimStateInput = {
      environments: [{ id: 2, name: 'Tools', image_url: 'https://images.example.com/tools-v1.tar.gz' }],
      hooks: [{ id: 1, name: 'mover', script: 'm.sh', script_repository: 'org/hooks', environment_id: 1 }],
    };
    const sim = await simulator({ initialState: seed });
    const config = writeConfig(`
version: 1
environments:
  - name: Tools
    image_url: https://images.example.com/tools-v2-fail.tar.gz
hooks:
  - name: mover
    script: m.sh
    script_repository: org/hooks
    environment: Tools
`);
    const { result } = await reconcile(sim, config);
    expect(statuses(result)).toEqual({
      'environment:update:Tools': 'succeeded',
      'environment:download:Tools': 'failed',
      'hook:update:mover': 'skipped',
    });
    expect(sim.state.environment(2)).toMatchObject({ download: { state: 'failed' } });
    expect(sim.state.hook(1)).toMatchObject({ environment_id: 1 });
    expect(mutations(sim)).toEqual([
      'PATCH /admin/pre-receive-environments/2',
      'POST /admin/pre-receive-environments/2/downloads',
    ]);
  });
});

describe('the mass-delete guard', () => {
  const seed: SimStateInput = {
    environments: [
      { id: 2, name: 'a', image_url: 'https://images.example.com/a.tar.gz' },
      { id: 3, name: 'b', image_url: 'https://images.example.com/b.tar.gz' },
    ],
    hooks: [
      { id: 1, name: 'h1', script: '1.sh', script_repository: 'org/hooks', environment_id: 1 },
      { id: 2, name: 'h2', script: '2.sh', script_repository: 'org/hooks', environment_id: 1 },
      { id: 3, name: 'h3', script: '3.sh', script_repository: 'org/hooks', environment_id: 1 },
    ],
    webhooks: [{ id: 1, url: 'https://hooks.example.com/1' }],
  };
  // An empty config with prune: what a lost file or a typo looks like.
  const EMPTY_PRUNE = 'version: 1\nprune: true\n';

  it('refuses a plan that deletes everything before anything is sent', async () => {
    const sim = await simulator({ initialState: seed });
    const run = reconcile(sim, writeConfig(EMPTY_PRUNE));
    await expect(run).rejects.toThrow(UserError);
    await expect(run).rejects.toThrow(
      /the plan deletes all 2 live pre-receive environments; the plan deletes all 3 live pre-receive hooks; the plan deletes all 1 live global webhooks\. Nothing was sent\./,
    );
    expect(mutations(sim)).toEqual([]);
    expect(sim.state.counts()).toMatchObject({ environments: 3, hooks: 3, webhooks: 1 });
  });

  it('refuses deleting more than half of a kind', async () => {
    const sim = await simulator({ initialState: seed });
    const config = writeConfig(`
version: 1
prune: { hooks: true }
hooks:
  - name: h1
    script: 1.sh
    script_repository: org/hooks
    environment: Default
`);
    await expect(reconcile(sim, config)).rejects.toThrow(/deletes 2 of 3 live pre-receive hooks \(more than half\)/);
    expect(mutations(sim)).toEqual([]);
  });

  it('allowMassDelete lets it through', async () => {
    const sim = await simulator({ initialState: seed });
    const { result } = await reconcile(sim, writeConfig(EMPTY_PRUNE), { allowMassDelete: true });
    expect(result.counts).toMatchObject({ succeeded: 6, failed: 0, skipped: 0 });
    expect(sim.state.counts()).toMatchObject({ environments: 1, hooks: 0, webhooks: 0 });
    expect(sim.state.defaultEnvironment().id).toBe(1);
  });
});
