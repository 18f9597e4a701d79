// The bundled Action as a runner runs it (see harness.ts), against the simulator over loopback: a few smoke tests of
// what only the bundle shows (workflow commands on stdout, GITHUB_OUTPUT and the job summary file, masks, the exit
// code). The behaviour behind them is tested in process, from the sources, in run.test.ts.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  adminMutations,
  adminRequests,
  comments,
  CONFIG,
  fixtures,
  GITHUB_TOKEN,
  runStep,
  SECRET_ENV,
  WEBHOOK_SECRET,
  type StepRun,
} from './harness.js';

function leaks(step: StepRun, extra: string[] = []): string[] {
  const shown = [step.visibleStdout, step.stderr, step.summary, JSON.stringify(step.outputs), ...extra].join('\n');
  return [ADMIN_TOKEN, GITHUB_TOKEN, WEBHOOK_SECRET].filter((secret) => shown.includes(secret));
}

describe.concurrent('dist/index.js', () => {
  it('pull_request: posts the plan comment, writes outputs and the summary, applies nothing', async ({
    onTestFinished,
  }) => {
    const fx = fixtures(onTestFinished);
    const sim = await fx.simulator();
    const ws = await fx.workspace({ 'ghes-gitops.yml': CONFIG });
    const step = await runStep({ fx, sim, ws, event: 'pull_request', env: SECRET_ENV });
    expect(step.stderr).toBe('');
    expect(step.code).toBe(0);
    expect(step.outputs).toMatchObject({ 'has-changes': 'true', creates: '2', updates: '0', deletes: '0' });
    expect(comments(sim)).toHaveLength(1);
    expect(comments(sim)[0]!.body).toContain('<details><summary>Pre-receive hooks: 1 to create</summary>');
    expect(step.summary).toContain('## ghes-gitops plan');
    expect(adminMutations(sim)).toEqual([]);
    // The runner masks what the step asks it to, before anything is printed.
    for (const secret of [ADMIN_TOKEN, GITHUB_TOKEN, WEBHOOK_SECRET]) {
      expect(step.stdout).toContain(`::add-mask::${secret}`);
    }
    expect(
      leaks(
        step,
        comments(sim).map((c) => c.body),
      ),
    ).toEqual([]);
  });

  it('push: applies, and the live state matches the config afterwards', async ({ onTestFinished }) => {
    const fx = fixtures(onTestFinished);
    const sim = await fx.simulator();
    const ws = await fx.workspace({ 'ghes-gitops.yml': CONFIG });
    const step = await runStep({ fx, sim, ws, event: 'push', env: SECRET_ENV });
    expect(step.stderr).toBe('');
    expect(step.code).toBe(0);
    expect(step.outputs).toMatchObject({ 'has-changes': 'true', creates: '2' });
    expect(sim.state.snapshot().hooks.map((h) => h.name)).toEqual(['Check Commits']);
    expect(sim.state.snapshot().webhooks[0]!.secret).toBe(WEBHOOK_SECRET);
    expect(step.summary).toContain('Done: all 2 operations succeeded.');
    expect(leaks(step)).toEqual([]);
  });

  it('a broken config: an error annotation on the file and line, exit code 1, nothing sent', async ({
    onTestFinished,
  }) => {
    const fx = fixtures(onTestFinished);
    const sim = await fx.simulator();
    const ws = await fx.workspace({
      'config/ghes-gitops.yml': CONFIG.replace('enforcement: testing', 'enforcement: sometimes'),
    });
    const inputs = { config: 'config/ghes-gitops.yml' };
    const step = await runStep({ fx, sim, ws, event: 'push', env: SECRET_ENV, inputs });
    expect(step.code).toBe(1);
    expect(step.stdout).toMatch(
      /^::error title=ghes-gitops%3A configuration error,file=config\/ghes-gitops\.yml,line=7,col=\d+::.*enforcement/m,
    );
    expect(step.stdout).toMatch(/^::error::1 error in the configuration\. Nothing was sent\.$/m);
    expect(step.summary).toContain('ghes-gitops failed');
    expect(adminRequests(sim)).toEqual([]);
  });

  it('a rejected token: fails the step without showing it', async ({ onTestFinished }) => {
    const fx = fixtures(onTestFinished);
    const sim = await fx.simulator();
    const ws = await fx.workspace({ 'ghes-gitops.yml': CONFIG });
    const token = `${ADMIN_TOKEN}-revoked`;
    const step = await runStep({ fx, sim, ws, event: 'push', env: SECRET_ENV, inputs: { token } });
    expect(step.code).toBe(1);
    expect(step.stdout).toMatch(/::error::authentication failed/);
    expect(step.stdout).toContain(`::add-mask::${token}`);
    expect(leaks(step)).toEqual([]);
  });

  it('evaluates undici, the HTTP stack of the comment client, only in a run that posts a comment', async ({
    onTestFinished,
  }) => {
    const fx = fixtures(onTestFinished);
    const sim = await fx.simulator();
    const ws = await fx.workspace({ 'ghes-gitops.yml': CONFIG });
    // undici sets its global dispatcher as it is evaluated; Node's own fetch, which would too, is never called.
    const evaluatedUndici = async (event: string, inputs: Record<string, string>): Promise<string> => {
      const temp = await fx.tempDir();
      const [probe, report] = [join(temp, 'probe.mjs'), join(temp, 'undici.txt')];
      await writeFile(
        probe,
        "import { writeFileSync } from 'node:fs';\n" +
          `process.on('exit', () => writeFileSync(${JSON.stringify(report)}, ` +
          "String(Symbol.for('undici.globalDispatcher.1') in globalThis)));\n",
      );
      const env = { ...SECRET_ENV, NODE_OPTIONS: `--import=${pathToFileURL(probe).href}` };
      const step = await runStep({ fx, sim, ws, event, env, inputs });
      expect(step.code).toBe(0);
      return readFile(report, 'utf8');
    };
    expect(await evaluatedUndici('push', { mode: 'plan', comment: 'false' })).toBe('false');
    expect(await evaluatedUndici('pull_request', {})).toBe('true');
    expect(comments(sim)).toHaveLength(1);
  });
});
