// Enforcement overrides end to end against the simulator: plan, apply, plan again to "no changes"; one list walk per
// named organization or repository plus one write per change; ordering against the hook's own changes.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { PlanRefusedError } from '../../src/plan/plan.js';
import { applyPlan, connect } from '../../src/reconcile.js';
import type { SimStateInput } from '../../src/sim/server.js';
import {
  lastSeq,
  mutations,
  planAgainst,
  reconcile,
  requestLine,
  requestsAfter,
  simulator,
  statuses,
  writeConfig,
} from '../helpers/harness.js';

const HOOK = {
  id: 1,
  name: 'Check Commits',
  script: 'scripts/commit_check.sh',
  script_repository: 'DevIT/hooks',
  environment_id: 1,
  enforcement: 'testing',
  allow_downstream_configuration: true,
};

const BASE: SimStateInput = {
  hooks: [HOOK],
  repositories: [
    { full_name: 'DevIT/hooks', files: ['scripts/commit_check.sh'] },
    { full_name: 'acme/monorepo' },
    { full_name: 'acme/web' },
    { full_name: 'legacy/app' },
  ],
  organizations: [{ login: 'acme' }, { login: 'legacy' }, { login: 'untouched' }],
};

/** A config with the hook as BASE has it, plus `extra` lines under it. */
function config(extra: string, hook: Partial<Record<'enforcement' | 'allow', string>> = {}): string {
  return `version: 1
hooks:
  - name: Check Commits
    script: scripts/commit_check.sh
    script_repository: DevIT/hooks
    environment: Default
    enforcement: ${hook.enforcement ?? 'testing'}
    allow_downstream_configuration: ${hook.allow ?? 'true'}
${extra}`;
}

const ROLL_OUT = `    organizations:
      acme: enabled
      legacy: { enforcement: disabled, allow_downstream_configuration: false }
    repositories:
      acme/monorepo: testing
`;

describe('overrides: plan and apply against the simulator', () => {
  it('creates overrides at both levels with one list per target and one write per change, then plans no change', async () => {
    const sim = await simulator({ initialState: BASE });
    const path = writeConfig(config(ROLL_OUT));
    const { plan, result } = await reconcile(sim, path);

    expect(plan.operations.map((op) => op.id)).toEqual([
      'override:create:Check Commits @ acme',
      'override:create:Check Commits @ acme/monorepo',
      'override:create:Check Commits @ legacy',
    ]);
    expect(Object.values(statuses(result))).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const lines = sim.requests.entries.map(requestLine);
    expect(lines.filter((line) => line.startsWith('GET ')).sort()).toEqual([
      'GET /admin/hooks',
      'GET /admin/pre-receive-environments',
      'GET /admin/pre-receive-hooks',
      'GET /orgs/acme/pre-receive-hooks',
      'GET /orgs/legacy/pre-receive-hooks',
      'GET /repos/acme/monorepo/pre-receive-hooks',
    ]);
    expect(mutations(sim).sort()).toEqual([
      'PATCH /orgs/acme/pre-receive-hooks/1',
      'PATCH /orgs/legacy/pre-receive-hooks/1',
      'PATCH /repos/acme/monorepo/pre-receive-hooks/1',
    ]);
    // A repository PATCH carries enforcement only; an org PATCH what the config says.
    const bodies = Object.fromEntries(
      sim.requests.entries.filter((e) => e.method === 'PATCH').map((e) => [requestLine(e), e.body]),
    );
    expect(bodies).toEqual({
      'PATCH /orgs/acme/pre-receive-hooks/1': { enforcement: 'enabled' },
      'PATCH /orgs/legacy/pre-receive-hooks/1': { enforcement: 'disabled', allow_downstream_configuration: false },
      'PATCH /repos/acme/monorepo/pre-receive-hooks/1': { enforcement: 'testing' },
    });
    expect(sim.state.overrides.organizationOverride('legacy', 1)).toEqual({
      enforcement: 'disabled',
      allow_downstream_configuration: false,
    });
    expect(sim.state.overrides.repositoryOverride('acme/monorepo', 1)).toEqual({ enforcement: 'testing' });

    const before = lastSeq(sim);
    const again = await planAgainst(sim, path);
    expect(again.plan.operations).toEqual([]);
    expect(requestsAfter(sim, before)).toHaveLength(6);
  });

  it('changes and removes overrides at both levels (DELETE answers 200; the hook stays)', async () => {
    const sim = await simulator({
      initialState: {
        ...BASE,
        pre_receive_hook_overrides: [
          { hook_id: 1, organization: 'acme', enforcement: 'enabled', allow_downstream_configuration: true },
          { hook_id: 1, organization: 'legacy', enforcement: 'disabled', allow_downstream_configuration: true },
          { hook_id: 1, repository: 'acme/monorepo', enforcement: 'disabled' },
          { hook_id: 1, repository: 'acme/web', enforcement: 'enabled' },
        ],
      },
    });
    const path = writeConfig(
      config(`    organizations:
      acme: testing
      legacy: inherit
    repositories:
      acme/monorepo: inherit
      acme/web: { enforcement: enabled }
`),
    );
    const { plan, result } = await reconcile(sim, path);
    expect(plan.operations.map((op) => [op.id, op.changes])).toEqual([
      ['override:update:Check Commits @ acme', { enforcement: { from: 'enabled', to: 'testing' } }],
      ['override:delete:Check Commits @ acme/monorepo', { enforcement: { from: 'disabled', to: null } }],
      [
        'override:delete:Check Commits @ legacy',
        {
          enforcement: { from: 'disabled', to: null },
          allow_downstream_configuration: { from: true, to: null },
        },
      ],
    ]);
    expect(result.counts.succeeded).toBe(3);
    expect(mutations(sim).sort()).toEqual([
      'DELETE /orgs/legacy/pre-receive-hooks/1',
      'DELETE /repos/acme/monorepo/pre-receive-hooks/1',
      'PATCH /orgs/acme/pre-receive-hooks/1',
    ]);
    expect(sim.state.overrides.organizationOverride('legacy', 1)).toBeUndefined();
    expect(sim.state.overrides.repositoryOverride('acme/monorepo', 1)).toBeUndefined();
    expect(sim.state.hook(1)).toMatchObject({ enforcement: 'testing' });
    expect((await planAgainst(sim, path)).plan.operations).toEqual([]);
  });

  it('a repository inheriting its org override has no override of its own: inherit plans nothing', async () => {
    const sim = await simulator({
      initialState: {
        ...BASE,
        pre_receive_hook_overrides: [{ hook_id: 1, organization: 'acme', enforcement: 'enabled' }],
      },
    });
    const path = writeConfig(
      config(`    organizations:
      acme: enabled
    repositories:
      acme/web: inherit
`),
    );
    const { plan, observed } = await planAgainst(sim, path);
    expect(plan.operations).toEqual([]);
    expect(observed.overrides?.repositories[0]?.hooks[0]).toMatchObject({
      enforcement: 'enabled',
      overridden: false,
      configuredAt: { level: 'organization', name: 'acme' },
    });
    // Pinning the same value in the repository is a change: it makes an override of its own.
    const pinned = writeConfig(
      config(`    repositories:
      acme/web: enabled
`),
    );
    const { plan: pin } = await planAgainst(sim, pinned);
    expect(pin.operations.map((op) => [op.id, op.reason])).toEqual([
      ['override:create:Check Commits @ acme/web', 'now inherits "enabled" from organization acme'],
    ]);
  });

  it('turning allow_downstream_configuration off removes the overrides first; turning it on sets them after', async () => {
    const sim = await simulator({
      initialState: {
        ...BASE,
        pre_receive_hook_overrides: [
          { hook_id: 1, organization: 'acme', enforcement: 'enabled' },
          { hook_id: 1, repository: 'legacy/app', enforcement: 'disabled' },
        ],
      },
    });
    const off = writeConfig(
      config(
        `    organizations:
      acme: inherit
    repositories:
      legacy/app: inherit
`,
        { allow: 'false' },
      ),
    );
    const first = await reconcile(sim, off, { concurrency: 4 });
    const update = first.plan.operations.find((op) => op.id === 'hook:update:Check Commits')!;
    expect(update.dependsOn).toEqual([
      'override:delete:Check Commits @ acme',
      'override:delete:Check Commits @ legacy/app',
    ]);
    const order = mutations(sim);
    expect(order.at(-1)).toBe('PATCH /admin/pre-receive-hooks/1');
    expect(order.slice(0, 2).sort()).toEqual([
      'DELETE /orgs/acme/pre-receive-hooks/1',
      'DELETE /repos/legacy/app/pre-receive-hooks/1',
    ]);
    expect((await planAgainst(sim, off)).plan.operations).toEqual([]);

    const seq = lastSeq(sim);
    const on = writeConfig(config(ROLL_OUT, { allow: 'true' }));
    const second = await reconcile(sim, on);
    expect(second.result.counts).toMatchObject({ succeeded: 4, failed: 0 });
    const after = mutations(sim, seq);
    expect(after[0]).toBe('PATCH /admin/pre-receive-hooks/1');
    expect(after.slice(1).sort()).toEqual([
      'PATCH /orgs/acme/pre-receive-hooks/1',
      'PATCH /orgs/legacy/pre-receive-hooks/1',
      'PATCH /repos/acme/monorepo/pre-receive-hooks/1',
    ]);
    expect((await planAgainst(sim, on)).plan.operations).toEqual([]);
  });

  it('overrides of a hook this plan creates wait for it and use its new id', async () => {
    const sim = await simulator({ initialState: { ...BASE, hooks: [] } });
    const path = writeConfig(config(ROLL_OUT));
    const { plan, result } = await reconcile(sim, path);
    const create = plan.operations.find((op) => op.id === 'override:create:Check Commits @ acme')!;
    expect(create.dependsOn).toEqual(['hook:create:Check Commits']);
    expect(result.counts).toMatchObject({ succeeded: 4, failed: 0 });
    const id = sim.state.findHook('Check Commits')!.id;
    expect(mutations(sim)[0]).toBe('POST /admin/pre-receive-hooks');
    expect(sim.state.overrides.organizationOverride('acme', id)?.enforcement).toBe('enabled');
    expect((await planAgainst(sim, path)).plan.operations).toEqual([]);
  });

  it('removes the overrides of an absent hook before deleting it', async () => {
    const sim = await simulator({
      initialState: {
        ...BASE,
        pre_receive_hook_overrides: [{ hook_id: 1, repository: 'acme/web', enforcement: 'disabled' }],
      },
    });
    const path = writeConfig(`version: 1
hooks:
  - name: Check Commits
    absent: true
    repositories:
      acme/web: inherit
`);
    const { plan } = await reconcile(sim, path, { allowMassDelete: true });
    expect(plan.operations.map((op) => [op.id, op.dependsOn])).toEqual([
      ['override:delete:Check Commits @ acme/web', []],
      ['hook:delete:Check Commits', ['override:delete:Check Commits @ acme/web']],
    ]);
    expect(mutations(sim)).toEqual(['DELETE /repos/acme/web/pre-receive-hooks/1', 'DELETE /admin/pre-receive-hooks/1']);
  });

  it('never reads or touches an organization the config does not name', async () => {
    const sim = await simulator({
      initialState: {
        ...BASE,
        pre_receive_hook_overrides: [{ hook_id: 1, organization: 'untouched', enforcement: 'disabled' }],
      },
    });
    await reconcile(sim, writeConfig(config(ROLL_OUT)));
    expect(sim.requests.entries.some((e) => e.path.includes('untouched'))).toBe(false);
    expect(sim.state.overrides.organizationOverride('untouched', 1)?.enforcement).toBe('disabled');
  });

  it('a named organization or repository that does not exist is a located error, and nothing is sent', async () => {
    const sim = await simulator({ initialState: BASE });
    const path = writeConfig(
      config(`    organizations:
      legacy: enabled
      nobody: enabled
    repositories:
      acme/gone: testing
`),
    );
    const failure = await reconcile(sim, path).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as ConfigError).diagnostics.map((d) => [d.message, d.location])).toEqual([
      ['organization nobody not found', { file: path, line: 11, column: 7 }],
      ['repository acme/gone not found', { file: path, line: 13, column: 7 }],
    ]);
    expect(mutations(sim)).toEqual([]);
  });

  it('refuses a repository override that its organization (not in the config) forbids', async () => {
    const sim = await simulator({
      initialState: {
        ...BASE,
        hooks: [{ ...HOOK, enforcement: 'disabled' }],
        pre_receive_hook_overrides: [
          { hook_id: 1, organization: 'legacy', enforcement: 'disabled', allow_downstream_configuration: false },
        ],
      },
    });
    const path = writeConfig(
      config(
        `    repositories:
      legacy/app: enabled
`,
        { enforcement: 'disabled' },
      ),
    );
    const failure = await planAgainst(sim, path).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PlanRefusedError);
    expect((failure as PlanRefusedError).reasons[0]?.message).toBe(
      'hook "Check Commits": repository legacy/app cannot have an override: the repository does not list the hook ' +
        '(disabled above and not configurable there)',
    );
    // Naming the organization and letting its repositories override makes it a plan: org first, then the repo.
    const fixed = writeConfig(
      config(
        `    organizations:
      legacy: { enforcement: disabled, allow_downstream_configuration: true }
    repositories:
      legacy/app: enabled
`,
        { enforcement: 'disabled' },
      ),
    );
    const { plan, result } = await reconcile(sim, fixed);
    expect(plan.operations.map((op) => [op.id, op.dependsOn])).toEqual([
      ['override:update:Check Commits @ legacy', []],
      ['override:create:Check Commits @ legacy/app', ['override:update:Check Commits @ legacy']],
    ]);
    expect(result.counts.succeeded).toBe(2);
  });

  it('PATCH and DELETE are retried like any update; a refusal fails that operation and skips what waits for it', async () => {
    const sim = await simulator({
      initialState: {
        ...BASE,
        pre_receive_hook_overrides: [{ hook_id: 1, repository: 'acme/web', enforcement: 'disabled' }],
      },
    });
    sim.injectFault({ method: 'PATCH', pathPattern: '/orgs/acme/pre-receive-hooks/1' }, '5xx-after', 1);
    sim.injectFault({ method: 'DELETE', pathPattern: '/repos/acme/web/pre-receive-hooks/1' }, 'reset', 1);
    const path = writeConfig(
      config(`    organizations:
      acme: enabled
    repositories:
      acme/web: inherit
`),
    );
    const { result } = await reconcile(sim, path);
    expect(statuses(result)).toEqual({
      'override:create:Check Commits @ acme': 'succeeded',
      'override:delete:Check Commits @ acme/web': 'succeeded',
    });
    expect(mutations(sim).sort()).toEqual([
      'DELETE /repos/acme/web/pre-receive-hooks/1',
      'DELETE /repos/acme/web/pre-receive-hooks/1',
      'PATCH /orgs/acme/pre-receive-hooks/1',
      'PATCH /orgs/acme/pre-receive-hooks/1',
    ]);
    expect((await planAgainst(sim, path)).plan.operations).toEqual([]);

    // The organization lets its repositories override only after its own update; when that update fails (here the
    // organization went away between plan and apply: 404), the repository's override is not attempted.
    const legacy = {
      ...BASE,
      pre_receive_hook_overrides: [
        { hook_id: 1, organization: 'legacy', enforcement: 'disabled', allow_downstream_configuration: false },
      ],
    };
    sim.state.load(legacy);
    const planned = await planAgainst(
      sim,
      writeConfig(
        config(`    organizations:
      legacy: { enforcement: disabled, allow_downstream_configuration: true }
    repositories:
      legacy/app: enabled
`),
      ),
    );
    sim.state.load({ ...legacy, organizations: [{ login: 'acme' }], pre_receive_hook_overrides: [] });
    const seq = lastSeq(sim);
    const second = await applyPlan(planned.plan, connect({ apiUrl: sim.url, token: sim.adminToken }), {
      observed: planned.observed,
      concurrency: 4,
      downloadTimeoutMs: 1000,
      allowMassDelete: false,
      dryRun: false,
    });
    expect(statuses(second)).toEqual({
      'override:update:Check Commits @ legacy': 'failed',
      'override:create:Check Commits @ legacy/app': 'skipped',
    });
    expect(second.results[0]?.error).toMatch(/PATCH \/orgs\/legacy\/pre-receive-hooks\/1 failed: 404/);
    expect(mutations(sim, seq)).toEqual(['PATCH /orgs/legacy/pre-receive-hooks/1']);
  });

  it('the rollout example applies from scratch and then plans no change', async () => {
    const sim = await simulator({
      initialState: {
        ...BASE,
        hooks: [],
        organizations: [{ login: 'acme' }, { login: 'legacy' }, { login: 'sandbox' }],
      },
    });
    const { result } = await reconcile(sim, 'examples/rollout.yml');
    expect(result.counts).toMatchObject({ succeeded: 4, failed: 0, skipped: 0 });
    const id = sim.state.findHook('Check Commits')!.id;
    expect(sim.state.overrides.repositoryOverride('acme/monorepo', id)).toEqual({ enforcement: 'testing' });
    expect((await planAgainst(sim, 'examples/rollout.yml')).plan.operations).toEqual([]);
  });

  it('a repository override waits for the removal of its organization override that forbade it', async () => {
    const sim = await simulator({
      initialState: {
        ...BASE,
        pre_receive_hook_overrides: [
          { hook_id: 1, organization: 'legacy', enforcement: 'disabled', allow_downstream_configuration: false },
        ],
      },
    });
    const path = writeConfig(
      config(`    organizations:
      legacy: inherit
    repositories:
      legacy/app: enabled
`),
    );
    const { plan, result } = await reconcile(sim, path);
    expect(plan.operations.map((op) => [op.id, op.dependsOn])).toEqual([
      ['override:delete:Check Commits @ legacy', []],
      ['override:create:Check Commits @ legacy/app', ['override:delete:Check Commits @ legacy']],
    ]);
    expect(result.counts).toMatchObject({ succeeded: 2, failed: 0 });
    expect(mutations(sim)).toEqual([
      'DELETE /orgs/legacy/pre-receive-hooks/1',
      'PATCH /repos/legacy/app/pre-receive-hooks/1',
    ]);
    expect((await planAgainst(sim, path)).plan.operations).toEqual([]);
  });
});
