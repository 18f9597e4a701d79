// What the config owns and what it does not: renames keep ids, prune deletes only the unowned objects of the pruned
// kinds, unmanaged objects of other kinds are listed and left alone, the default environment is never touched.
import { describe, expect, it } from 'vitest';
import type { SimStateInput } from '../../src/sim/server.js';
import { mutations, planAgainst, reconcile, requestsAfter, simulator, writeConfig } from '../helpers/harness.js';

const SEED: SimStateInput = {
  environments: [
    { id: 2, name: 'Old Env Name', image_url: 'https://images.example.com/tools.tar.gz' },
    { id: 3, name: 'Other Env', image_url: 'https://images.example.com/other.tar.gz' },
    { id: 4, name: 'Spare Env', image_url: 'https://images.example.com/spare.tar.gz' },
  ],
  hooks: [
    { id: 10, name: 'old-hook-name', script: 'a.sh', script_repository: 'org/hooks', environment_id: 2 },
    { id: 11, name: 'hand-made', script: 'b.sh', script_repository: 'org/hooks', environment_id: 1 },
    { id: 12, name: 'also-managed', script: 'c.sh', script_repository: 'org/hooks', environment_id: 3 },
  ],
  webhooks: [
    { id: 20, url: 'https://managed.example.com/hook' },
    { id: 21, url: 'https://unmanaged.example.com/one', secret: 'x' },
    { id: 22, url: 'https://unmanaged.example.com/two' },
  ],
};

const RENAMES = `
version: 1
prune: { hooks: true }
environments:
  - name: Tools Env
    image_url: https://images.example.com/tools.tar.gz
    previous_names: [Old Env Name]
  - name: Other Env
    image_url: https://images.example.com/other.tar.gz
hooks:
  - name: New Hook Name
    script: a.sh
    script_repository: org/hooks
    environment: Tools Env
    previous_names: [old-hook-name]
  - name: also-managed
    script: c.sh
    script_repository: org/hooks
    environment: Other Env
webhooks:
  - url: https://managed.example.com/hook
`;

describe('ownership', () => {
  it('previous_names renames in place: same ids, the hook stays on its renamed environment', async () => {
    const sim = await simulator({ initialState: SEED });
    const { plan, result } = await reconcile(sim, writeConfig(RENAMES));
    expect(result.counts).toMatchObject({ failed: 0, skipped: 0 });
    expect(plan.operations.map((o) => o.id)).toEqual([
      'environment:update:Tools Env',
      'hook:update:New Hook Name',
      'hook:delete:hand-made',
    ]);
    expect(sim.state.environment(2)).toMatchObject({
      name: 'Tools Env',
      image_url: 'https://images.example.com/tools.tar.gz',
    });
    expect(sim.state.hook(10)).toMatchObject({ name: 'New Hook Name', environment_id: 2 });
    // A rename sends the new name only; no create, and no delete of the renamed objects.
    expect(mutations(sim).sort()).toEqual([
      'DELETE /admin/pre-receive-hooks/11',
      'PATCH /admin/pre-receive-environments/2',
      'PATCH /admin/pre-receive-hooks/10',
    ]);
    const envPatch = requestsAfter(sim).find(
      (e) => e.method === 'PATCH' && e.path.endsWith('/pre-receive-environments/2'),
    )!;
    expect(envPatch.body).toEqual({ name: 'Tools Env' });
    expect((await planAgainst(sim, writeConfig(RENAMES))).plan.operations).toEqual([]);
  });

  it('prune deletes only the unowned objects of pruned kinds; other kinds list theirs as unmanaged and keep them', async () => {
    const sim = await simulator({ initialState: SEED });
    const { plan } = await reconcile(sim, writeConfig(RENAMES));
    expect(plan.unmanaged).toEqual([
      { kind: 'environment', key: 'Spare Env', id: 4 },
      { kind: 'webhook', key: 'https://unmanaged.example.com/one', id: 21 },
      { kind: 'webhook', key: 'https://unmanaged.example.com/two', id: 22 },
    ]);
    expect(sim.state.hooks().map((h) => h.id)).toEqual([10, 12]);
    expect(sim.state.environments().map((e) => e.id)).toEqual([1, 2, 3, 4]);
    expect(sim.state.webhooks().map((w) => w.id)).toEqual([20, 21, 22]);
    expect(sim.state.webhookSecret(21)).toBe('x');
    // Nothing was sent to an unmanaged object.
    const touched = mutations(sim).filter((line) => /\/(4|21|22)$/.test(line));
    expect(touched).toEqual([]);
  });

  it('prune: true for every kind deletes the rest, but never the default environment', async () => {
    const sim = await simulator({ initialState: SEED });
    const config = writeConfig(`
version: 1
prune: true
environments:
  - name: Other Env
    image_url: https://images.example.com/other.tar.gz
hooks:
  - name: also-managed
    script: c.sh
    script_repository: org/hooks
    environment: Other Env
`);
    const { plan, result } = await reconcile(sim, config, { allowMassDelete: true });
    expect(result.counts).toMatchObject({ failed: 0, skipped: 0 });
    expect(plan.unmanaged).toEqual([]);
    expect(sim.state.environments().map((e) => [e.id, e.name])).toEqual([
      [1, 'Default'],
      [3, 'Other Env'],
    ]);
    expect(sim.state.hooks().map((h) => h.id)).toEqual([12]);
    expect(sim.state.webhooks()).toEqual([]);
    expect(mutations(sim).filter((line) => line.includes('/pre-receive-environments/1'))).toEqual([]);
  });

  it('a config that claims the default environment is refused and nothing is sent', async () => {
    const sim = await simulator({ initialState: SEED });
    const config = writeConfig(`
version: 1
environments:
  - name: Tools
    image_url: https://images.example.com/x.tar.gz
    previous_names: [default]
`);
    await expect(reconcile(sim, config)).rejects.toThrow(/`default` is the built-in Default environment/);
    expect(mutations(sim)).toEqual([]);
    expect(sim.state.defaultEnvironment()).toMatchObject({ id: 1, name: 'Default' });
  });

  it('a hook that names Default runs in the built-in environment, which is not modified', async () => {
    const sim = await simulator();
    const config = writeConfig(`
version: 1
prune: true
hooks:
  - name: plain
    script: plain.sh
    script_repository: org/hooks
    environment: Default
`);
    await reconcile(sim, config);
    expect(sim.state.hooks()).toMatchObject([{ name: 'plain', environment_id: 1 }]);
    expect(mutations(sim)).toEqual(['POST /admin/pre-receive-hooks']);
    expect((await planAgainst(sim, config)).plan.operations).toEqual([]);
  });

  it('absent: true deletes the object even without prune, and only it', async () => {
    const sim = await simulator({ initialState: SEED });
    const config = writeConfig(`
version: 1
hooks:
  - name: HAND-MADE
    absent: true
webhooks:
  - url: https://unmanaged.example.com/two
    absent: true
`);
    await reconcile(sim, config);
    expect(mutations(sim).sort()).toEqual(['DELETE /admin/hooks/22', 'DELETE /admin/pre-receive-hooks/11']);
  });
});
