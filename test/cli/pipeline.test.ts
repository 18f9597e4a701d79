// plan, apply and export against the simulator: exit codes, output formats, stdout for data and stderr for logs,
// connection failures, and never a secret or the token printed. From the sources, in process (runCliInProcess),
// except what only the bundle in a child process shows: colour on a terminal, a reader that goes away.
// Every test runs concurrently with the others.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SimStateInput } from '../../src/sim/server.js';
import {
  ANSI,
  finished,
  ROOT,
  runCli,
  runCliInProcess,
  runCliOnTty,
  STACK_FRAME,
  startCli,
  transcript,
  expectNeverPrinted,
  type CliRun,
} from '../helpers/cli.js';
import { lastSeq, mutations, requestsAfter, scoped, type Fixtures } from '../helpers/harness.js';

const TOKEN = 'ghp_cliSuiteToken0123456789abcdef';
const SECRET = 'cli-canary-secret-5e1f9a';
const EXAMPLE = resolve(ROOT, 'examples/ghes-gitops.yml');
const MINIMAL = resolve(ROOT, 'examples/minimal.yml');
const BAD_TOKEN = 'ghp_wrongToken00000000000000000000';

/** The scripts the main example's hooks run, so that apply's preflight check passes. */
const SCRIPTS: SimStateInput = {
  repositories: [
    { full_name: 'DevIT/hooks', files: ['scripts/commit_check.sh', 'scripts/block_large_files.sh'] },
    { full_name: 'Security/pre-receive-hooks', files: ['scan/secrets.sh'] },
  ],
  auto_register_repositories: true,
};

async function instance(fx: Fixtures, initialState: SimStateInput = SCRIPTS) {
  const sim = await fx.simulator({ adminTokens: [TOKEN], initialState });
  const options = (extra: Record<string, string> = {}) => ({
    env: { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN, GHES_AUDIT_HOOK_SECRET: SECRET, ...extra },
  });
  return {
    sim,
    cli: (args: string[], extra?: Record<string, string>) => runCliInProcess(args, options(extra)),
    options,
  };
}

function expectUserError(run: CliRun, message: RegExp): void {
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(STACK_FRAME);
  expect(run.stderr).not.toContain('internal error');
}

/** A loopback port that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

afterAll(() => {
  // Every run of this file, whatever it printed: the token and the secret never appear.
  expect(transcript.length).toBeGreaterThan(10);
  expectNeverPrinted(TOKEN, SECRET, BAD_TOKEN);
});

describe.concurrent('the CLI against a GHES API', () => {
  describe('connection errors, without a server', () => {
    // It waits out the client's retries, shrunk to a millisecond each in process.
    it('an unreachable server: names the URL', async () => {
      const url = `http://127.0.0.1:${await closedPort()}/api/v3`;
      const run = await runCliInProcess(['plan', '--config', MINIMAL], {
        env: { GHES_API_URL: url, GHES_TOKEN: BAD_TOKEN },
      });
      expectUserError(run, new RegExp(`cannot reach ${url.replace(/[.]/g, '\\.')}: ECONNREFUSED`));
    });

    it('no token: names GHES_TOKEN', async () => {
      const run = await runCliInProcess(['plan', '--config', MINIMAL], {
        env: { GHES_API_URL: 'http://127.0.0.1:1/api/v3' },
      });
      expectUserError(run, /no token: set GHES_TOKEN \(or GITHUB_TOKEN\)/);
    });

    it('no API URL: names --api-url and GHES_API_URL', async () => {
      const run = await runCliInProcess(['export'], { env: { GHES_TOKEN: BAD_TOKEN } });
      expectUserError(run, /no GHES API URL: pass --api-url or set GHES_API_URL/);
    });

    it('a malformed API URL', async () => {
      const run = await runCliInProcess(['plan', '--config', MINIMAL, '--api-url', 'ghes.example.com'], {
        env: { GHES_TOKEN: BAD_TOKEN },
      });
      expectUserError(run, /invalid GHES API URL "ghes\.example\.com"/);
    });
  });

  describe('plan', () => {
    it('text: the operations and the summary on stdout, nothing on stderr; the secret shows as (sensitive)', async ({
      onTestFinished,
    }) => {
      const fx = scoped(onTestFinished);
      const { sim, cli } = await instance(fx);
      const run = await cli(['plan', '--config', EXAMPLE]);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/\+ create environment "DevTools Hook Env"/);
      expect(run.stdout).toMatch(/secret: +\(sensitive\)/);
      expect(run.stdout).toMatch(/Plan: 7 to create, 0 to update, 0 to delete, 2 to download\./);
      expect(mutations(sim)).toEqual([]);
    });

    it('--detailed-exitcode: 2 with changes, 0 without', async ({ onTestFinished }) => {
      const fx = scoped(onTestFinished);
      const { cli } = await instance(fx);
      expect((await cli(['plan', '--config', EXAMPLE, '--detailed-exitcode'])).code).toBe(2);
      expect((await cli(['apply', '--config', EXAMPLE])).code).toBe(0);
      const after = await cli(['plan', '--config', EXAMPLE, '--detailed-exitcode']);
      expect(after.code).toBe(0);
      expect(after.stdout).toMatch(/No changes/);
    });

    it('json: one JSON document on stdout with formatVersion 1, operations, unmanaged, summary; logs on stderr', async ({
      onTestFinished,
    }) => {
      const fx = scoped(onTestFinished);
      const { cli } = await instance(fx, { ...SCRIPTS, webhooks: [{ url: 'https://other.example.com/x' }] });
      const run = await cli(['plan', '--config', EXAMPLE, '--format', 'json', '--verbose']);
      expect(run.code).toBe(0);
      const plan = JSON.parse(run.stdout) as Record<string, unknown>;
      expect(plan).toMatchObject({
        formatVersion: 1,
        operations: expect.any(Array),
        unmanaged: [{ kind: 'webhook', key: 'https://other.example.com/x', id: 1 }],
        summary: { create: 7, update: 0, delete: 0, download: 2 },
      });
      expect(run.stdout).toContain('"secret"');
      expect(run.stdout).toContain('(sensitive)');
      // --verbose logs requests, to stderr only.
      expect(run.stderr).toMatch(/^debug: /m);
      expect(run.stderr).not.toContain('"formatVersion"');
    });

    it('markdown: the pull-request comment form', async ({ onTestFinished }) => {
      const fx = scoped(onTestFinished);
      const { cli } = await instance(fx);
      const run = await cli(['plan', '--config', EXAMPLE, '--format', 'markdown']);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^### /m);
      expect(run.stdout).toMatch(/^\|.*\|$/m);
      expect(run.stdout).toMatch(/\*\*Plan: 7 to create/);
    });

    it('--out FILE also writes the JSON plan', async ({ onTestFinished }) => {
      const fx = scoped(onTestFinished);
      const { cli } = await instance(fx);
      const out = join(fx.tempDir(), 'plan.json');
      const run = await cli(['plan', '--config', EXAMPLE, '--out', out]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Plan: 7 to create/);
      expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ formatVersion: 1, summary: { create: 7 } });
    });

    it('colour on a terminal, none with NO_COLOR or --no-color, none when piped', async ({ onTestFinished }) => {
      const fx = scoped(onTestFinished);
      const { options } = await instance(fx);
      const args = ['plan', '--config', EXAMPLE];
      const tty = await runCliOnTty(args, options());
      if (tty === undefined) return; // no `script` here: the piped cases below still run in the other tests
      expect(tty.code).toBe(0);
      expect(tty.stdout).toMatch(ANSI);
      const noColor = await runCliOnTty(args, options({ NO_COLOR: '1' }));
      expect(noColor!.stdout).toMatch(/Plan: 7 to create/);
      expect(noColor!.stdout).not.toMatch(ANSI);
      const flag = await runCliOnTty([...args, '--no-color'], options());
      expect(flag!.stdout).toMatch(/Plan: 7 to create/);
      expect(flag!.stdout).not.toMatch(ANSI);
      expect((await runCli(args, options())).stdout).not.toMatch(ANSI);
    });

    it('a reader that goes away (`plan | head`) ends it quietly, without a stack trace', async ({ onTestFinished }) => {
      const fx = scoped(onTestFinished);
      const { options } = await instance(fx);
      const child = startCli(['plan', '--config', EXAMPLE], options());
      child.stdout!.destroy();
      const run = await finished(child);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    });

    it('a refused plan exits 1 with every reason, and nothing is sent', async ({ onTestFinished }) => {
      const fx = scoped(onTestFinished);
      const { sim, cli } = await instance(fx, {
        environments: [{ id: 2, name: 'Old', image_url: 'https://images.example.com/old.tar.gz' }],
        hooks: [{ id: 1, name: 'theirs', script: 'a.sh', script_repository: 'org/hooks', environment_id: 2 }],
      });
      const config = fx.writeConfig('version: 1\nenvironments:\n  - name: Old\n    absent: true\n');
      for (const command of ['plan', 'apply']) {
        const run = await cli([command, '--config', config]);
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(/environment "Old" cannot be deleted .*hook "theirs" \(id 1\) still uses it/);
        expect(run.stderr).toMatch(/The plan was refused \(1 problem\); nothing was sent\./);
        expect(run.stderr).not.toMatch(STACK_FRAME);
      }
      expect(mutations(sim)).toEqual([]);
    });
  });

  describe('apply', () => {
    it('--dry-run prints the plan and sends no mutating request', async ({ onTestFinished }) => {
      const fx = scoped(onTestFinished);
      const { sim, cli } = await instance(fx);
      const run = await cli(['apply', '--config', EXAMPLE, '--dry-run']);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Plan: 7 to create/);
      expect(run.stdout).toMatch(/Dry run: nothing was sent; 9 operations would run\./);
      expect(mutations(sim)).toEqual([]);
      expect(requestsAfter(sim).length).toBeGreaterThan(0);
    });

    it('applies, reports, and a second apply sends only GETs', async ({ onTestFinished }) => {
      const fx = scoped(onTestFinished);
      const { sim, cli } = await instance(fx);
      const first = await cli(['apply', '--config', EXAMPLE, '--verbose']);
      expect(first.code).toBe(0);
      expect(first.stderr).not.toMatch(STACK_FRAME);
      expect(sim.state.webhooks().find((w) => w.url.startsWith('https://audit.'))?.secret).toBe(SECRET);
      expect(sim.state.hooks()).toHaveLength(3);

      const mark = lastSeq(sim);
      const second = await cli(['apply', '--config', EXAMPLE]);
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/No changes/);
      expect(mutations(sim, mark)).toEqual([]);
    });

    it('--format json prints the plan and the result', async ({ onTestFinished }) => {
      const fx = scoped(onTestFinished);
      const { cli } = await instance(fx);
      const run = await cli(['apply', '--config', EXAMPLE, '--format', 'json']);
      expect(run.code).toBe(0);
      const output = JSON.parse(run.stdout) as { plan: { formatVersion: number }; result: { counts: object } };
      expect(output.plan.formatVersion).toBe(1);
      expect(output.result.counts).toMatchObject({ succeeded: 9, failed: 0, skipped: 0 });
    });

    it('exits 1 when an operation fails, after doing the rest', async ({ onTestFinished }) => {
      const fx = scoped(onTestFinished);
      const { sim, cli } = await instance(fx);
      const config = fx.writeConfig(`
version: 1
environments:
  - name: Broken
    image_url: https://images.example.com/fail.tar.gz
webhooks:
  - url: https://hooks.example.com/ok
    secret: \${GHES_AUDIT_HOOK_SECRET}
`);
      const run = await cli(['apply', '--config', config]);
      expect(run.code).toBe(1);
      expect(`${run.stdout}\n${run.stderr}`).toMatch(
        /Failed to download https:\/\/images\.example\.com\/fail\.tar\.gz/,
      );
      expect(run.stderr).not.toMatch(STACK_FRAME);
      expect(sim.state.webhooks()).toMatchObject([{ url: 'https://hooks.example.com/ok', secret: SECRET }]);
    });

    it('the mass-delete guard refuses, and --allow-mass-delete lets it through', async ({ onTestFinished }) => {
      const fx = scoped(onTestFinished);
      const { sim, cli } = await instance(fx, {
        webhooks: [{ url: 'https://hooks.example.com/1' }, { url: 'https://hooks.example.com/2' }],
      });
      const config = fx.writeConfig('version: 1\nprune: true\n');
      const refused = await cli(['apply', '--config', config]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /refusing to apply: the plan deletes all 2 live global webhooks\. Nothing was sent\./,
      );
      expect(refused.stderr).toMatch(/--allow-mass-delete/);
      expect(mutations(sim)).toEqual([]);

      const allowed = await cli(['apply', '--config', config, '--allow-mass-delete']);
      expect(allowed.code).toBe(0);
      expect(sim.state.webhooks()).toEqual([]);
    });
  });

  describe('export', () => {
    it('--output FILE writes YAML that validate accepts and that plans as no change', async ({ onTestFinished }) => {
      const fx = scoped(onTestFinished);
      const { sim, cli } = await instance(fx, {
        ...SCRIPTS,
        environments: [{ id: 2, name: 'Tools', image_url: 'https://images.example.com/t.tar.gz' }],
        hooks: [
          {
            name: 'Check Commits',
            script: 'scripts/commit_check.sh',
            script_repository: 'DevIT/hooks',
            environment_id: 2,
            enforcement: 'enabled',
          },
        ],
        webhooks: [{ url: 'https://audit.example.com/x', secret: 'exported-secret-7d2e', events: ['repository'] }],
      });
      const file = join(fx.tempDir(), 'exported.yml');
      const run = await cli(['export', '--output', file]);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(`wrote ${file}`);
      const yaml = readFileSync(file, 'utf8');
      expect(yaml).toMatch(/^ {2}- name: Tools$/m);
      expect(yaml).not.toContain('exported-secret-7d2e');

      const validate = await cli(['validate', '--config', file]);
      expect(validate.code).toBe(0);
      expect(validate.stdout).toMatch(/valid \(1 environment, 1 hook, 1 webhook\)/);
      const plan = await cli(['plan', '--config', file, '--detailed-exitcode']);
      expect(plan.code).toBe(0);
      expect(mutations(sim)).toEqual([]);
    });

    it('says on stderr which environments planning the export downloads, and the plan does just that', async ({
      onTestFinished,
    }) => {
      const fx = scoped(onTestFinished);
      const { sim, cli } = await instance(fx, {
        environments: [
          { id: 2, name: 'Broken', image_url: 'https://images.example.com/b.tar.gz', download: { state: 'failed' } },
          {
            id: 3,
            name: 'Fresh',
            image_url: 'https://images.example.com/f.tar.gz',
            download: { state: 'not_started' },
          },
          { id: 4, name: 'Fine', image_url: 'https://images.example.com/o.tar.gz' },
        ],
      });
      const file = join(fx.tempDir(), 'exported.yml');
      const run = await cli(['export', '--output', file]);
      expect(run.code).toBe(0);
      expect(run.stderr).toContain(
        'the last download of environment "Broken" failed: Download failed; planning this file downloads environment "Broken" again',
      );
      expect(run.stderr).toContain('environment "Fresh" was never downloaded; planning this file downloads');
      expect(run.stderr).not.toContain('"Fine"');
      const plan = await cli(['plan', '--config', file, '--format', 'json']);
      expect(plan.code).toBe(0);
      const operations = (JSON.parse(plan.stdout) as { operations: { id: string }[] }).operations;
      expect(operations.map((op) => op.id)).toEqual(['environment:download:Broken', 'environment:download:Fresh']);
      expect(mutations(sim)).toEqual([]);
    });

    it('writes `${` as `$${`, leaves out what no config can declare (saying so), and no plan deletes that, prune on or off', async ({
      onTestFinished,
    }) => {
      const fx = scoped(onTestFinished);
      const { sim, cli } = await instance(fx, {
        ...SCRIPTS,
        environments: [
          { id: 2, name: 'Tools ${HOME}', image_url: 'https://images.example.com/t.tar.gz' },
          { id: 3, name: ' Padded', image_url: 'https://images.example.com/p.tar.gz' },
          { id: 4, name: 'two\nlines', image_url: 'https://images.example.com/l.tar.gz' },
        ],
        hooks: [
          {
            name: 'Check ${GHES_TOKEN}',
            script: 'scripts/commit_check.sh',
            script_repository: 'DevIT/hooks',
            environment_id: 2,
          },
          {
            name: 'trailing ',
            script: 'scripts/block_large_files.sh',
            script_repository: 'DevIT/hooks',
            environment_id: 1,
          },
          {
            name: 'in padded',
            script: 'scan/secrets.sh',
            script_repository: 'Security/pre-receive-hooks',
            environment_id: 3,
          },
        ],
        webhooks: [{ url: 'https://audit.example.com/${x}' }, { url: 'https://audit.example.com/a\u2028b' }],
      });
      const file = join(fx.tempDir(), 'exported.yml');
      const run = await cli(['export', '--output', file]);
      expect(run.code).toBe(0);
      for (const object of [
        'environment " Padded" (id 3)',
        'environment "two\\nlines" (id 4)',
        'hook "trailing " (id 2)',
        'hook "in padded" (id 3)',
        'webhook "https://audit.example.com/a\\u2028b" (id 2)',
      ]) {
        expect(run.stderr).toContain(`${object} is left out of the file: `);
      }
      expect(run.stderr).toContain(
        'its name " Padded" starts or ends with white space, which no config can declare; fix it on the instance ' +
          '(site admin: rename it, or correct the field), then export again. No plan prunes it meanwhile.',
      );
      const yaml = readFileSync(file, 'utf8');
      expect(yaml).toContain(
        '# Left out: 5 live object(s) that no config can declare as they are (no plan prunes them):\n',
      );
      expect(yaml).toContain(
        '# - hook "in padded" (id 3): it runs in environment " Padded", whose name starts or ends with white space.\n',
      );
      expect(yaml).toMatch(/^ {2}- name: "Tools \$\$\{HOME\}"$/m);
      expect(yaml).toMatch(/^ {2}- url: "https:\/\/audit\.example\.com\/\$\$\{x\}"$/m);

      const validate = await cli(['validate', '--config', file]);
      expect(validate.stderr).toBe('');
      expect(validate.stdout).toMatch(/valid \(1 environment, 1 hook, 1 webhook\)/);
      const plan = await cli(['plan', '--config', file, '--detailed-exitcode']);
      expect(plan.code).toBe(0);
      writeFileSync(file, yaml.replace('\nprune: false\n', '\nprune: true\n'));
      const pruned = await cli(['plan', '--config', file, '--format', 'json', '--detailed-exitcode']);
      expect(pruned.code).toBe(0);
      const json = JSON.parse(pruned.stdout) as { unmanaged: { id: number }[]; warnings: { code: string }[] };
      expect(json.unmanaged).toHaveLength(5);
      expect(json.warnings.filter((warning) => warning.code === 'undeclarable-kept')).toHaveLength(5);
      const apply = await cli(['apply', '--config', file, '--auto-approve']);
      expect(apply.code).toBe(0);
      expect(mutations(sim)).toEqual([]);
    });

    it('without --output writes the YAML to stdout', async ({ onTestFinished }) => {
      const fx = scoped(onTestFinished);
      const { cli } = await instance(fx, { webhooks: [{ url: 'https://a.example.com/x' }] });
      const run = await cli(['export']);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^version: 1$/m);
      expect(run.stdout).toContain('- url: https://a.example.com/x');
    });
  });

  describe('connection errors, with a server that says no', () => {
    it('a bad token (401): authentication failed', async ({ onTestFinished }) => {
      const fx = scoped(onTestFinished);
      const sim = await fx.simulator();
      for (const args of [['plan', '--config', MINIMAL], ['apply', '--config', MINIMAL], ['export']]) {
        const run = await runCliInProcess(args, { env: { GHES_API_URL: sim.url, GHES_TOKEN: BAD_TOKEN } });
        expectUserError(run, new RegExp(`authentication failed: the token was rejected by ${sim.url}`));
      }
      expect(mutations(sim)).toEqual([]);
    });

    it('a token that is not a site admin (404 on /admin): says the site_admin scope is needed', async ({
      onTestFinished,
    }) => {
      const fx = scoped(onTestFinished);
      const sim = await fx.simulator();
      const run = await runCliInProcess(['apply', '--config', MINIMAL], {
        env: { GHES_API_URL: sim.url, GHES_TOKEN: sim.userToken },
      });
      expectUserError(run, /404.*not a site administrator's classic token with the site_admin scope/);
      expect(mutations(sim)).toEqual([]);
    });

    it('--api-url wins over GHES_API_URL', async ({ onTestFinished }) => {
      const fx = scoped(onTestFinished);
      const sim = await fx.simulator({ initialState: SCRIPTS });
      const run = await runCliInProcess(['plan', '--config', MINIMAL, '--api-url', sim.url], {
        env: { GHES_API_URL: `http://127.0.0.1:${await closedPort()}/api/v3`, GHES_TOKEN: sim.adminToken },
      });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Plan: 1 to create/);
    });
  });
});
