// SIGINT/SIGTERM during apply, with the built CLI: no new operation starts, the one in flight finishes, the
// output says what was done and what was not (and says it truthfully), the exit code is 130/143, and a rerun
// converges.
import { describe, expect, it } from 'vitest';
import { expectNoDuplicates, expectNoSecrets, repositories, runCli, simulator, TOKEN, writeConfig } from './helpers.js';

const SECRET = 'interrupt-secret-4b9d';
const WEBHOOKS = Array.from({ length: 10 }, (_, i) => `https://receiver-${i + 1}.example.com/in`);

const config = {
  version: 1,
  hooks: [
    { name: 'Check', script: 'check.sh', script_repository: 'platform/hooks', environment: 'Default' },
    { name: 'Scan', script: 'scan.sh', script_repository: 'platform/hooks', environment: 'Default' },
  ],
  webhooks: WEBHOOKS.map((url) => ({ url, secret: '${HOOK_SECRET}' })),
};

describe('interrupting apply (dist/cli.js)', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: finishes what is in flight, reports, exits %i; a rerun converges', async (signal, exitCode) => {
    // Every request takes 100 ms, so that the run is still going when the signal comes.
    const sim = await simulator({
      initialState: repositories(['platform/hooks', 'check.sh'], ['platform/hooks', 'scan.sh']),
      faults: { seed: 1, latencyMs: 100 },
    });
    const configPath = await writeConfig(config);
    const env = { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN, HOOK_SECRET: SECRET };

    let sent = false;
    const interrupted = await runCli(['apply', '--config', configPath, '--concurrency', '1', '--verbose'], {
      env,
      onStderr: (seen, child) => {
        // The second operation done: interrupt while the third is in flight.
        if (!sent && (seen.match(/: succeeded/g) ?? []).length >= 2) {
          sent = true;
          child.kill(signal);
        }
      },
    });
    expect(sent).toBe(true);
    expect(interrupted.code, interrupted.stderr).toBe(exitCode);
    expect(interrupted.stderr).toContain(`${signal}: starting no new operation`);
    expect(interrupted.stdout).toMatch(/Interrupted: \d+ of 12 operations were done before the run stopped/);

    // What the report says was done is exactly what the instance has: the operation in flight was let finish.
    const done = interrupted.stdout.match(/^ {2}✓ .*$/gm) ?? [];
    const notStarted = interrupted.stdout.match(/^ {2}· not started: .*$/gm) ?? [];
    expect(done.length).toBeGreaterThanOrEqual(3);
    expect(notStarted.length).toBeGreaterThan(0);
    expect(done.length + notStarted.length).toBe(12);
    expect(sim.state.webhooks().length + sim.state.hooks().length).toBe(done.length);
    expect(sim.requests.inFlight).toBe(0);
    expect(sim.requests.entries.every((r) => r.status !== null)).toBe(true);

    sim.configureFaults(undefined);
    const rerun = await runCli(['apply', '--config', configPath], { env });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain(`Done: all ${notStarted.length} operations succeeded.`);
    const plan = await runCli(['plan', '--config', configPath, '--detailed-exitcode'], { env });
    expect(plan.code, plan.stdout).toBe(0);
    expectNoDuplicates(sim);
    expect(sim.state.webhooks().every((w) => w.secret === SECRET)).toBe(true);
    expectNoSecrets(
      [interrupted, rerun, plan].flatMap((run) => [run.stdout, run.stderr]),
      [TOKEN, SECRET],
    );
  });
});
