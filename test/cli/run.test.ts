// The CLI's run() in process, from the sources: how outcomes map to exit codes (0, 1, 2 with --detailed-exitcode,
// 130/143 after a signal), and that a signal during apply lets what is in flight finish.
import { describe, expect, it } from 'vitest';
import { helpText } from '../../src/cli/args.js';
import { run } from '../../src/cli/run.js';
import { FakeProcess } from '../helpers/fake-process.js';
import { runCliInProcess, STACK_FRAME } from '../helpers/cli.js';
import { mutations, scoped } from '../helpers/harness.js';

const TOKEN = 'ghp_runSuiteToken0123456789abcdef';
const WEBHOOKS = (n: number) =>
  `version: 1\nwebhooks:\n${Array.from({ length: n }, (_, i) => `  - url: https://receiver-${i}.example.com/in\n`).join('')}`;

describe.concurrent('exit codes', () => {
  it('help and version: 0', async () => {
    expect(await runCliInProcess(['plan', '--help'])).toMatchObject({ code: 0, stdout: `${helpText('plan')}\n` });
    expect((await runCliInProcess(['--version'])).code).toBe(0);
  });

  it('a user error: 1, its message alone', async () => {
    const run = await runCliInProcess(['plan', '--format', 'yaml']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('--format takes text, json, markdown, not `yaml`\n');
  });

  it('a bug: 1, "internal error" with the stack, the token redacted', async () => {
    let stderr = '';
    const code = await run(['--version'], {
      env: { GHES_TOKEN: TOKEN },
      stdout: {
        write: () => {
          throw new Error(`broken stdout holding ${TOKEN}`);
        },
      },
      stderr: { write: (text: string) => (stderr += text) },
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^internal error \(please report it\): Error: broken stdout holding \*\*\*\n/);
    expect(stderr).toMatch(STACK_FRAME);
    expect(stderr).not.toContain(TOKEN);
  });

  it('--detailed-exitcode: plan 2 with changes, apply 2 after changing something, 0 once nothing differs', async ({
    onTestFinished,
  }) => {
    const fx = scoped(onTestFinished);
    const sim = await fx.simulator({ adminTokens: [TOKEN] });
    const config = fx.writeConfig(WEBHOOKS(2));
    const env = { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN };
    const cli = (...args: string[]) => runCliInProcess([...args, '--config', config], { env });

    expect((await cli('plan')).code).toBe(0);
    expect((await cli('plan', '--detailed-exitcode')).code).toBe(2);
    expect((await cli('apply', '--dry-run', '--detailed-exitcode')).code).toBe(0);
    expect(mutations(sim)).toEqual([]);
    const applied = await cli('apply', '--detailed-exitcode');
    expect(applied.code, applied.stderr).toBe(2);
    expect(sim.state.webhooks()).toHaveLength(2);
    expect((await cli('apply', '--detailed-exitcode')).code).toBe(0);
    expect((await cli('plan', '--detailed-exitcode')).code).toBe(0);
  });
});

describe.concurrent('a signal during apply', () => {
  it.for([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: finishes what is in flight, reports, exits %i', async ([signal, code], { onTestFinished }) => {
    const fx = scoped(onTestFinished);
    // Every request takes 50 ms, so that the run is still going when the signal comes.
    const sim = await fx.simulator({ adminTokens: [TOKEN], faults: { seed: 1, latencyMs: 50 } });
    const config = fx.writeConfig(WEBHOOKS(8));
    const signals = new FakeProcess();
    let sent = false;
    const interrupted = await runCliInProcess(['apply', '--config', config, '--concurrency', '1', '--verbose'], {
      env: { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN },
      signals,
      onStderr: (seen) => {
        if (!sent && (seen.match(/: succeeded/g) ?? []).length >= 2) {
          sent = true;
          signals.kill(signal);
        }
      },
    });
    expect(sent).toBe(true);
    expect(interrupted.code, interrupted.stderr).toBe(code);
    expect(signals.exits).toEqual([]);
    expect(signals.listening()).toBe(0);
    expect(interrupted.stderr).toContain(`${signal}: starting no new operation`);
    const done = sim.state.webhooks().length;
    expect(done).toBeGreaterThanOrEqual(2);
    expect(done).toBeLessThan(8);
    expect(interrupted.stdout).toContain(`Interrupted: ${done} of 8 operations were done before the run stopped`);
    expect(sim.requests.inFlight).toBe(0);
  });

  it('a second signal exits at once with its own code', async ({ onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const sim = await fx.simulator({ adminTokens: [TOKEN], faults: { seed: 1, latencyMs: 50 } });
    const config = fx.writeConfig(WEBHOOKS(4));
    const signals = new FakeProcess();
    let sent = false;
    const run = await runCliInProcess(['apply', '--config', config, '--concurrency', '1', '--verbose'], {
      env: { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN },
      signals,
      onStderr: (seen) => {
        if (!sent && seen.includes(': succeeded')) {
          sent = true;
          signals.kill('SIGTERM');
          signals.kill('SIGINT');
        }
      },
    });
    expect(signals.exits).toEqual([130]);
    expect(run.stderr).toMatch(/second signal \(SIGINT\): exiting now/);
  });
});
