// The CLI's guard rails, through the bundle: usage mistakes, flags that would silently misbehave, URLs that must not
// receive the site-admin token, files that cannot be written, and one JSON shape for apply.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { helpText } from '../../src/cli/args.js';
import { expectNeverPrinted, ROOT, runCli, STACK_FRAME, type CliRun } from '../helpers/cli.js';
import { mutations, scoped } from '../helpers/harness.js';

const TOKEN = 'ghp_safetySuiteToken0123456789abcd';
const MINIMAL = resolve(ROOT, 'examples/minimal.yml');

afterAll(() => expectNeverPrinted(TOKEN));

function expectUserError(run: CliRun, message: RegExp): void {
  expect(run.stderr).toMatch(message);
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).not.toMatch(STACK_FRAME);
  expect(run.stderr).not.toContain('internal error');
}

describe.concurrent('usage', () => {
  it('no arguments: the overview on stderr, exit 1', async () => {
    const run = await runCli([]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`${helpText()}\n`);
  });

  it.each([
    [['plan', '--detailed-exitcod'], /Unknown option '--detailed-exitcod': did you mean `--detailed-exitcode`\?/],
    [['apply', '--dryrun'], /did you mean `--dry-run`\?/],
    [['plan', '--dry-run'], /`--dry-run` is a flag of `apply`, not of `plan`/],
    [['export', '--out', 'x.yml'], /`--out` is a flag of `plan`, not of `export`/],
    [['aply'], /unknown command `aply`: did you mean `apply`\?/],
    [['plan', '--zzzzzzzz'], /^Unknown option '--zzzzzzzz'\. See `ghes-gitops plan --help`\.\n$/],
  ])('%j gets a hint', async (args, message) => {
    expectUserError(await runCli(args), message);
  });

  it.each([
    [
      ['plan', '--request-timeout', '0'],
      /--request-timeout takes a duration above zero, such as 600, 90s or 10m, not `0`/,
    ],
    [['plan', '--request-timeout=-5', '--config', MINIMAL], /--request-timeout takes a duration above zero.*not `-5`/],
    [
      ['plan', '--request-timeout', '-5', '--config', MINIMAL],
      /--request-timeout needs a value \(one that starts with "-" is written/,
    ],
    [['apply', '--request-timeout', '0s', '--config', MINIMAL], /--request-timeout takes a duration above zero/],
    [
      ['apply', '--download-timeout', '0', '--config', MINIMAL],
      /--download-timeout takes a duration above zero.*not `0`/,
    ],
    [['export', '--request-timeout', '0'], /--request-timeout takes a duration above zero/],
  ])('%j is refused before anything is sent', async (args, message) => {
    // Port 9 answers nothing: a refusal that came after connecting would say "cannot reach" instead.
    const run = await runCli(args, {
      env: { GHES_API_URL: 'http://127.0.0.1:9/api/v3', GHES_TOKEN: TOKEN },
    });
    expectUserError(run, message);
    expect(run.stderr).not.toMatch(/cannot reach/);
  });

  it('--verbose and --no-color are taken by every command', async ({ onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const validate = await runCli(['validate', '--config', MINIMAL, '--verbose', '--no-color']);
    expect(validate.stderr).toContain(`read ${MINIMAL}`);
    expect(validate.code).toBe(0);
    const sim = await fx.simulator({ adminTokens: [TOKEN] });
    const exported = await runCli(['export', '--verbose', '--no-color'], {
      env: { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN },
    });
    expect(exported.code).toBe(0);
    expect(exported.stderr).toMatch(/GET \/admin\/hooks.*: 200/);
    for (const command of ['simulate', 'validate', 'export', 'plan', 'apply']) {
      const help = await runCli([command, '--help']);
      expect(help.stdout).toMatch(/--verbose/);
      expect(help.stdout).toMatch(/--no-color/);
    }
  });
});

describe.concurrent('where the token may go', () => {
  it.each([
    [{ GITHUB_API_URL: 'https://api.github.com' }, [], /from GITHUB_API_URL\): it is GitHub\.com/],
    [
      { GHES_API_URL: 'https://API.GitHub.com/' },
      [],
      /refusing to send the site-admin token to https:\/\/api\.github\.com/,
    ],
    [{}, ['--api-url', 'https://github.com/api/v3'], /from --api-url\): it is GitHub\.com/],
  ])('refuses GitHub.com (%j %j)', async (env, args, message) => {
    const run = await runCli(['plan', '--config', MINIMAL, ...args], { env: { ...env, GHES_TOKEN: TOKEN } });
    expectUserError(run, message);
  });

  it('refuses credentials in the URL without echoing them', async () => {
    const run = await runCli(['plan', '--config', MINIMAL, '--api-url', 'https://me:hunter2@ghes.example.com/api/v3'], {
      env: { GHES_TOKEN: TOKEN },
    });
    expectUserError(run, /must not hold credentials/);
    expect(run.stderr).not.toContain('hunter2');
  });

  it('warns on plain http to another host; a host that does not resolve is reported at once, not retried', async () => {
    const run = await runCli(['plan', '--config', MINIMAL, '--verbose'], {
      env: { GHES_API_URL: 'http://ghes.invalid/api/v3', GHES_TOKEN: TOKEN },
    });
    expect(run.stderr).toMatch(/http:\/\/ghes\.invalid is plain http: the token and webhook secrets cross the network/);
    expect(run.stderr).toMatch(/cannot resolve the host name ghes\.invalid \((ENOTFOUND|EAI_AGAIN)/);
    expect(run.stderr).not.toMatch(/retry/);
    expect(run.stderr).not.toMatch(/\b500\b/);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  it('no warning for loopback over http', async ({ onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const sim = await fx.simulator({ adminTokens: [TOKEN] });
    // Preflight is not what this test is about (the simulator holds no hook scripts).
    const run = await runCli(['plan', '--config', MINIMAL, '--skip-preflight'], {
      env: { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN },
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
  });
});

describe.concurrent('files', () => {
  it.for([
    [
      ['plan', '--config', MINIMAL, '--out', '/nonexistent/x.json'],
      /^--out \/nonexistent\/x\.json: the directory \/nonexistent does not exist; create it first\n$/,
    ],
    [
      ['export', '--output', '/nonexistent/x.yml'],
      /^--output \/nonexistent\/x\.yml: the directory \/nonexistent does not exist; create it first\n$/,
    ],
    [['plan', '--config', MINIMAL, '--out', '/'], /^--out \/: that is a directory; give a file name\n$/],
  ] as const)('%j: one line naming the path, exit 1, nothing sent', async ([args, message], { onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const sim = await fx.simulator({ adminTokens: [TOKEN] });
    const run = await runCli([...args], { env: { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN } });
    expectUserError(run, message);
    expect(sim.requests.entries).toEqual([]);
  });

  it('export --output over an existing file needs --force', async ({ onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const sim = await fx.simulator({
      adminTokens: [TOKEN],
      initialState: { webhooks: [{ url: 'https://a.example.com/x' }] },
    });
    const env = { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN };
    const file = join(fx.tempDir(), 'ghes-gitops.yml');
    writeFileSync(file, 'keep me\n');
    const refused = await runCli(['export', '--output', file], { env });
    expectUserError(refused, /the file exists; pass --force to replace it/);
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
    expect(sim.requests.entries).toEqual([]);

    const forced = await runCli(['export', '--output', file, '--force'], { env });
    expect(forced.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('- url: https://a.example.com/x');
  });

  it('plan --out replaces an existing plan file, as terraform -out does', async ({ onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const sim = await fx.simulator({ adminTokens: [TOKEN] });
    const file = join(fx.tempDir(), 'plan.json');
    writeFileSync(file, 'old');
    const run = await runCli(['plan', '--config', MINIMAL, '--out', file, '--skip-preflight'], {
      env: { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN },
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ formatVersion: 1 });
  });
});

describe.concurrent('apply --format json', () => {
  it('prints {plan, result} whether or not anything changed', async ({ onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const sim = await fx.simulator({ adminTokens: [TOKEN], initialState: { auto_register_repositories: true } });
    sim.state.addRepository({ full_name: 'DevIT/hooks' });
    const env = { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN };
    const config = fx.writeConfig('version: 1\nwebhooks:\n  - url: https://a.example.com/x\n');
    type Output = {
      plan: { formatVersion: number; operations: unknown[] };
      result: { counts: Record<string, number>; results: unknown[] };
    };
    const first = await runCli(['apply', '--config', config, '--format', 'json'], { env });
    expect(first.code).toBe(0);
    const changed = JSON.parse(first.stdout) as Output;
    expect(changed.plan.operations).toHaveLength(1);
    expect(changed.result.counts.succeeded).toBe(1);

    const second = await runCli(['apply', '--config', config, '--format', 'json'], { env });
    expect(second.code).toBe(0);
    const unchanged = JSON.parse(second.stdout) as Output;
    expect(Object.keys(unchanged)).toEqual(['plan', 'result']);
    expect(unchanged.plan).toMatchObject({ formatVersion: 1, operations: [] });
    expect(unchanged.result).toEqual({
      results: [],
      counts: { succeeded: 0, failed: 0, skipped: 0, not_started: 0 },
      dryRun: false,
      interrupted: false,
    });
    expect(mutations(sim)).toHaveLength(1);
  });
});
