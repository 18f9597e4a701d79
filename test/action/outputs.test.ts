// The Action's count outputs are the plan's summary: every operation counted once by its action, the enforcement
// overrides of organizations and repositories included, as action.yml and the README say.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { fixtures } from './harness.js';
import { runInProcess } from './in-process.js';

vi.mock('@actions/core', () => import('./fake-core.js'));

/** A live hook that allows overrides, in an instance with one organization and one of its repositories. */
const LIVE = {
  environments: [],
  hooks: [
    {
      id: 1,
      name: 'Check Commits',
      script: 'scripts/commit_check.sh',
      script_repository: 'DevIT/hooks',
      environment_id: 1,
      enforcement: 'testing' as const,
      allow_downstream_configuration: true,
    },
  ],
  repositories: [
    { full_name: 'DevIT/hooks', files: { 'scripts/commit_check.sh': { executable: true } } },
    { full_name: 'acme/monorepo' },
    { full_name: 'acme/legacy' },
  ],
  organizations: [{ login: 'acme' }],
  pre_receive_hook_overrides: [{ hook_id: 1, repository: 'acme/legacy', enforcement: 'disabled' as const }],
};

const CONFIG = `version: 1
hooks:
  - name: Check Commits
    script: scripts/commit_check.sh
    script_repository: DevIT/hooks
    environment: Default
    enforcement: testing
    allow_downstream_configuration: true
    organizations:
      acme: enabled
    repositories:
      acme/monorepo: disabled
      acme/legacy: inherit
`;

describe('outputs', () => {
  it('count override operations as creates, updates and deletes', async ({ onTestFinished }) => {
    const fx = fixtures(onTestFinished);
    const sim = await fx.simulator({ initialState: LIVE });
    const ws = await fx.workspace({ 'ghes-gitops.yml': CONFIG });

    const step = await runInProcess({ fx, sim, ws, event: 'pull_request', inputs: { comment: 'false' } });
    expect(step.failed).toBeUndefined();
    const plan = JSON.parse(readFileSync(step.outputs['plan-file']!, 'utf8')) as {
      operations: { kind: string; action: string; target: string }[];
    };
    // Only overrides change: two set, one removed; the hook itself is as the config says.
    expect(plan.operations.map((op) => [op.kind, op.action, op.target])).toEqual([
      ['override', 'create', 'acme'],
      ['override', 'delete', 'acme/legacy'],
      ['override', 'create', 'acme/monorepo'],
    ]);
    expect(step.outputs).toMatchObject({
      'has-changes': 'true',
      creates: '2',
      updates: '0',
      deletes: '1',
      downloads: '0',
    });
  });
});
