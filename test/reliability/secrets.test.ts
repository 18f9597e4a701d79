// The token and the webhook secrets never reach output. Every command of the built CLI is run with a known token
// and known secrets, with --verbose, through successes and every kind of failure (faults, a rejected token,
// refused plans, preflight, a config error), and everything it wrote (stdout, stderr, --out and --output
// files) is searched for them. The in-process paths (plans, results, markdown, logs) are searched by the
// fault and property tests.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/server.js';
import { expectNoSecrets, fixtures, runCli, TOKEN, type CliRun, type ReliabilityFixtures } from './helpers.js';

const HOOK_SECRET = 'whsec_CliSecretValue_7f3a9c21';
const SECOND_SECRET = 'whsec_SecondSecret_2b8e55';
const WRONG_TOKEN = 'ghp_WrongTokenAlsoNeverPrinted_0a1b';
const LIVE_SECRET = 'live-secret-in-the-simulator-91ac';
const SENSITIVE = [TOKEN, WRONG_TOKEN, HOOK_SECRET, SECOND_SECRET, LIVE_SECRET];

/** Everything every run in this file wrote; checked once more at the end. */
const outputs: string[] = [];

async function run(args: string[], env: Record<string, string>): Promise<CliRun> {
  // validate talks to no server and has no --verbose.
  const result = await runCli(args[0] === 'validate' ? args : [...args, '--verbose'], { env, timeoutMs: 30_000 });
  outputs.push(result.stdout, result.stderr);
  expectNoSecrets([result.stdout, result.stderr], SENSITIVE);
  return result;
}

const baseConfig = {
  version: 1,
  hooks: [{ name: 'Check', script: 'check.sh', script_repository: 'platform/hooks', environment: 'Default' }],
  webhooks: [
    { url: 'https://audit.example.com/in', secret: '${HOOK_SECRET}', content_type: 'json' },
    { url: 'https://chat.example.com/in', secret: '${SECOND_SECRET}', insecure_ssl: true },
    { url: 'https://legacy.example.com/in', content_type: 'json' },
  ],
};

async function start(
  fx: ReliabilityFixtures,
): Promise<{ sim: Simulator; env: Record<string, string>; configPath: string }> {
  const sim = await fx.simulator({
    initialState: {
      repositories: [{ full_name: 'platform/hooks', files: ['check.sh'] }],
      webhooks: [{ id: 1, url: 'https://legacy.example.com/in', secret: LIVE_SECRET, content_type: 'json' }],
    },
  });
  const env = { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN, HOOK_SECRET, SECOND_SECRET };
  return { sim, env, configPath: await fx.writeConfig(baseConfig) };
}

// Concurrent: each test has its own simulator and files, and most of its time is the CLI processes it waits for.
describe.concurrent('no token or secret in any output of the CLI', () => {
  afterAll(() => {
    expect(outputs.length).toBeGreaterThan(30);
    expectNoSecrets(outputs, SENSITIVE);
  });

  it('validate, plan in every format, dry run, apply, export', async ({ onTestFinished }) => {
    const fx = fixtures(onTestFinished);
    const { sim, env, configPath } = await start(fx);
    const dir = await fx.tempDir();
    expect((await run(['validate', '--config', configPath], env)).code).toBe(0);
    const planOut = join(dir, 'plan.json');
    for (const format of ['text', 'json', 'markdown']) {
      const plan = await run(['plan', '--config', configPath, '--format', format, '--out', planOut], env);
      expect(plan.code, plan.stderr).toBe(0);
      expect(plan.stdout).toContain('(sensitive)');
      outputs.push(await readFile(planOut, 'utf8'));
    }
    // The insecure_ssl warning is part of the plan.
    expect(outputs.join('\n')).toMatch(/insecure_ssl: true: deliveries do not verify the TLS certificate/);
    expect((await run(['apply', '--config', configPath, '--dry-run'], env)).code).toBe(0);
    const apply = await run(['apply', '--config', configPath], env);
    expect(apply.code, apply.stderr).toBe(0);
    expect(sim.state.webhooks().map((w) => w.secret)).toEqual([LIVE_SECRET, HOOK_SECRET, SECOND_SECRET]);
    const json = await run(['apply', '--config', configPath, '--sync-secrets', '--format', 'json'], env);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).result.counts.succeeded).toBe(2);
    expect((await run(['export'], env)).code).toBe(0);
    const exported = join(dir, 'export.yml');
    expect((await run(['export', '--output', exported], env)).code).toBe(0);
    outputs.push(await readFile(exported, 'utf8'));
  });

  it('faults: retried reads, a lost create adopted, a create that fails four times, a write refused by a rate limit', async ({
    onTestFinished,
  }) => {
    const { sim, env, configPath } = await start(fixtures(onTestFinished));
    sim.injectFault({ method: 'GET', pathPattern: '/admin/hooks' }, '5xx-before', 1);
    sim.injectFault({ method: 'POST', pathPattern: '/admin/hooks' }, 'reset-after', 1);
    sim.injectFault({ method: 'POST', pathPattern: '/admin/hooks' }, '5xx-before', 4);
    const first = await run(['apply', '--config', configPath], env);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/POST \/admin\/hooks: outcome unknown .*\(4 attempts; rerun to converge\)/);
    expect(first.stderr).toMatch(/GET \S*\/admin\/hooks\?per_page=100: 502; retry 1/);

    // A rate limit longer than we wait for: the PATCH that carries the secret fails, with the request named.
    sim.configureFaults({ seed: 1, retryAfterSeconds: 600 });
    sim.injectFault({ method: 'PATCH', pathPattern: '/admin/hooks/{id}' }, 'rate-limit', 1);
    const limited = await run(['apply', '--config', configPath, '--sync-secrets'], env);
    expect(limited.code).toBe(1);
    expect(limited.stdout).toMatch(/PATCH \/admin\/hooks\/\d+: rate limited/);
    expect(limited.stderr).toMatch(/more than 60 s: giving up/);

    sim.configureFaults(undefined);
    expect((await run(['apply', '--config', configPath], env)).code).toBe(0);
  });

  it('refusals and errors: wrong token, mass delete, a plan that would erase a secret, preflight, config', async ({
    onTestFinished,
  }) => {
    const fx = fixtures(onTestFinished);
    const { sim, env, configPath } = await start(fx);
    const unauthorized = await run(['plan', '--config', configPath], { ...env, GHES_TOKEN: WRONG_TOKEN });
    expect(unauthorized.code).toBe(1);
    expect(unauthorized.stderr).toMatch(/authentication failed/);

    const massDelete = await fx.writeConfig({ version: 1, prune: { webhooks: true } });
    const refused = await run(['apply', '--config', massDelete], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refusing to apply: the plan deletes all 1 live global webhooks/);

    // The live webhook has a secret; changing it without a `secret` key would erase it.
    const erase = await fx.writeConfig({ version: 1, webhooks: [{ url: 'https://legacy.example.com/in' }] });
    const planRefused = await run(['apply', '--config', erase], env);
    expect(planRefused.code).toBe(1);
    expect(planRefused.stderr).toMatch(/would erase its secret/);

    sim.state.setFile('platform/hooks', 'check.sh', null);
    const preflight = await run(['apply', '--config', configPath], env);
    expect(preflight.code).toBe(1);
    expect(preflight.stderr).toMatch(/script check.sh not found on the default branch \(main\) of platform\/hooks/);

    const unset = await run(['plan', '--config', configPath], { ...env, SECOND_SECRET: '' });
    expect(unset.code).toBe(1);
    expect(sim.requests.filter('POST')).toEqual([]);
    expect(sim.requests.filter('PATCH')).toEqual([]);
    expect(sim.requests.filter('DELETE')).toEqual([]);
  });
});
