// The overrides through the bundled CLI: export --organizations/--repositories writes what it finds there, and
// the file validates and plans as no change; bad names and missing targets are user errors, never a stack trace.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimStateInput } from '../../src/sim/server.js';
import { runCli, STACK_FRAME } from '../helpers/cli.js';
import { mutations, scoped } from '../helpers/harness.js';

const TOKEN = 'ghp_overridesSuiteToken0123456789ab';

const STATE: SimStateInput = {
  hooks: [
    {
      id: 1,
      name: 'Check Commits',
      script: 'scripts/commit_check.sh',
      script_repository: 'DevIT/hooks',
      environment_id: 1,
      enforcement: 'testing',
      allow_downstream_configuration: true,
    },
  ],
  repositories: [
    { full_name: 'DevIT/hooks', files: ['scripts/commit_check.sh'] },
    { full_name: 'acme/monorepo' },
    { full_name: 'other/app' },
  ],
  organizations: [{ login: 'acme' }, { login: 'legacy' }, { login: 'other' }],
  pre_receive_hook_overrides: [
    { hook_id: 1, organization: 'acme', enforcement: 'enabled', allow_downstream_configuration: true },
    { hook_id: 1, organization: 'legacy', enforcement: 'disabled', allow_downstream_configuration: false },
    { hook_id: 1, organization: 'other', enforcement: 'disabled' },
    { hook_id: 1, repository: 'acme/monorepo', enforcement: 'testing' },
    { hook_id: 1, repository: 'other/app', enforcement: 'enabled' },
  ],
};

describe('export with overrides', () => {
  it('writes the overrides of the named organizations and repositories only; the file plans as no change', async ({
    onTestFinished,
  }) => {
    const fx = scoped(onTestFinished);
    const sim = await fx.simulator({ adminTokens: [TOKEN], initialState: STATE });
    const env = { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN };
    const file = join(fx.tempDir(), 'exported.yml');
    const run = await runCli(
      ['export', '--output', file, '--organizations', 'acme,legacy', '--repositories', 'acme/monorepo'],
      { env },
    );
    expect(run.code).toBe(0);
    const yaml = readFileSync(file, 'utf8');
    expect(yaml).toContain(
      [
        '    organizations:',
        '      acme: { enforcement: enabled, allow_downstream_configuration: true }',
        '      legacy: { enforcement: disabled, allow_downstream_configuration: false }',
        '    repositories:',
        '      acme/monorepo: testing',
      ].join('\n'),
    );
    expect(yaml).not.toContain('other');
    expect(sim.requests.entries.some((e) => e.path.includes('/other'))).toBe(false);

    expect((await runCli(['validate', '--config', file], { env })).code).toBe(0);
    const plan = await runCli(['plan', '--config', file, '--detailed-exitcode'], { env });
    expect(plan.stdout).toContain('No changes.');
    expect(plan.code).toBe(0);
    expect(mutations(sim)).toEqual([]);
  });

  it('refuses a malformed name before connecting, and names a missing organization', async ({ onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const sim = await fx.simulator({ adminTokens: [TOKEN], initialState: STATE });
    const env = { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN };
    const bad = await runCli(['export', '--repositories', 'monorepo'], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--repositories: `monorepo`: expected owner/name, comma-separated');
    expect(sim.requests.entries).toEqual([]);

    const missing = await runCli(['export', '--organizations', 'acme,nobody'], { env });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('organization nobody not found');
    expect(missing.stderr).not.toMatch(STACK_FRAME);
  });

  it('plan names a missing organization at its line in the config', async ({ onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const sim = await fx.simulator({ adminTokens: [TOKEN], initialState: STATE });
    const config = fx.writeConfig(`version: 1
hooks:
  - name: Check Commits
    script: scripts/commit_check.sh
    script_repository: DevIT/hooks
    environment: Default
    enforcement: testing
    allow_downstream_configuration: true
    organizations:
      legacy: enabled
`);
    sim.state.load({
      ...STATE,
      organizations: [{ login: 'acme' }, { login: 'other' }],
      pre_receive_hook_overrides: [],
    });
    const run = await runCli(['plan', '--config', config], { env: { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${config}:10:7: error: organization legacy not found`);
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });
});
