// The API's ordering rules, proven on the wire: GHES answers 422 to deleting an environment that still has hooks
// and to a second hook on a repository script, so the request log must show the hooks leaving first.
import { describe, expect, it } from 'vitest';
import { PlanRefusedError } from '../../src/plan/plan.js';
import type { SimStateInput } from '../../src/sim/server.js';
import {
  mutations,
  planAgainst,
  reconcile,
  requestsAfter,
  simulator,
  statuses,
  writeConfig,
} from '../helpers/harness.js';

const hook = (id: number, name: string, environment_id: number, script = `scripts/${name}.sh`) => ({
  id,
  name,
  script,
  script_repository: 'admin/hooks',
  environment_id,
  enforcement: 'enabled',
});

const SEED: SimStateInput = {
  environments: [
    { id: 2, name: 'Old Env', image_url: 'https://images.example.com/old.tar.gz' },
    { id: 3, name: 'Keep Env', image_url: 'https://images.example.com/keep.tar.gz' },
  ],
  hooks: [hook(1, 'moves', 2), hook(2, 'goes', 2), hook(3, 'to-default', 2), hook(4, 'stays', 3)],
};

const CONFIG = `
version: 1
environments:
  - name: Old Env
    absent: true
  - name: Keep Env
    image_url: https://images.example.com/keep.tar.gz
  - name: New Env
    image_url: https://images.example.com/new.tar.gz
hooks:
  - name: moves
    script: scripts/moves.sh
    script_repository: admin/hooks
    environment: New Env
    enforcement: enabled
  - name: goes
    absent: true
  - name: to-default
    script: scripts/to-default.sh
    script_repository: admin/hooks
    environment: Default
    enforcement: enabled
  - name: stays
    script: scripts/stays.sh
    script_repository: admin/hooks
    environment: Keep Env
    enforcement: enabled
`;

describe('operation order on the wire', () => {
  it('an environment is deleted only after its hooks moved or went, and nothing gets a 4xx', async () => {
    const sim = await simulator({ initialState: SEED });
    const { result } = await reconcile(sim, writeConfig(CONFIG), { concurrency: 8 });
    expect(result.counts).toMatchObject({ failed: 0, skipped: 0 });
    expect(requestsAfter(sim).filter((e) => (e.status ?? 0) >= 400)).toEqual([]);

    const sent = mutations(sim);
    const at = (line: string) => {
      const i = sent.indexOf(line);
      expect(i, `${line} in ${sent.join(', ')}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    const envDelete = at('DELETE /admin/pre-receive-environments/2');
    expect(at('PATCH /admin/pre-receive-hooks/1')).toBeLessThan(envDelete);
    expect(at('DELETE /admin/pre-receive-hooks/2')).toBeLessThan(envDelete);
    expect(at('PATCH /admin/pre-receive-hooks/3')).toBeLessThan(envDelete);
    // The hook moving to the new environment waits for that environment's download.
    const newEnv = sim.state.findEnvironment('New Env')!;
    expect(at(`POST /admin/pre-receive-environments/${newEnv.id}/downloads`)).toBeLessThan(
      at('PATCH /admin/pre-receive-hooks/1'),
    );
    // The request that finished the delete came after the requests that emptied the environment had finished.
    const log = requestsAfter(sim);
    const deleted = log.find((e) => e.method === 'DELETE' && e.path.endsWith('/pre-receive-environments/2'))!;
    for (const path of ['/pre-receive-hooks/1', '/pre-receive-hooks/2', '/pre-receive-hooks/3']) {
      const emptied = log.find((e) => e.method !== 'GET' && e.path.endsWith(path))!;
      expect(emptied.endedAt!).toBeLessThanOrEqual(deleted.startedAt);
    }

    expect(sim.state.environment(2)).toBeUndefined();
    expect(sim.state.hook(1)).toMatchObject({ environment_id: newEnv.id });
    expect(sim.state.hook(3)).toMatchObject({ environment_id: 1 });
    expect(sim.state.hook(4)).toMatchObject({ environment_id: 3 });
    expect((await planAgainst(sim, writeConfig(CONFIG))).plan.operations).toEqual([]);
  });

  it('deleting an environment that an unmanaged hook uses is refused before anything is sent', async () => {
    const sim = await simulator({ initialState: SEED });
    const config = writeConfig(`
version: 1
environments:
  - name: Old Env
    absent: true
`);
    await expect(reconcile(sim, config)).rejects.toThrow(PlanRefusedError);
    await expect(planAgainst(sim, config)).rejects.toThrow(/hook "goes" \(id 2\) still uses it/);
    expect(mutations(sim)).toEqual([]);
    expect(sim.state.environment(2)).toBeDefined();
  });

  it('a pruned hook frees its script before a new hook takes it', async () => {
    const sim = await simulator({ initialState: { hooks: [hook(7, 'old-name', 1, 'scripts/shared.sh')] } });
    const config = writeConfig(`
version: 1
prune: { hooks: true }
hooks:
  - name: New Name
    script: scripts/shared.sh
    script_repository: admin/hooks
    environment: Default
`);
    const { result } = await reconcile(sim, config, { allowMassDelete: true });
    expect(statuses(result)).toEqual({ 'hook:delete:old-name': 'succeeded', 'hook:create:New Name': 'succeeded' });
    expect(mutations(sim)).toEqual(['DELETE /admin/pre-receive-hooks/7', 'POST /admin/pre-receive-hooks']);
  });

  it('a hook taking over the script of a hook that moves to another script waits for it', async () => {
    // "a-new" sorts before "z-old": without the dependency its create would go first and get a 422.
    const sim = await simulator({ initialState: { hooks: [hook(1, 'z-old', 1, 'scripts/a.sh')] } });
    const config = writeConfig(`
version: 1
hooks:
  - name: z-old
    script: scripts/b.sh
    script_repository: admin/hooks
    environment: Default
    enforcement: enabled
  - name: a-new
    script: scripts/a.sh
    script_repository: admin/hooks
    environment: Default
`);
    const { plan, result } = await reconcile(sim, config, { concurrency: 8 });
    expect(plan.operations.map((o) => [o.id, o.dependsOn])).toEqual([
      ['hook:update:z-old', []],
      ['hook:create:a-new', ['hook:update:z-old']],
    ]);
    expect(result.counts).toMatchObject({ failed: 0, skipped: 0 });
    expect(mutations(sim)).toEqual(['PATCH /admin/pre-receive-hooks/1', 'POST /admin/pre-receive-hooks']);
    expect(requestsAfter(sim).filter((e) => (e.status ?? 0) >= 400)).toEqual([]);
  });

  it('hooks that would swap scripts are refused (no order works), and nothing is sent', async () => {
    const sim = await simulator({
      initialState: { hooks: [hook(1, 'one', 1, 'scripts/a.sh'), hook(2, 'two', 1, 'scripts/b.sh')] },
    });
    const config = writeConfig(`
version: 1
hooks:
  - name: one
    script: scripts/b.sh
    script_repository: admin/hooks
    environment: Default
    enforcement: enabled
  - name: two
    script: scripts/a.sh
    script_repository: admin/hooks
    environment: Default
    enforcement: enabled
`);
    const refused = reconcile(sim, config);
    await expect(refused).rejects.toThrow(PlanRefusedError);
    await expect(refused).rejects.toThrow(/hooks "(one|two)", "(one|two)" would swap scripts/);
    expect(mutations(sim)).toEqual([]);
  });

  it('a new hook on the script of a hook the config does not manage is refused, with a hint', async () => {
    const sim = await simulator({ initialState: { hooks: [hook(7, 'check-commits', 1, 'scripts/check.sh')] } });
    const config = writeConfig(`
version: 1
hooks:
  - name: Check Commits
    script: scripts/check.sh
    script_repository: Admin/Hooks
    environment: Default
`);
    const refused = planAgainst(sim, config);
    await expect(refused).rejects.toThrow(PlanRefusedError);
    await expect(refused).rejects.toThrow(/live hook "check-commits" \(id 7\) already runs scripts\/check\.sh/);
    await expect(refused).rejects.toThrow(/previous_names: \[check-commits\]/);
    expect(mutations(sim)).toEqual([]);
  });
});
