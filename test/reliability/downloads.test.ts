// A failed environment download stops only the hooks that need that environment: everything else is applied,
// and the run says what was skipped and why.
import { describe, expect, it, vi } from 'vitest';
import { Redactor } from '../../src/redact.js';
import { applyPlan, loadDesired, planChanges } from '../../src/reconcile.js';
import { renderApplyText } from '../../src/report/apply.js';
import { ManualClock } from '../../src/sim/clock.js';
import { fastApi, repositories, simulator, writeConfig } from './helpers.js';

describe('a failed environment download', () => {
  it('skips the hooks on that environment and applies everything else', async () => {
    const sim = await simulator({
      initialState: repositories(
        ['platform/hooks', 'a.sh'],
        ['platform/hooks', 'b.sh'],
        ['platform/hooks', 'c.sh'],
        ['platform/hooks', 'd.sh'],
      ),
      // The simulator fails the download of any image URL containing "fail".
      downloadMs: 20,
    });
    const configPath = await writeConfig({
      version: 1,
      environments: [
        { name: 'Good', image_url: 'https://images.example.com/good.tar.gz' },
        { name: 'Broken', image_url: 'https://images.example.com/will-fail.tar.gz' },
      ],
      hooks: [
        { name: 'On Good', script: 'a.sh', script_repository: 'platform/hooks', environment: 'Good' },
        { name: 'On Broken', script: 'b.sh', script_repository: 'platform/hooks', environment: 'Broken' },
        { name: 'On Default', script: 'c.sh', script_repository: 'platform/hooks', environment: 'Default' },
        { name: 'Also Broken', script: 'd.sh', script_repository: 'platform/hooks', environment: 'Broken' },
      ],
      webhooks: [{ url: 'https://audit.example.com/in', secret: '' }],
    });
    const desired = await loadDesired(configPath, {}, new Redactor());
    const api = fastApi(sim);
    const { plan, observed } = await planChanges(desired, api, { syncSecrets: false });
    const result = await applyPlan(plan, api, {
      concurrency: 4,
      downloadTimeoutMs: 5000,
      downloadPollMs: 5,
      allowMassDelete: false,
      dryRun: false,
      observed,
    });

    const status = Object.fromEntries(result.results.map((r) => [r.operation.id, r.status]));
    expect(status).toEqual({
      'environment:create:Broken': 'succeeded',
      'environment:create:Good': 'succeeded',
      'environment:download:Broken': 'failed',
      'environment:download:Good': 'succeeded',
      'hook:create:On Good': 'succeeded',
      'hook:create:On Default': 'succeeded',
      'hook:create:On Broken': 'skipped',
      'hook:create:Also Broken': 'skipped',
      'webhook:create:https://audit.example.com/in': 'succeeded',
    });
    const byId = new Map(result.results.map((r) => [r.operation.id, r]));
    // The server's own message says why the download failed; the skipped hooks name what they waited for.
    expect(byId.get('environment:download:Broken')?.error).toMatch(/failed: Failed to download .*will-fail/);
    expect(byId.get('hook:create:On Broken')?.error).toMatch(/depends on environment:download:Broken, which failed/);
    expect(result.counts).toEqual({ succeeded: 6, failed: 1, skipped: 2, not_started: 0 });
    expect(
      sim.state
        .hooks()
        .map((h) => h.name)
        .sort(),
    ).toEqual(['On Default', 'On Good']);
    expect(renderApplyText(result, { color: false })).toMatch(/Finished with errors: 1 failed and 2 were skipped/);
  });
});

describe('downloads that someone else started, or that fail', () => {
  const V1 = 'https://images.example.com/java-v1.tar.gz';
  const V2 = 'https://images.example.com/java-v2.tar.gz';
  const BROKEN = 'https://images.example.com/will-fail.tar.gz';
  const hookEntry = (enforcement: string, environment: string) => ({
    name: 'gate',
    script: 'gate.sh',
    script_repository: 'platform/hooks',
    environment,
    enforcement,
  });

  /**
   * An environment whose download of `image` started at the clock's now, elsewhere, and ends `ms` later on that
   * clock (failing or not).
   */
  function downloading(
    clock: ManualClock,
    name: string,
    imageUrl: string,
    image: string,
    ms: number,
    failsWith: string | null = null,
  ) {
    return {
      id: 2,
      name,
      image_url: imageUrl,
      download: {
        state: 'in_progress' as const,
        downloaded_at: new Date(clock.now()).toISOString(),
        completes_at: new Date(clock.now() + ms).toISOString(),
        fails_with: failsWith,
        image_url: image,
      },
    };
  }

  async function run(sim: Awaited<ReturnType<typeof simulator>>, config: object, downloadTimeoutMs = 5000) {
    const desired = await loadDesired(await writeConfig(config), {}, new Redactor());
    const api = fastApi(sim);
    const { plan, observed } = await planChanges(desired, api, { syncSecrets: false });
    const result = await applyPlan(plan, api, {
      concurrency: 4,
      downloadTimeoutMs,
      downloadPollMs: 5,
      allowMassDelete: false,
      dryRun: false,
      observed,
    });
    return { plan, result, status: Object.fromEntries(result.results.map((r) => [r.operation.id, r.status])) };
  }

  /**
   * Runs once the way a download already running meets it: the simulator's clock stands still until our POST of a
   * download has been refused (422, one in progress), then moves on by `ms`, so the running download ends only after
   * we met it, however slowly a loaded machine plans.
   */
  async function runMeetingDownload(
    sim: Awaited<ReturnType<typeof simulator>>,
    clock: ManualClock,
    config: object,
    ms: number,
  ) {
    let finished = false;
    const done = run(sim, config).finally(() => (finished = true));
    // A run that never meets the download ends on its own; the assertions then say what went wrong.
    const met = () => finished || sim.requests.filter('POST', /\/downloads$/).some((e) => e.status === 422);
    await vi.waitUntil(met, { timeout: 20_000, interval: 2 });
    clock.advance(ms);
    return done;
  }

  it('a new image_url is downloaded after an older download still running, never the old image under the new URL', async () => {
    const clock = new ManualClock(Date.now());
    const sim = await simulator({
      clock: clock.now,
      // Ours completes at its first read: only the older one's end is up to the test.
      downloadMs: 0,
      initialState: {
        ...repositories(['platform/hooks', 'gate.sh']),
        environments: [downloading(clock, 'Java', V1, V1, 150)],
      },
    });
    const config = { version: 1, environments: [{ name: 'Java', image_url: V2 }] };
    const first = await runMeetingDownload(sim, clock, config, 150);
    expect(first.status).toEqual({ 'environment:update:Java': 'succeeded', 'environment:download:Java': 'succeeded' });
    // Our POST met the old download (422), waited for it, then started ours: GHES holds the v2 tarball.
    const downloadPosts = sim.requests.entries.filter((e) => e.method === 'POST' && e.path.endsWith('/downloads'));
    expect(downloadPosts.map((e) => e.status)).toEqual([422, 202]);
    expect(sim.state.environment(2)!.download).toMatchObject({ state: 'success', image_url: V2 });
    expect((await run(sim, config)).plan.operations).toEqual([]);
  });

  it('a download in progress at plan time is waited for; when it fails, the hook that needs it is skipped', async () => {
    const clock = new ManualClock(Date.now());
    const sim = await simulator({
      clock: clock.now,
      downloadMs: 0,
      initialState: {
        ...repositories(['platform/hooks', 'gate.sh']),
        environments: [downloading(clock, 'Tools', BROKEN, BROKEN, 100, `Failed to download ${BROKEN}: 404 Not Found`)],
      },
    });
    const config = {
      version: 1,
      environments: [{ name: 'Tools', image_url: BROKEN }],
      hooks: [hookEntry('enabled', 'Tools')],
    };
    const first = await runMeetingDownload(sim, clock, config, 100);
    expect(first.plan.operations.map((op) => [op.id, op.dependsOn])).toEqual([
      ['environment:download:Tools', []],
      ['hook:create:gate', ['environment:download:Tools']],
    ]);
    expect(first.status).toEqual({ 'environment:download:Tools': 'failed', 'hook:create:gate': 'skipped' });
    expect(sim.state.hooks()).toEqual([]);
    // A timeout leaves it running; the next run waits for it again rather than create the hook on a broken image.
    sim.state.setDownload(2, downloading(clock, 'Tools', BROKEN, BROKEN, 100, 'still broken').download);
    const second = await run(sim, config, 20);
    expect(second.status).toEqual({ 'environment:download:Tools': 'failed', 'hook:create:gate': 'skipped' });
    expect(second.result.results.find((r) => r.operation.id === 'environment:download:Tools')?.error).toMatch(
      /did not finish within 20 ms/,
    );
    expect(sim.state.hooks()).toEqual([]);
    expect(sim.state.environment(2)!.download.state).toBe('in_progress');
  });

  it('a hook can be turned off while its environment cannot be downloaded', async () => {
    const sim = await simulator({
      initialState: {
        ...repositories(['platform/hooks', 'gate.sh']),
        environments: [
          { id: 2, name: 'Broken', image_url: BROKEN, download: { state: 'failed', message: 'not a tarball' } },
        ],
        hooks: [
          {
            name: 'gate',
            script: 'gate.sh',
            script_repository: 'platform/hooks',
            environment_id: 2,
            enforcement: 'enabled',
          },
        ],
      },
    });
    const config = {
      version: 1,
      environments: [{ name: 'Broken', image_url: BROKEN }],
      hooks: [hookEntry('disabled', 'Broken')],
    };
    const { status, result } = await run(sim, config);
    expect(status).toEqual({ 'environment:download:Broken': 'failed', 'hook:update:gate': 'succeeded' });
    expect(result.counts.failed).toBe(1);
    expect(sim.state.findHook('gate')!.enforcement).toBe('disabled');
  });
});
