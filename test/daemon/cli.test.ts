// `ghes-gitops serve` as users run it, from the bundle (one case in process, see there): `--once` and its exit
// codes, flags checked before anything starts, JSON logs with the bound address, readiness, and SIGTERM during a
// slow apply.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/args.js';
import { ROOT, STACK_FRAME, finished, runCli, runCliInProcess, startCli } from '../helpers/cli.js';
import { mutations, simulator, tempDir } from '../helpers/harness.js';
import type { Simulator } from '../../src/sim/server.js';

const CONFIG = `version: 1
webhooks:
  - url: https://hooks.example.com/daemon
`;

function configFile(text = CONFIG): string {
  const path = join(tempDir(), 'ghes-gitops.yml');
  writeFileSync(path, text);
  return path;
}

const env = (sim: Simulator) => ({ GHES_API_URL: sim.url, GHES_TOKEN: sim.adminToken });

describe('serve --once', () => {
  it('applies, then exits 0; a second run finds nothing to do', async () => {
    const sim = await simulator();
    const config = configFile();
    const first = await runCli(['serve', '--once', '--config', config], { env: env(sim) });
    expect(first.code).toBe(0);
    expect(sim.state.webhooks()).toHaveLength(1);
    const lines = first.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; level: number });
    expect(lines.some((line) => /applied: Apply: 1 succeeded/.test(line.msg))).toBe(true);
    const second = await runCli(['serve', '--once', '--config', config, '--log-format', 'text'], { env: env(sim) });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/info +reconcile \(once\): in-sync/);
    expect(second.stdout).not.toContain(sim.adminToken);
  });

  it('--concurrency bounds every request, the reads of observe included, as in the CLI', async () => {
    const sim = await simulator();
    sim.configureFaults({ seed: 1, latencyMs: 15 }); // so that unbounded list requests would overlap
    const config = configFile(`version: 1
webhooks:
  - url: https://hooks.example.com/one
  - url: https://hooks.example.com/two
`);
    const run = await runCliInProcess(['serve', '--once', '--config', config, '--concurrency', '1'], {
      env: env(sim),
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(sim.state.webhooks()).toHaveLength(2);
    expect(sim.requests.filter('GET', '/admin/hooks').length).toBeGreaterThanOrEqual(1);
    expect(sim.requests.peakConcurrency).toBe(1);
  });

  it('exits 1 on an invalid config, says where, and sends nothing', async () => {
    const sim = await simulator();
    const run = await runCli(['serve', '--once', '--config', configFile('version: 1\nwebhooks: 3\n')], {
      env: env(sim),
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/ghes-gitops\.yml:2:11: error: webhooks must be a list/);
    expect(run.stdout + run.stderr).not.toMatch(STACK_FRAME);
    expect(sim.requests.entries).toEqual([]);
  });

  // In process: the bundle would wait out the client's real backoff between retries (about 7 s), shrunk here.
  it('exits 1 when the instance cannot be reached', async () => {
    const run = await runCliInProcess(['serve', '--once', '--config', configFile(), '--request-timeout', '2'], {
      env: { GHES_API_URL: 'http://127.0.0.1:9/api/v3', GHES_TOKEN: 'x-token' },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/failed: cannot reach http:\/\/127\.0\.0\.1:9\/api\/v3/);
  });

  it('checks every flag before starting', async () => {
    for (const [flag, value, message] of [
      ['--mode', 'sync', /--mode takes apply or plan/],
      ['--interval', 'soon', /--interval takes a duration/],
      ['--listen', 'localhost', /--listen takes HOST:PORT/],
      ['--log-format', 'xml', /--log-format takes json or text/],
      ['--webhook-repo', 'not a repo', /--webhook-repo takes OWNER\/NAME/],
    ] as const) {
      const run = await runCli(['serve', '--once', flag, value], {
        env: { GHES_API_URL: 'http://127.0.0.1:9/api/v3', GHES_TOKEN: 't0ken' },
      });
      expect(run.code, flag).toBe(1);
      expect(run.stderr).toMatch(message);
    }
  });
});

describe('serve', () => {
  it('logs the address it bound, turns ready, and exits 0 on SIGTERM during a slow apply', async () => {
    const sim = await simulator({ downloadMs: 60_000 });
    const config = configFile(
      `${CONFIG}environments:\n  - name: slow\n    image_url: https://files.example.com/e.tgz\n`,
    );
    const child = startCli(
      ['serve', '--config', config, '--listen', '127.0.0.1:0', '--interval', '1h', '--shutdown-timeout', '10s'],
      { env: { ...env(sim), GHES_GITOPS_WEBHOOK_SECRET: 'webhook-secret-x' } },
    );
    let url: string | undefined;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      url ??= /"msg":"listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(chunk)?.[1];
    });
    const run = finished(child, { timeoutMs: 20_000 });
    const until = async (check: () => boolean | Promise<boolean>) => {
      const deadline = Date.now() + 10_000;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error('timed out');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    // The environment's download takes a minute: the apply is waiting on it.
    await until(() => sim.requests.entries.some((e) => e.method === 'POST' && e.path.endsWith('/downloads')));
    await until(() => url !== undefined);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const signalled = Date.now();
    child.kill('SIGTERM');
    const result = await run;
    // 0, not 1: the pass finished within --shutdown-timeout, without waiting for the minute-long download.
    expect(result.code).toBe(0);
    expect(sim.requests.entries.every((e) => e.status !== null)).toBe(true);
    expect(sim.requests.entries.filter((e) => e.method !== 'GET' && e.startedAt > signalled)).toEqual([]);
    expect(mutations(sim)).toContain('POST /admin/pre-receive-environments/2/downloads');
    expect(result.stdout).toContain('"msg":"stopped"');
    expect(result.stdout + result.stderr).not.toContain('webhook-secret-x');
    expect(result.stdout + result.stderr).not.toContain(sim.adminToken);
  });
});

describe('serve: README and --help', () => {
  it('documents every flag of serve in the README Daemon section', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('<!-- daemon:start -->'), readme.indexOf('<!-- daemon:end -->'));
    for (const flag of Object.keys(COMMANDS.serve.flags)) expect(section, flag).toContain(`\`--${flag}`);
  });
});
