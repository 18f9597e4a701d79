// `suspend: true`, the break-glass switch: the Action's apply runs (and the CLI's apply) only plan while it is set.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ADMIN_TOKEN, adminMutations, fixtures, runStep } from './harness.js';

const SUSPENDED = `version: 1
suspend: true
webhooks:
  - url: https://hooks.example.com/suspended
`;

describe.concurrent('suspend: true', () => {
  it('turns an Action apply run into a plan: nothing sent, and the summary says why', async ({ onTestFinished }) => {
    const fx = fixtures(onTestFinished);
    const sim = await fx.simulator();
    const ws = await fx.workspace({ 'ghes-gitops.yml': SUSPENDED });
    const step = await runStep({ fx, sim, ws, event: 'push' });
    expect(step.code).toBe(0);
    expect(adminMutations(sim)).toEqual([]);
    expect(step.stdout).toMatch(/::warning::.*suspend: true.*applies nothing/);
    expect(step.summary).toContain('**Suspended**');
    expect(step.outputs).toMatchObject({ 'has-changes': 'true', creates: '1' });
  });

  it('turns the CLI apply into a plan: exit 0, nothing sent; without it the same config applies', async ({
    onTestFinished,
  }) => {
    const fx = fixtures(onTestFinished);
    const sim = await fx.simulator();
    const ws = await fx.workspace({ 'ghes-gitops.yml': SUSPENDED });
    const env = { GHES_API_URL: sim.url, GHES_TOKEN: ADMIN_TOKEN };
    const config = `${ws.dir}/ghes-gitops.yml`;
    const run = await runCli(['apply', '--config', config, '--detailed-exitcode'], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Plan: 1 to create');
    expect(run.stderr).toMatch(/suspended: .*nothing was applied/);
    expect(adminMutations(sim)).toEqual([]);

    await ws.write('ghes-gitops.yml', SUSPENDED.replace('suspend: true\n', ''));
    expect((await runCli(['apply', '--config', config], { env })).code).toBe(0);
    expect(adminMutations(sim)).toHaveLength(1);
  });
});
