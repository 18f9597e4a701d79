// Cases where a run used to end in the wrong state while reporting success, end to end over HTTP: each test
// stages what the simulator needs to show the case, and fails if the fix is taken out.
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanRefusedError } from '../../src/plan/plan.js';
import { runCli, STACK_FRAME } from '../helpers/cli.js';
import { mutations, planAgainst, reconcile, simulator, statuses, tempDir, writeConfig } from '../helpers/harness.js';

describe('hook updates', () => {
  it('send the complete hook, so a server that resets what a PATCH omits keeps every field', async () => {
    const sim = await simulator({
      hookPatchOmitted: 'reset',
      initialState: {
        hooks: [
          {
            id: 7,
            name: 'gate',
            script: 'old.sh',
            script_repository: 'platform/hooks',
            environment_id: 1,
            enforcement: 'enabled',
            allow_downstream_configuration: true,
          },
        ],
      },
    });
    const config = writeConfig(`version: 1
hooks:
  - name: gate
    script: new.sh
    script_repository: platform/hooks
    environment: Default
    enforcement: enabled
    allow_downstream_configuration: true
`);
    const { plan, result } = await reconcile(sim, config);
    // The plan still shows only what changes.
    expect(plan.operations.map((op) => [op.id, Object.keys(op.changes)])).toEqual([['hook:update:gate', ['script']]]);
    expect(statuses(result)).toEqual({ 'hook:update:gate': 'succeeded' });
    expect(sim.state.hook(7)).toMatchObject({
      script: 'new.sh',
      enforcement: 'enabled',
      allow_downstream_configuration: true,
    });
    expect((await planAgainst(sim, config)).plan.operations).toEqual([]);
  });
});

describe('a config directory', () => {
  it('with a file that cannot be read is refused whole: the hook that file declared is not deleted', async () => {
    const sim = await simulator({
      initialState: {
        hooks: [
          {
            id: 3,
            name: 'security',
            script: 'security.sh',
            script_repository: 'platform/hooks',
            environment_id: 1,
            enforcement: 'enabled',
          },
        ],
      },
    });
    const dir = tempDir();
    writeFileSync(join(dir, 'main.yml'), 'version: 1\nprune: { hooks: true }\n');
    // security.yml lived on a volume that is not mounted: the link dangles.
    symlinkSync('/nonexistent/ghes-gitops/security.yml', join(dir, 'security.yml'));
    const env = { GHES_API_URL: sim.url, GHES_TOKEN: sim.adminToken };
    for (const args of [['validate'], ['apply', '--allow-mass-delete', '--skip-preflight']]) {
      const run = await runCli([...args, '--config', dir], { env });
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toContain(`cannot read ${join(dir, 'security.yml')}: a symbolic link to something`);
      expect(run.stderr).not.toMatch(STACK_FRAME);
    }
    expect(mutations(sim)).toEqual([]);
    expect(sim.state.findHook('security')).toBeDefined();
  });
});

describe('webhook identity', () => {
  it('is the URL as written, trimmed, for validation and the plan alike: host case and a trailing slash differ', async () => {
    const sim = await simulator({
      initialState: {
        webhooks: [
          { id: 5, url: 'https://HOOKS.example.com/in', events: ['user', 'organization'] },
          { id: 6, url: 'https://hooks.example.com/ghes/', events: ['user', 'organization'] },
        ],
      },
    });
    const config = writeConfig(`version: 1
prune: { webhooks: true }
webhooks:
  - url: https://HOOKS.example.com/in
  - url: https://hooks.example.com/in
  - url: https://hooks.example.com/ghes
`);
    const { plan, result } = await reconcile(sim, config, { allowMassDelete: true });
    expect(plan.operations.map((op) => [op.id, 'liveId' in op ? op.liveId : undefined])).toEqual([
      ['webhook:create:https://hooks.example.com/ghes', undefined],
      ['webhook:delete:https://hooks.example.com/ghes/', 6],
      ['webhook:create:https://hooks.example.com/in', undefined],
    ]);
    expect(result.counts.failed).toBe(0);
    expect(
      sim.state
        .webhooks()
        .map((w) => w.url)
        .sort(),
    ).toEqual(['https://HOOKS.example.com/in', 'https://hooks.example.com/ghes', 'https://hooks.example.com/in']);
    expect((await planAgainst(sim, config)).plan.operations).toEqual([]);
  });
});

describe('an ambiguous rename', () => {
  it('is refused once, with the hint that fits, and the entry is not also taken for a create', async () => {
    const hook = (id: number, name: string, script: string) => ({
      id,
      name,
      script,
      script_repository: 'platform/hooks',
      environment_id: 1,
    });
    const sim = await simulator({
      initialState: { hooks: [hook(10, 'old-name', 'a.sh'), hook(11, 'new-name', 'b.sh')] },
    });
    const config = writeConfig(`version: 1
hooks:
  - name: new-name
    previous_names: [old-name]
    script: a.sh
    script_repository: platform/hooks
    environment: Default
`);
    const refusal = await planAgainst(sim, config).then(
      () => undefined,
      (error: unknown) => error as PlanRefusedError,
    );
    expect(refusal).toBeInstanceOf(PlanRefusedError);
    expect(refusal!.reasons.map((r) => [r.message, r.hint])).toEqual([
      [
        'hook "new-name": ambiguous: "old-name" (id 10) and "new-name" (id 11) both match its name or previous_names on the live instance',
        'delete or rename the extra live object by hand, or drop the stale name from previous_names',
      ],
    ]);
  });
});

describe('--concurrency', () => {
  it('bounds every request, reads included: the plan lists, preflight and the re-read after a lost create', async () => {
    const sim = await simulator({
      faults: { seed: 1, rate: 0, latencyMs: 15 },
      initialState: {
        repositories: [{ full_name: 'platform/hooks', files: ['a.sh', 'b.sh'] }],
        auto_register_repositories: true,
      },
    });
    // The first webhook create goes through but its answer is lost: apply re-reads the three lists to find out.
    sim.injectFault({ method: 'POST', pathPattern: '/admin/hooks' }, '5xx-after', 1);
    const config = writeConfig(`version: 1
environments:
  - { name: Tools, image_url: https://images.example.com/tools.tar.gz }
hooks:
  - { name: a, script: a.sh, script_repository: platform/hooks, environment: Tools, enforcement: testing }
  - { name: b, script: b.sh, script_repository: platform/hooks, environment: Default }
webhooks:
  - { url: https://audit.example.com/one }
  - { url: https://audit.example.com/two }
`);
    const run = await runCli(['apply', '--concurrency', '1', '--config', config], {
      env: { GHES_API_URL: sim.url, GHES_TOKEN: sim.adminToken },
    });
    expect(run.code, run.stderr).toBe(0);
    const lists = sim.requests.entries.filter((e) => e.method === 'GET' && e.path.endsWith('/admin/hooks'));
    expect(lists.length).toBeGreaterThanOrEqual(2); // the plan's read and the re-read
    expect(sim.state.webhooks()).toHaveLength(2);
    expect(sim.requests.peakConcurrency).toBe(1);
  });
});
