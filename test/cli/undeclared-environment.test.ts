// Hooks-only configs: a hook may run in a live environment the config does not declare. validate (offline) says it
// will be looked up; plan resolves it on the instance, or fails located on the hook when the instance has none.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, STACK_FRAME } from '../helpers/cli.js';
import { mutations, scoped } from '../helpers/harness.js';

const TOKEN = 'ghp_undeclaredEnvToken0123456789ab';
const HOOKS_ONLY = `version: 1
hooks:
  - name: Check Commits
    script: scripts/commit_check.sh
    script_repository: DevIT/hooks
    environment: java tools
    enforcement: testing
`;

describe.concurrent('a hook in an environment the config does not declare', () => {
  it('validate says it will be looked up on the instance, with a hint when a declared name is close', async () => {
    const file = resolve(ROOT, 'test/fixtures/config/unknown-environment.yml');
    const run = await runCli(['validate', '--config', file]);
    expect(run.stderr).toBe(
      `${file}:6:5: warning: hook "Check Commits": environment "DevTools Hook Evn" is not declared in this config; ` +
        'plan and apply will look it up on the instance\n  hint: did you mean `DevTools Hook Env`?\n',
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/valid \(1 environment, 1 hook, 0 webhooks\)/);
  });

  it('validate names a `${` as the file writes it (`$${`), in the warning and in the hint', async ({
    onTestFinished,
  }) => {
    const fx = scoped(onTestFinished);
    const config = fx.writeConfig(`version: 1
environments:
  - name: Tools $\${ARCH}
    image_url: https://files.example.com/tools.tar.gz
hooks:
  - name: Check $\${REF}
    script: scripts/commit_check.sh
    script_repository: DevIT/hooks
    environment: Tools $\${ARHC}
`);
    const run = await runCli(['validate', '--config', config]);
    expect(run.stderr).toBe(
      `${config}:6:5: warning: hook "Check $\${REF}": environment "Tools $\${ARHC}" is not declared in this config; ` +
        'plan and apply will look it up on the instance\n  hint: did you mean `Tools $${ARCH}`?\n',
    );
    expect(run.code).toBe(0);
  });

  it('plan and apply use the live environment, and leave it alone', async ({ onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const sim = await fx.simulator({
      adminTokens: [TOKEN],
      initialState: {
        environments: [{ id: 7, name: 'Java Tools', image_url: 'https://images.example.com/java.tar.gz' }],
        repositories: [{ full_name: 'DevIT/hooks', files: ['scripts/commit_check.sh'] }],
      },
    });
    const config = fx.writeConfig(HOOKS_ONLY);
    const env = { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN };
    const plan = await runCli(['plan', '--config', config], { env });
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/environment: +"Java Tools"/);
    expect(plan.stdout).toMatch(/Plan: 1 to create, 0 to update, 0 to delete, 0 to download\./);

    const apply = await runCli(['apply', '--config', config], { env });
    expect(apply.code).toBe(0);
    expect(mutations(sim)).toEqual(['POST /admin/pre-receive-hooks']);
    expect(sim.state.hooks()[0]).toMatchObject({ name: 'Check Commits', environment_id: 7 });
  });

  it('plan fails, located on the hook, when the instance has no such environment', async ({ onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const sim = await fx.simulator({
      adminTokens: [TOKEN],
      initialState: { environments: [{ id: 7, name: 'Java Tool', image_url: 'https://images.example.com/j.tar.gz' }] },
    });
    const config = fx.writeConfig(HOOKS_ONLY.replace('java tools', 'Java Tols'));
    const run = await runCli(['plan', '--config', config], { env: { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN } });
    expect(run.stderr).toMatch(
      new RegExp(
        `^${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:5: error: hook "Check Commits" uses environment "Java Tols", ` +
          'which neither the config declares nor the live instance has\n  hint: did you mean `Java Tool`\\?',
      ),
    );
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.code).toBe(1);
    expect(mutations(sim)).toEqual([]);
  });

  it("plan's hint spells a live name with `${` as a config must write it", async ({ onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const sim = await fx.simulator({
      adminTokens: [TOKEN],
      initialState: {
        environments: [{ id: 7, name: 'Java ${JDK}', image_url: 'https://images.example.com/j.tar.gz' }],
      },
    });
    // A replacement's `$$` is one `$`: the file says `Java $${JKD}`.
    const config = fx.writeConfig(HOOKS_ONLY.replace('java tools', 'Java $$${JKD}'));
    const run = await runCli(['plan', '--config', config], { env: { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN } });
    expect(run.stderr).toContain('\n  hint: did you mean `Java $${JDK}`?');
    expect(run.code).toBe(1);
    expect(mutations(sim)).toEqual([]);
  });
});
