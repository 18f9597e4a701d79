// A failed environment download stops only the hooks that need that environment: everything else is applied,
// and the run says what was skipped and why.
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact.js';
import { applyPlan, loadDesired, planChanges } from '../../src/reconcile.js';
import { renderApplyText } from '../../src/report/apply.js';
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

  /** An environment whose download of `image` started just now, elsewhere, and ends in `ms` (failing or not). */
  function downloading(name: string, imageUrl: string, image: string, ms: number, failsWith: string | null = null) {
    return {
      id: 2,
      name,
      image_url: imageUrl,
      download: {
        state: 'in_progress' as const,
        downloaded_at: new Date().toISOString(),
        completes_at: new Date(Date.now() + ms).toISOString(),
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

  it('a new image_url is downloaded after an older download still running, never the old image under the new URL', async () => {
    const sim = await simulator({
      initialState: {
        ...repositories(['platform/hooks', 'gate.sh']),
        environments: [downloading('Java', V1, V1, 150)],
      },
    });
    const config = { version: 1, environments: [{ name: 'Java', image_url: V2 }] };
    const first = await run(sim, config);
    expect(first.status).toEqual({ 'environment:update:Java': 'succeeded', 'environment:download:Java': 'succeeded' });
    // Our POST met the old download (422), waited for it, then started ours: GHES holds the v2 tarball.
    const downloadPosts = sim.requests.entries.filter((e) => e.method === 'POST' && e.path.endsWith('/downloads'));
    expect(downloadPosts.map((e) => e.status)).toEqual([422, 202]);
    expect(sim.state.environment(2)!.download).toMatchObject({ state: 'success', image_url: V2 });
    expect((await run(sim, config)).plan.operations).toEqual([]);
  });

  it('a download in progress at plan time is waited for; when it fails, the hook that needs it is skipped', async () => {
    const sim = await simulator({
      initialState: {
        ...repositories(['platform/hooks', 'gate.sh']),
        environments: [downloading('Tools', BROKEN, BROKEN, 100, `Failed to download ${BROKEN}: 404 Not Found`)],
      },
    });
    const config = {
      version: 1,
      environments: [{ name: 'Tools', image_url: BROKEN }],
      hooks: [hookEntry('enabled', 'Tools')],
    };
    const first = await run(sim, config);
    expect(first.plan.operations.map((op) => [op.id, op.dependsOn])).toEqual([
      ['environment:download:Tools', []],
      ['hook:create:gate', ['environment:download:Tools']],
    ]);
    expect(first.status).toEqual({ 'environment:download:Tools': 'failed', 'hook:create:gate': 'skipped' });
    expect(sim.state.hooks()).toEqual([]);
    // A timeout leaves it running; the next run waits for it again rather than create the hook on a broken image.
    sim.state.setDownload(2, downloading('Tools', BROKEN, BROKEN, 100, 'still broken').download);
    const second = await run(sim, config, 20);
    expect(second.status).toEqual({ 'environment:download:Tools': 'failed', 'hook:create:gate': 'skipped' });
    expect(sim.state.hooks()).toEqual([]);
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
