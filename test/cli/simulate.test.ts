// `ghes-gitops simulate` as a foreground server: it says where it listens, serves the admin API there, stops
// cleanly on SIGTERM, and refuses a bad state file or a busy port with a message instead of a stack.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { invokedAs, simulatorBanner } from '../../src/cli/simulate.js';
import { CLI, finished, ROOT, runCli, STACK_FRAME, startCli } from '../helpers/cli.js';
import { scoped } from '../helpers/harness.js';

/** Starts `simulate`, waits for its banner, and returns the URL it names with a way to stop it. */
async function serve(args: string[] = []) {
  const child = startCli(['simulate', '--port', '0', ...args]);
  const done = finished(child);
  let banner = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.stderr!.on('data', (chunk: string) => {
      banner += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(banner);
      if (match && banner.includes('Ctrl+C')) resolveUrl(match[1]!);
    });
    void done.then((run) => reject(new Error(`simulate exited early (${run.code}): ${run.stderr}`)));
  });
  return { child, done, url, banner };
}

const admin = { authorization: 'token ghes-sim-admin-token', accept: 'application/vnd.github+json' };

describe.concurrent('simulate', () => {
  it('--port 0 prints its URL and token, serves the admin API, and exits 0 on SIGTERM', async () => {
    const { child, done, url, banner } = await serve();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v3$/);
    expect(banner).toContain('GHES_TOKEN=ghes-sim-admin-token');
    // Run as `node <path>` (the bundle of this test run is outside the working directory): the line to paste says so.
    expect(banner).toContain(`\n  node ${CLI} plan --config examples/ghes-gitops.yml\n`);

    const environments = await fetch(`${url}/admin/pre-receive-environments`, { headers: admin });
    expect(environments.status).toBe(200);
    expect(await environments.json()).toMatchObject([{ id: 1, name: 'Default', default_environment: true }]);
    const anonymous = await fetch(`${url}/admin/hooks`);
    expect(anonymous.status).toBe(401);

    child.kill('SIGTERM');
    const run = await done;
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    await expect(fetch(`${url}/admin/hooks`, { headers: admin })).rejects.toThrow();
  });

  it('--state FILE starts from that state', async ({ onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const file = join(fx.tempDir(), 'state.json');
    writeFileSync(file, JSON.stringify({ webhooks: [{ id: 7, url: 'https://hooks.example.com/x', secret: 's' }] }));
    const { child, done, url } = await serve(['--state', file]);
    const hooks = await fetch(`${url}/admin/hooks`, { headers: admin });
    expect(await hooks.json()).toMatchObject([
      { id: 7, config: { url: 'https://hooks.example.com/x', secret: '********' } },
    ]);
    child.kill('SIGTERM');
    expect((await done).code).toBe(0);
  });

  it.for([
    ['not JSON', '{ "webhooks": [ }', /JSON/],
    [
      'a dangling reference',
      JSON.stringify({ hooks: [{ name: 'h', script: 'a.sh', script_repository: 'o/r', environment_id: 42 }] }),
      /hooks\[0\]: Environment must exist/,
    ],
    ['the wrong shape', JSON.stringify({ webhooks: 'none' }), /webhooks/],
  ])('--state with %s exits 1 naming the file', async ([, content, detail], { onTestFinished }) => {
    const file = join(scoped(onTestFinished).tempDir(), 'bad-state.json');
    writeFileSync(file, content as string);
    const run = await runCli(['simulate', '--port', '0', '--state', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(file);
    expect(run.stderr).toMatch(detail as RegExp);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.stderr).not.toContain('listening on');
  });

  it('--state naming a missing file exits 1 naming it', async ({ onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const file = join(fx.tempDir(), 'missing.json');
    const run = await runCli(['simulate', '--port', '0', '--state', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(file);
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  it('a port in use exits 1 with a message, not a stack trace', async () => {
    const busy = createServer();
    await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done));
    try {
      const { port } = busy.address() as AddressInfo;
      const run = await runCli(['simulate', '--port', String(port)]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`port ${port} is already in use`));
      expect(run.stderr).not.toMatch(STACK_FRAME);
      expect(run.stderr).not.toContain('internal error');
    } finally {
      await new Promise<void>((done) => busy.close(() => done()));
    }
  });
});

describe('the banner', () => {
  it('names the command as it was typed: node and the bundle, or ghes-gitops from the PATH', () => {
    expect(invokedAs('/home/me/ghes-gitops/dist/cli.js', '/home/me/ghes-gitops')).toBe('node dist/cli.js');
    expect(invokedAs('/home/me/ghes-gitops/dist/cli.js', '/home/me/ghes-gitops/dist')).toBe('node cli.js');
    expect(invokedAs('/home/me/ghes-gitops/dist/cli.js', '/srv')).toBe('node /home/me/ghes-gitops/dist/cli.js');
    expect(invokedAs('/home/me/my tools/dist/cli.js', '/srv')).toBe("node '/home/me/my tools/dist/cli.js'");
    expect(invokedAs('/usr/local/bin/ghes-gitops', '/home/me')).toBe('ghes-gitops');
  });

  it("tells a newcomer what the README's Quick start runs, line for line", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const quickStart = /## Quick start\n[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(quickStart, 'README: the Quick start block').toBeDefined();
    const command = (line: string) =>
      line
        .replace(/\s+#.*$/, '')
        .trim()
        .replace(/\s+/g, ' ');
    const readmeLines = quickStart!.split('\n').map(command);
    // The Quick start's simulator listens on the default port, 8080, and is run from the clone.
    const banner = simulatorBanner(
      'http://127.0.0.1:8080/api/v3',
      'ghes-sim-admin-token',
      invokedAs(join(ROOT, 'dist', 'cli.js'), ROOT),
    );
    const pasted = banner
      .split('\n')
      .filter((line) => line.startsWith('  '))
      .map(command);
    expect(pasted).toHaveLength(4);
    expect(pasted.filter((line) => !readmeLines.includes(line))).toEqual([]);
  });
});
