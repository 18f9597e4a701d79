// `serve --repo` and `serve --report-issue` as users run them, from the bundle: the flags are checked before
// anything is sent, a commit of the repository is applied, an invalid one fails with its location in the
// repository and opens the drift issue, and no token is ever printed.
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/args.js';
import type { Simulator } from '../../src/sim/server.js';
import { STACK_FRAME, runCli } from '../helpers/cli.js';
import { mutations, simulator } from '../helpers/harness.js';

const REPO = 'platform/ghes-config';
const HOOKS = 'config/webhooks.yml';
const VALID = 'version: 1\nwebhooks:\n  - url: https://hooks.example.com/from-repo\n';

async function withConfigRepository(content = VALID): Promise<Simulator> {
  const sim = await simulator();
  sim.state.addRepository({ full_name: REPO, files: { [HOOKS]: { executable: false, content } } });
  return sim;
}

const env = (sim: Simulator, extra: Record<string, string> = {}) => ({
  GHES_API_URL: sim.url,
  GHES_TOKEN: sim.adminToken,
  GHES_SOURCE_TOKEN: sim.userToken!,
  ...extra,
});

describe('serve --repo', () => {
  it('--help lists the repository source and report flags', async () => {
    const run = await runCli(['serve', '--help']);
    expect(run.code).toBe(0);
    for (const flag of [
      '--repo',
      '--ref',
      '--repo-api-url',
      '--source-interval',
      '--report-issue',
      '--report-api-url',
    ]) {
      expect(run.stdout).toContain(flag);
      expect(Object.keys(COMMANDS.serve.flags)).toContain(flag.slice(2));
    }
  });

  it('--once applies the repository head, read with GHES_SOURCE_TOKEN, and prints no token', async () => {
    const sim = await withConfigRepository();
    const run = await runCli(['serve', '--once', '--repo', `${REPO}/config`, '--log-format', 'text'], {
      env: env(sim),
    });
    expect(run.code).toBe(0);
    expect(sim.state.webhooks().map((w) => w.url)).toEqual(['https://hooks.example.com/from-repo']);
    const head = sim.state.resolveCommit(REPO, 'main') as { sha: string };
    expect(run.stdout).toContain(`main@sha1:${head.sha}`);
    expect(run.stdout + run.stderr).not.toContain(sim.userToken!);
    expect(run.stdout + run.stderr).not.toContain(sim.adminToken);
  });

  it('--once on an invalid commit exits 1, names the file in the repository, and opens the drift issue', async () => {
    const sim = await withConfigRepository('version: 1\nwebhooks: 3\n');
    const run = await runCli(
      ['serve', '--once', '--repo', `${REPO}/config`, '--report-issue', 'platform/alerts', '--log-format', 'text'],
      { env: env(sim, { GITHUB_TOKEN: sim.userToken! }) },
    );
    expect(run.code).toBe(1);
    const short = (sim.state.resolveCommit(REPO, 'main') as { sha: string }).sha.slice(0, 7);
    expect(run.stdout).toContain(`${REPO}@${short}:${HOOKS}:2:11: error: webhooks must be a list`);
    expect(run.stdout + run.stderr).not.toMatch(STACK_FRAME);
    expect(mutations(sim).filter((line) => line.includes('/admin/'))).toEqual([]);
    const [issue] = sim.state.issues.list('platform/alerts');
    expect(issue?.title).toMatch(/is stalled/);
    expect(issue?.body).toContain(`${REPO}@${short}:${HOOKS}:2:11`);
    expect(issue?.body).not.toContain(sim.userToken!);
  });

  it.each([
    [['--repo', 'acme'], /invalid --repo "acme": expected OWNER\/NAME/],
    [['--repo', 'acme/cfg', '--config', 'x.yml'], /--repo and --config both name the desired state/],
    [['--ref', 'main'], /--ref goes with --repo, which is not given/],
    [['--repo', 'acme/cfg', '--source-interval', 'soon'], /source-interval/],
    [['--repo', 'acme/cfg', '--repo-api-url', 'ftp://x'], /--repo-api-url takes an http\(s\) API URL/],
    [['--report-issue', 'acme'], /invalid --report-issue "acme": expected OWNER\/REPO/],
    [['--report-api-url', 'https://x'], /--report-api-url goes with --report-issue/],
    [['--report-issue', 'acme/alerts'], /--report-issue acme\/alerts: set GITHUB_TOKEN/],
  ])('refuses %j with exit 1 before sending anything', async (args, message) => {
    const sim = await withConfigRepository();
    const run = await runCli(['serve', '--once', ...args], { env: env(sim) });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(sim.requests.entries).toEqual([]);
  });

  it('reads the repository with GHES_SOURCE_TOKEN, else GHES_TOKEN', async () => {
    const sim = await withConfigRepository();
    // A source token the server refuses fails on the repository, though GHES_TOKEN would have read it.
    const refused = await runCli(['serve', '--once', '--repo', `${REPO}/config`, '--log-format', 'text'], {
      env: env(sim, { GHES_SOURCE_TOKEN: 'not-a-known-token' }),
    });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/cannot read the config repository platform\/ghes-config: authentication failed/);
    expect(refused.stdout).not.toContain('not-a-known-token');
    expect(sim.state.webhooks()).toEqual([]);

    const fallback = await runCli(['serve', '--once', '--repo', `${REPO}/config`], {
      env: { GHES_API_URL: sim.url, GHES_TOKEN: sim.adminToken },
    });
    expect(fallback.code).toBe(0);
    expect(sim.state.webhooks()).toHaveLength(1);
  });
});
