// The committed bundle's surface that needs no server: help, version, argument errors, validate, and proof that
// dist/cli.js runs on its own, without node_modules.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS, helpText, type CommandName } from '../../src/cli/args.js';
import { CLI, expectNeverPrinted, ROOT, runCli, STACK_FRAME } from '../helpers/cli.js';
import { mutations, scoped } from '../helpers/harness.js';

const SECRET_ENV = { GHES_AUDIT_HOOK_SECRET: 'validate-canary-secret-31c4' };
const example = (name: string) => resolve(ROOT, 'examples', name);
const fixture = (name: string) => resolve(ROOT, 'test/fixtures/config', name);
afterAll(() => expectNeverPrinted(SECRET_ENV.GHES_AUDIT_HOOK_SECRET, 'unused-token'));

const packageJson = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
};
const version = packageJson.version;

describe.concurrent('help and version', () => {
  it('--help prints the overview and exits 0 (with no arguments at all, it goes to stderr and exits 1)', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${helpText()}\n`);
    for (const name of Object.keys(COMMANDS)) expect(run.stdout).toMatch(new RegExp(`^  ${name}\\s`, 'm'));
    expect(run.stderr).toBe('');
  });

  // The bundle's help is the sources' help: a stale dist/ fails here.
  it.each(Object.keys(COMMANDS) as CommandName[])('%s --help lists every flag of the command', async (name) => {
    const run = await runCli([name, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: ghes-gitops ${name}`);
    for (const flag of Object.keys(COMMANDS[name].flags)) expect(run.stdout).toContain(`--${flag}`);
    expect(run.stdout).toBe(`${helpText(name)}\n`);
    expect(run.stderr).toBe('');
  });

  it('`help plan` is `plan --help`', async () => {
    const run = await runCli(['help', 'plan']);
    expect(run).toMatchObject({ code: 0, stdout: `${helpText('plan')}\n`, stderr: '' });
  });

  it('--version prints the package version', async () => {
    const run = await runCli(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe.concurrent('argument errors exit 1 with a message, never a stack trace', () => {
  it.each([
    [['deploy'], /unknown command `deploy`\. Commands: validate, plan, apply, export, serve, simulate/],
    [['plan', '--bogus'], /Unknown option '--bogus'\. See `ghes-gitops plan --help`/],
    [['validate', 'extra.yml'], /Unexpected argument 'extra\.yml'|positional/i],
    [['validate', '--config'], /--config/],
    [['plan', '--format', 'yaml'], /--format takes text, json, markdown, not `yaml`/],
    [['apply', '--concurrency', '0'], /--concurrency takes a whole number from 1 to 64, not `0`/],
    [['apply', '--download-timeout', 'soon'], /--download-timeout takes a duration/],
    [['simulate', '--port', 'http'], /--port takes 0 to 65535, not `http`/],
  ])('%j', async (args, message) => {
    const run = await runCli(args, {
      env: { GHES_API_URL: 'http://127.0.0.1:9/api/v3', GHES_TOKEN: 'unused-token', ...SECRET_ENV },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.stderr).not.toContain('internal error');
    expect(run.stdout).toBe('');
  });
});

describe.concurrent('validate', () => {
  it.each([
    ['ghes-gitops.yml', SECRET_ENV, /valid \(2 environments, 4 hooks, 2 webhooks\)/],
    ['minimal.yml', {}, /valid \(0 environments, 1 hook, 0 webhooks\)/],
    ['multi-file', SECRET_ENV, /valid \(1 environment, 2 hooks, 1 webhook\)/],
  ])('examples/%s is valid', async (name, env, summary) => {
    const run = await runCli(['validate', '--config', example(name)], { env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(summary);
  });

  it('the main example without its secret variable fails, naming the variable and the line', async () => {
    const run = await runCli(['validate', '--config', example('ghes-gitops.yml')]);
    expect(run.code).toBe(1);
    const source = readFileSync(example('ghes-gitops.yml'), 'utf8').split('\n');
    const line = source.findIndex((text) => text.includes('${GHES_AUDIT_HOOK_SECRET}')) + 1;
    expect(run.stderr).toMatch(
      new RegExp(`examples/ghes-gitops\\.yml:${line}:\\d+: error: .*\`GHES_AUDIT_HOOK_SECRET\`, which is not set`),
    );
  });

  it.each([
    ['bad-enforcement.yml', [[7, 18, /enforcement must be one of enabled, disabled, testing; got `enabeld`/]]],
    ['unknown-key.yml', [[7, 5, /unknown key `enforcment`/]]],
    ['missing-environment.yml', [[3, 5, /is missing `environment`/]]],
    ['syntax-error.yml', [[5, 3, /YAML syntax error/]]],
    ['duplicate-key.yml', [[8, 5, /duplicate key `enforcement` \(first at line 7\)/]]],
    [
      'multiple-errors.yml',
      [
        [7, 18, /got `always`/],
        [10, 19, /content_type must be one of json, form; got `xml`/],
        [12, 19, /insecure_ssl must be true or false/],
      ],
    ],
  ] as const)('%s exits 1 with FILE:LINE:COL: error: for each problem', async (name, expected) => {
    const run = await runCli(['validate', '--config', fixture(name)]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const errors = run.stderr.split('\n').filter((line) => / error: /.test(line));
    expect(errors).toHaveLength(expected.length);
    expected.forEach(([line, column, message], i) => {
      expect(errors[i]).toMatch(new RegExp(`^${fixture(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:`));
      expect(errors[i]).toContain(`:${line}:${column}: error: `);
      expect(errors[i]).toMatch(message);
    });
    expect(run.stderr).toMatch(/nothing was sent/);
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  it('never prints a secret, not even from a broken file', async () => {
    const canary = 'canary-from-env-7f3a';
    const run = await runCli(['validate', '--config', fixture('secret-leak.yml')], { env: { LEAK_CANARY: canary } });
    expect(run.code).toBe(1);
    for (const text of [canary, 'literal-canary-0123456789', '8675309123']) {
      expect(run.stderr).not.toContain(text);
      expect(run.stdout).not.toContain(text);
    }
  });

  it('warns of a secret written in the file, on stderr with its line, and still exits 0', async () => {
    const path = fixture('secrets.yml');
    const run = await runCli(['validate', '--config', path], {
      env: { GHES_AUDIT_HOOK_SECRET: 'validate-canary-secret-31c4', REGION: 'eu' },
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      `${path}:11:13: warning: webhook "https://e.example.com/literal-dollar": secret is written in the config in ` +
        'plain text, so everyone who can read the repository knows it\n' +
        '  hint: keep it in an environment variable (an Actions secret) and write `secret: ${NAME}`\n',
    );
    expect(run.stdout).toMatch(/valid \(0 environments, 0 hooks, 5 webhooks\)/);
  });

  it('a missing config file exits 1 naming it', async ({ onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const run = await runCli(['validate'], { cwd: fx.tempDir() });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/ghes-gitops\.yml/);
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });
});

describe.concurrent('dist/cli.js is self-contained', () => {
  it('runs from a directory with no node_modules anywhere above it', async ({ onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const dir = fx.tempDir();
    cpSync(dirname(CLI), join(dir, 'dist'), { recursive: true });
    for (let up = dir; up !== dirname(up); up = dirname(up)) expect(existsSync(join(up, 'node_modules'))).toBe(false);
    const cli = join(dir, 'dist', 'cli.js');

    const validate = await runCli(['validate', '--config', example('ghes-gitops.yml')], {
      cli,
      cwd: dir,
      env: SECRET_ENV,
    });
    expect(validate.stderr).toBe('');
    expect(validate.code).toBe(0);

    // The network half too: Octokit, retries and all, from the one file.
    const sim = await fx.simulator({
      initialState: { repositories: [{ full_name: 'DevIT/hooks', files: ['scripts/commit_check.sh'] }] },
    });
    const plan = await runCli(['plan', '--config', example('minimal.yml'), '--format', 'json'], {
      cli,
      cwd: dir,
      env: { GHES_API_URL: sim.url, GHES_TOKEN: sim.adminToken },
    });
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout)).toMatchObject({ formatVersion: 1, summary: { create: 1 } });
    expect(mutations(sim)).toEqual([]);
  });

  // What `npm install --global .` in a clone makes (the README's way to install the command): a link named after
  // package.json's `bin`, to dist/cli.js, run by its shebang; no build, no node_modules.
  it('runs as the installed `ghes-gitops` command: a link to dist/cli.js, by its shebang', async ({
    onTestFinished,
  }) => {
    expect(packageJson.bin).toEqual({ 'ghes-gitops': 'dist/cli.js' });
    const dir = scoped(onTestFinished).tempDir();
    cpSync(dirname(CLI), join(dir, 'clone', 'dist'), { recursive: true });
    mkdirSync(join(dir, 'bin'));
    symlinkSync(join('..', 'clone', packageJson.bin['ghes-gitops']!), join(dir, 'bin', 'ghes-gitops'));

    const { stdout, stderr } = await promisify(execFile)(join(dir, 'bin', 'ghes-gitops'), ['--version'], {
      cwd: dir,
      env: { PATH: [dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter) },
    });
    expect({ stdout, stderr }).toEqual({ stdout: `${version}\n`, stderr: '' });
  });
});
