// `plan --out FILE` then `apply --plan FILE`: what was reviewed is applied, and only that. A fresh plan that differs
// (the instance or the config changed since) is refused with the difference, and nothing is sent.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { staleness, type SavedPlan } from '../../src/cli/saved-plan.js';
import type { Plan } from '../../src/plan/types.js';
import { expectNeverPrinted, runCli, STACK_FRAME } from '../helpers/cli.js';
import { lastSeq, mutations, scoped, type Fixtures } from '../helpers/harness.js';

const TOKEN = 'ghp_savedPlanSuiteToken0123456789a';
const SECRET = 'saved-plan-canary-secret-6b1d';
const CONFIG = `version: 1
webhooks:
  - url: https://a.example.com/x
    secret: \${HOOK_SECRET}
  - url: https://b.example.com/y
    events: [repository]
`;

afterAll(() => expectNeverPrinted(TOKEN, SECRET));

async function setup(fx: Fixtures) {
  const sim = await fx.simulator({
    adminTokens: [TOKEN],
    initialState: { webhooks: [{ url: 'https://b.example.com/y' }] },
  });
  const config = fx.writeConfig(CONFIG);
  const planFile = join(fx.tempDir(), 'reviewed.json');
  const env = { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN, HOOK_SECRET: SECRET };
  const saved = await runCli(['plan', '--config', config, '--out', planFile], { env });
  expect(saved.code).toBe(0);
  return { sim, config, planFile, env };
}

function expectRefused(run: { code: number | null; stdout: string; stderr: string }, ...lines: RegExp[]): void {
  expect(run.stderr).toMatch(/^--plan .*reviewed\.json: the saved plan is stale; a fresh plan differs:\n/);
  for (const line of lines) expect(run.stderr).toMatch(line);
  expect(run.stderr).toMatch(/Nothing was sent\. Run `plan --out FILE` again, review it, and apply that\.\n$/);
  expect(run.stderr).not.toMatch(STACK_FRAME);
  expect(run.code).toBe(1);
}

describe.concurrent('apply --plan FILE', () => {
  it('applies the saved plan when a fresh one is the same; the file holds no secret', async ({ onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const { sim, config, planFile, env } = await setup(fx);
    const file = readFileSync(planFile, 'utf8');
    expect(file).not.toContain(SECRET);
    expect(JSON.parse(file)).toMatchObject({
      formatVersion: 1,
      source: { apiUrl: sim.url, configSha256: expect.stringMatching(/^[0-9a-f]{64}$/), syncSecrets: false },
    });
    const run = await runCli(['apply', '--config', config, '--plan', planFile], { env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(mutations(sim).sort()).toEqual(['PATCH /admin/hooks/1', 'POST /admin/hooks']);
    expect(sim.state.webhooks().find((w) => w.url === 'https://a.example.com/x')).toBeDefined();
  });

  it('refuses when the instance changed since: names each operation that differs, sends nothing', async ({
    onTestFinished,
  }) => {
    const fx = scoped(onTestFinished);
    const { sim, config, planFile, env } = await setup(fx);
    sim.state.updateWebhook(1, { events: ['repository'] }); // someone fixed b by hand
    sim.state.createWebhook({ url: 'https://a.example.com/x', events: ['team'] }); // and created a
    const mark = lastSeq(sim);
    const run = await runCli(['apply', '--config', config, '--plan', planFile], { env });
    expectRefused(
      run,
      / {2}- no longer planned: webhook:create:https:\/\/a\.example\.com\/x\n/,
      / {2}- no longer planned: webhook:update:https:\/\/b\.example\.com\/y\n/,
      / {2}- now planned too: webhook:update:https:\/\/a\.example\.com\/x\n/,
    );
    expect(mutations(sim, mark)).toEqual([]);
  });

  it('refuses when a field changes differently: shows the saved and the fresh change', async ({ onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const { sim, config, planFile, env } = await setup(fx);
    sim.state.updateWebhook(1, { events: ['team'] });
    const run = await runCli(['apply', '--config', config, '--plan', planFile], { env });
    expectRefused(
      run,
      /webhook:update:https:\/\/b\.example\.com\/y: events: saved \["organization","user"\] → \["repository"\], now \["team"\] → \["repository"\]/,
    );
    expect(mutations(sim)).toEqual([]);
  });

  it('refuses when the config changed, even where the operations are the same', async ({ onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const { sim, config, planFile, env } = await setup(fx);
    writeFileSync(config, `# reviewed? no\n${CONFIG}`);
    const run = await runCli(['apply', '--config', config, '--plan', planFile], { env });
    expectRefused(run, / {2}- the configuration files changed since the plan was saved\n/);
    expect(mutations(sim)).toEqual([]);
  });

  it('refuses a plan made against another instance', async ({ onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const { config, planFile, env } = await setup(fx);
    const other = await fx.simulator({
      adminTokens: [TOKEN],
      initialState: { webhooks: [{ url: 'https://b.example.com/y' }] },
    });
    const run = await runCli(['apply', '--config', config, '--plan', planFile], {
      env: { ...env, GHES_API_URL: other.url },
    });
    expectRefused(run, new RegExp(`the plan was made against ${env.GHES_API_URL.replace(/\./g, '\\.')}, not `));
    expect(mutations(other)).toEqual([]);
  });

  it.for([
    [
      'missing',
      (_dir: string): string => '/nonexistent/plan.json',
      /--plan \/nonexistent\/plan\.json: cannot read it: no such file \(ENOENT\); write one with `ghes-gitops plan --out FILE`/,
    ],
    [
      'not JSON',
      (dir: string): string => write(dir, 'x.json', 'plan:'),
      /not a plan saved by `ghes-gitops plan --out` \(not JSON\)/,
    ],
    [
      'plan --format json output',
      (dir: string): string => write(dir, 'x.json', '{"formatVersion":1,"operations":[]}'),
      /\(no `source`: `plan --format json` output cannot be applied/,
    ],
  ] as const)(
    'a file that is not a saved plan (%s): one line, nothing read from the instance',
    async ([, make, message], { onTestFinished }) => {
      const fx = scoped(onTestFinished);
      const sim = await fx.simulator({ adminTokens: [TOKEN] });
      const config = fx.writeConfig(CONFIG);
      const run = await runCli(['apply', '--config', config, '--plan', make(fx.tempDir())], {
        env: { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN, HOOK_SECRET: SECRET },
      });
      expect(run.stderr).toMatch(message);
      expect(run.code).toBe(1);
      expect(run.stderr).not.toMatch(STACK_FRAME);
      expect(sim.requests.entries).toEqual([]);
    },
  );
});

function write(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('staleness', () => {
  const source = { apiUrl: 'https://ghes.example.com/api/v3', configSha256: 'a'.repeat(64), syncSecrets: false };
  const op = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    kind: 'hook',
    key: id.split(':')[2],
    action: id.split(':')[1],
    changes: {},
    dependsOn: [],
    warnings: [],
    // What the saved JSON holds beside `warnings` (the plan's own operation ignores it).
    warningCodes: [],
    ...extra,
  });
  const plan = (operations: ReturnType<typeof op>[]) => ({ operations }) as unknown as Plan;
  const saved = (operations: ReturnType<typeof op>[]): SavedPlan => ({ source, operations });

  it('nothing when the same operations come back, whatever the order of their keys', () => {
    const a = op('hook:update:a', { changes: { enforcement: { from: 'disabled', to: 'enabled' } } });
    const reordered = Object.fromEntries(Object.entries(a).reverse()) as typeof a;
    expect(staleness(saved([reordered]), plan([a]), source)).toEqual([]);
  });

  it('names a changed dependency, reason and order', () => {
    const a = op('hook:create:a');
    const b = op('hook:create:b');
    expect(staleness(saved([a, b]), plan([b, a]), source)).toEqual(['the operations are in another order']);
    expect(
      staleness(
        saved([a]),
        plan([op('hook:create:a', { dependsOn: ['environment:download:x'], reason: 'r' })]),
        source,
      ),
    ).toEqual([
      'hook:create:a: dependsOn: saved [], now ["environment:download:x"]',
      'hook:create:a: reason: saved none, now "r"',
    ]);
  });
});
