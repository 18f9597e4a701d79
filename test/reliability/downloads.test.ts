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
