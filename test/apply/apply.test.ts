import { describe, expect, it } from 'vitest';
import { apply } from '../../src/apply/apply.js';
import { resolveEnvironmentId } from '../../src/apply/context.js';
import type { ApplyEvent } from '../../src/apply/types.js';
import type { HookRequest, WebhookRequest } from '../../src/github/api.js';
import { FakeAdminApi } from './fake-api.js';
import {
  envCreate,
  envDownload,
  envUpdate,
  hookCreate,
  hookUpdate,
  makePlan,
  options,
  webhookCreate,
  webhookDelete,
} from './plans.js';

const statuses = (result: Awaited<ReturnType<typeof apply>>) =>
  Object.fromEntries(result.results.map((r) => [r.operation.id, r.status]));

function seedEnvironment(api: FakeAdminApi, id: number, name: string) {
  api.environments.push({
    id,
    name,
    image_url: `https://images.test/${name}.tar.gz`,
    default_environment: false,
    hooks_count: 0,
    download: { state: 'success', message: null, downloaded_at: null },
  });
}

describe('apply: the DAG', () => {
  it('starts a hook only after the environment it needs, and resolves that environment by name', async () => {
    const api = new FakeAdminApi();
    const env = envCreate('Tools');
    const plan = makePlan([env, hookCreate('uses-tools', 'tools', [env.id]), hookCreate('uses-default', 'Default')]);
    const result = await apply(plan, api, options());

    expect(result.counts).toEqual({ succeeded: 3, failed: 0, skipped: 0, not_started: 0 });
    const [envCall] = api.callsTo('createEnvironment');
    const hookCalls = api.callsTo('createHook');
    const usesTools = hookCalls.find((c) => (c.args[0] as HookRequest).name === 'uses-tools')!;
    const usesDefault = hookCalls.find((c) => (c.args[0] as HookRequest).name === 'uses-default')!;
    expect(usesTools.startedAt).toBeGreaterThanOrEqual(envCall!.endedAt!);
    expect((usesTools.args[0] as HookRequest).environmentId).toBe(result.results[0]!.liveId);
    expect((usesDefault.args[0] as HookRequest).environmentId).toBe(1);
    // The plan's own map is a value and stays as it was.
    expect(plan.environmentIds).toEqual({ default: 1 });
  });

  it('records a renamed environment under its new name for the operations after it', async () => {
    const api = new FakeAdminApi();
    seedEnvironment(api, 50, 'old');
    const rename = envUpdate('New', 50, { name: 'New' });
    const result = await apply(
      makePlan([rename, hookCreate('h', 'new', [rename.id])], { default: 1, old: 50 }),
      api,
      options(),
    );
    expect(result.counts.succeeded).toBe(2);
    expect(api.callsTo('updateEnvironment')[0]!.args).toEqual([50, { name: 'New' }]);
    expect((api.callsTo('createHook')[0]!.args[0] as HookRequest).environmentId).toBe(50);
  });

  it('sends a hook update whole, unchanged fields included: GHES may reset what a PATCH omits', async () => {
    const api = new FakeAdminApi();
    api.hooks.push({
      id: 7,
      name: 'h',
      script: 's.sh',
      script_repository: 'a/b',
      environment: { id: 1, name: 'Default', default_environment: true },
      enforcement: 'disabled',
      allow_downstream_configuration: false,
    });
    await apply(makePlan([hookUpdate('h', 7, { enforcement: 'enabled', environment: 'Default' })]), api, options());
    expect(api.callsTo('updateHook')[0]!.args).toEqual([
      7,
      {
        name: 'h',
        script: 's.sh',
        script_repository: 'a/b',
        environmentId: 1,
        enforcement: 'enabled',
        allow_downstream_configuration: false,
      },
    ]);
  });

  it('collects failures: dependents are skipped naming the failed dependency, independent operations still run', async () => {
    const api = new FakeAdminApi();
    api.fail(
      'createEnvironment',
      FakeAdminApi.refused('/admin/pre-receive-environments', 'Name has already been taken'),
    );
    const env = envCreate('tools');
    const hook = hookCreate('h', 'tools', [env.id]);
    const afterHook = webhookCreate('https://hooks.test/after', [hook.id]);
    const independent = webhookCreate('https://hooks.test/independent');
    const result = await apply(makePlan([env, hook, afterHook, independent]), api, options());

    expect(statuses(result)).toEqual({
      [env.id]: 'failed',
      [hook.id]: 'skipped',
      [afterHook.id]: 'skipped',
      [independent.id]: 'succeeded',
    });
    expect(result.results[0]!.error).toContain('Name has already been taken');
    expect(result.results[1]!.error).toMatch(
      /^depends on environment:create:tools, which failed: .*already been taken/,
    );
    expect(result.results[2]!.error).toMatch(/^depends on hook:create:h, which skipped/);
    expect(result.counts).toEqual({ succeeded: 1, failed: 1, skipped: 2, not_started: 0 });
    expect(api.callsTo('createHook')).toHaveLength(0);
  });

  it('fails an operation that depends on one missing from the plan, without sending it', async () => {
    const api = new FakeAdminApi();
    const result = await apply(
      makePlan([webhookCreate('https://hooks.test/x', ['environment:create:ghost'])]),
      api,
      options(),
    );
    expect(result.results[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('not in the plan') });
    expect(api.calls).toHaveLength(0);
  });

  it('refuses to touch the built-in default environment', async () => {
    const api = new FakeAdminApi();
    const result = await apply(
      makePlan([envUpdate('Default', 1, { image_url: 'https://x/y.tar.gz' })]),
      api,
      options(),
    );
    expect(result.results[0]!.status).toBe('failed');
    expect(api.callsTo('updateEnvironment')).toHaveLength(0);
  });

  it('reveals a webhook secret only into the request, and reports start and done for each operation', async () => {
    const api = new FakeAdminApi();
    const events: ApplyEvent[] = [];
    const plan = makePlan([
      webhookCreate('https://hooks.test/s', [], 'real-secret'),
      webhookDelete('https://hooks.test/old', 9),
    ]);
    api.webhooks.push({
      id: 9,
      url: 'https://hooks.test/old',
      content_type: 'json',
      insecure_ssl: false,
      events: [],
      active: true,
      has_secret: false,
    });
    await apply(plan, api, options({ onEvent: (e) => events.push(e) }));
    expect((api.callsTo('createWebhook')[0]!.args[0] as WebhookRequest).secret).toBe('real-secret');
    expect(api.callsTo('deleteWebhook')[0]!.args).toEqual([9]);
    expect(events.map((e) => e.type).sort()).toEqual(['done', 'done', 'start', 'start']);
    expect(JSON.stringify(plan)).not.toContain('real-secret');
  });

  it('exposes the environment-name lookup it uses', () => {
    expect(resolveEnvironmentId({ default: 1, tools: 4 }, 'Default')).toBe(1);
    expect(resolveEnvironmentId({ default: 1, tools: 4 }, 'TOOLS')).toBe(4);
    expect(resolveEnvironmentId({ default: 1 }, 'constructor')).toBeUndefined();
  });
});

describe('apply: concurrency', () => {
  it('never has more requests in flight than the bound, and uses the bound', async () => {
    const api = new FakeAdminApi(10);
    const ops = Array.from({ length: 12 }, (_, i) => webhookCreate(`https://hooks.test/${i}`));
    const result = await apply(makePlan(ops), api, options({ concurrency: 3 }));
    expect(result.counts.succeeded).toBe(12);
    expect(api.maxInFlight).toBe(3);
  });

  it('does not hold a slot while a download waits between polls', async () => {
    const api = new FakeAdminApi(5);
    seedEnvironment(api, 50, 'tools');
    const inProgress = { state: 'in_progress', message: null, downloaded_at: null };
    api.downloadScript.set(50, [inProgress, inProgress, inProgress, inProgress, { ...inProgress, state: 'success' }]);
    const others = Array.from({ length: 3 }, (_, i) => webhookCreate(`https://hooks.test/${i}`));
    const result = await apply(
      makePlan([envDownload('tools', [], 50), ...others]),
      api,
      options({ concurrency: 1, downloadPollMs: 20 }),
    );
    expect(result.counts.succeeded).toBe(4);
    expect(api.maxInFlight).toBe(1);
    // With concurrency 1, the webhooks could only finish before the download if its waits left the slot free.
    const lastPoll = api.callsTo('getLatestDownload').at(-1)!;
    for (const call of api.callsTo('createWebhook')) expect(call.endedAt!).toBeLessThanOrEqual(lastPoll.startedAt);
  });
});

describe('apply: downloads', () => {
  it('polls until success and reports progress; dependents then run', async () => {
    const api = new FakeAdminApi(1);
    const env = envCreate('tools');
    const download = envDownload('tools', [env.id]);
    const hook = hookCreate('h', 'tools', [download.id]);
    const created = 100; // the fake's first id: the download must use the id created in this run
    const state = (s: string) => ({ state: s, message: null, downloaded_at: null });
    api.downloadScript.set(created, [state('in_progress'), state('in_progress'), state('success')]);
    const progress: string[] = [];
    const result = await apply(
      makePlan([env, download, hook]),
      api,
      options({ onEvent: (e) => e.type === 'download-progress' && progress.push(e.state) }),
    );
    expect(result.counts.succeeded).toBe(3);
    expect(api.callsTo('startDownload')[0]!.args).toEqual([created]);
    expect(progress).toEqual(['not_started', 'in_progress', 'in_progress', 'success']);
    expect(api.callsTo('createHook')[0]!.startedAt).toBeGreaterThanOrEqual(
      api.callsTo('getLatestDownload').at(-1)!.endedAt!,
    );
  });

  it('a failed download fails with the server message, skips its dependents and spares the rest', async () => {
    const api = new FakeAdminApi(1);
    seedEnvironment(api, 50, 'tools');
    api.downloadScript.set(50, [{ state: 'failed', message: 'the tarball is not a gzip file', downloaded_at: null }]);
    const download = envDownload('tools', [], 50);
    const hook = hookCreate('h', 'tools', [download.id]);
    const independent = webhookCreate('https://hooks.test/independent');
    const result = await apply(makePlan([download, hook, independent]), api, options());
    expect(statuses(result)).toEqual({ [download.id]: 'failed', [hook.id]: 'skipped', [independent.id]: 'succeeded' });
    expect(result.results[0]!.error).toBe('download of environment 50 failed: the tarball is not a gzip file');
    expect(result.results[1]!.error).toContain(`depends on ${download.id}, which failed`);
  });

  it('gives up on a download that does not finish in time, skipping its dependents', async () => {
    const api = new FakeAdminApi(1);
    seedEnvironment(api, 50, 'tools');
    api.downloadScript.set(50, [{ state: 'in_progress', message: null, downloaded_at: null }]);
    const download = envDownload('tools', [], 50);
    const hook = hookCreate('h', 'tools', [download.id]);
    const result = await apply(makePlan([download, hook]), api, options({ downloadTimeoutMs: 60, downloadPollMs: 5 }));
    expect(statuses(result)).toEqual({ [download.id]: 'failed', [hook.id]: 'skipped' });
    expect(result.results[0]!.error).toMatch(
      /did not finish within 60 ms \(waiting for the download we started; last state: in_progress\)/,
    );
    expect(api.callsTo('getLatestDownload').length).toBeGreaterThan(1);
  });
});

describe('apply: which download is ours', () => {
  const at = (state: string, downloaded_at: string | null) => ({ state, message: null, downloaded_at });
  const T0 = '2026-01-01T10:00:00Z';
  const T1 = '2026-01-01T10:05:00Z';

  it('a download already in progress is not ours: it is waited for, then ours is started and waited for', async () => {
    const api = new FakeAdminApi(1);
    seedEnvironment(api, 50, 'tools');
    // Someone else's download (of the old image) runs and fails; ours, started after it, succeeds.
    api.startScript.set(50, [
      { started: false, status: at('in_progress', T0) },
      { started: true, status: at('in_progress', T1) },
    ]);
    api.downloadScript.set(50, [
      at('in_progress', T0),
      { ...at('failed', T0), message: 'old image' },
      at('success', T1),
    ]);
    const download = envDownload('tools', [], 50);
    const hook = hookCreate('h', 'tools', [download.id]);
    const progress: string[] = [];
    const result = await apply(
      makePlan([download, hook], { default: 1, tools: 50 }),
      api,
      options({ downloadPollMs: 1, onEvent: (e) => e.type === 'download-progress' && progress.push(e.state) }),
    );
    expect(statuses(result)).toEqual({ [download.id]: 'succeeded', [hook.id]: 'succeeded' });
    expect(api.callsTo('startDownload')).toHaveLength(2);
    expect(api.callsTo('getLatestDownload')).toHaveLength(3);
    expect(api.callsTo('createHook')[0]!.startedAt).toBeGreaterThanOrEqual(
      api.callsTo('getLatestDownload').at(-1)!.endedAt!,
    );
    expect(progress).toEqual(['waiting', 'in_progress', 'failed', 'in_progress', 'success']);
  });

  it('a stale success, earlier than our trigger, never ends the wait', async () => {
    const api = new FakeAdminApi(1);
    seedEnvironment(api, 50, 'tools');
    // The trigger's answer still describes the previous download; so do the first polls.
    api.startScript.set(50, [{ started: true, status: at('success', T0) }]);
    api.downloadScript.set(50, [at('success', T0), at('success', T0), { ...at('failed', T1), message: 'ours broke' }]);
    const download = envDownload('tools', [], 50);
    const result = await apply(makePlan([download]), api, options({ downloadPollMs: 1 }));
    expect(statuses(result)).toEqual({ [download.id]: 'failed' });
    expect(result.results[0]!.error).toBe('download of environment 50 failed: ours broke');
    expect(api.callsTo('getLatestDownload')).toHaveLength(3);
  });

  it('times out rather than take a stale success for ours', async () => {
    const api = new FakeAdminApi(1);
    seedEnvironment(api, 50, 'tools');
    api.startScript.set(50, [{ started: true, status: at('success', T0) }]);
    api.downloadScript.set(50, [at('success', T0)]);
    const download = envDownload('tools', [], 50);
    const result = await apply(makePlan([download]), api, options({ downloadTimeoutMs: 40, downloadPollMs: 2 }));
    expect(statuses(result)).toEqual({ [download.id]: 'failed' });
    expect(result.results[0]!.error).toMatch(/did not finish within 40 ms \(waiting for the download we started/);
  });
});

describe('apply: creates of unknown outcome', () => {
  it('adopts the object when the re-read shows the lost create went through', async () => {
    const api = new FakeAdminApi();
    api.fail('createEnvironment', FakeAdminApi.unknown('/admin/pre-receive-environments'), { afterEffect: true });
    const env = envCreate('tools');
    const result = await apply(makePlan([env, hookCreate('h', 'tools', [env.id])]), api, options());
    expect(result.counts.succeeded).toBe(2);
    expect(api.callsTo('createEnvironment')).toHaveLength(1);
    expect(api.callsTo('observe')).toHaveLength(1);
    const created = api.environments.find((e) => e.name === 'tools')!;
    expect(result.results[0]!.liveId).toBe(created.id);
    expect((api.callsTo('createHook')[0]!.args[0] as HookRequest).environmentId).toBe(created.id);
  });

  it('creates again, once, when the re-read shows nothing was created', async () => {
    const api = new FakeAdminApi();
    api.fail('createHook', FakeAdminApi.unknown('/admin/pre-receive-hooks'));
    const result = await apply(makePlan([hookCreate('h', 'Default')]), api, options());
    expect(result.results[0]!.status).toBe('succeeded');
    expect(api.callsTo('createHook')).toHaveLength(2);
    expect(api.hooks.filter((h) => h.name === 'h')).toHaveLength(1);
  });

  it('tries again after each lost create, re-reading first, up to three times', async () => {
    const api = new FakeAdminApi();
    api.fail('createWebhook', FakeAdminApi.unknown('/admin/hooks'), { times: 3 });
    const result = await apply(makePlan([webhookCreate('https://hooks.test/x')]), api, options());
    expect(result.results[0]!.status).toBe('succeeded');
    expect(api.callsTo('createWebhook')).toHaveLength(4);
    expect(api.callsTo('observe')).toHaveLength(3);
    expect(api.webhooks.filter((w) => w.url === 'https://hooks.test/x')).toHaveLength(1);
  });

  it('adopts what a later lost create made, and never creates after that', async () => {
    const api = new FakeAdminApi();
    api.fail('createHook', FakeAdminApi.unknown('/admin/pre-receive-hooks'), { times: 1 });
    api.fail('createHook', FakeAdminApi.unknown('/admin/pre-receive-hooks'), { times: 1, afterEffect: true });
    const result = await apply(makePlan([hookCreate('h', 'Default')]), api, options());
    expect(result.results[0]!.status).toBe('succeeded');
    expect(api.callsTo('createHook')).toHaveLength(2);
    expect(api.hooks.filter((h) => h.name === 'h')).toHaveLength(1);
    expect(result.results[0]!.liveId).toBe(api.hooks.find((h) => h.name === 'h')!.id);
  });

  it('fails, asking for a rerun, when the fourth create is lost too', async () => {
    const api = new FakeAdminApi();
    api.fail('createWebhook', FakeAdminApi.unknown('/admin/hooks'), { times: 4 });
    const result = await apply(makePlan([webhookCreate('https://hooks.test/x')]), api, options());
    expect(result.results[0]).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/outcome unknown.*\(4 attempts; rerun to converge\)/),
    });
    expect(api.callsTo('createWebhook')).toHaveLength(4);
  });

  it('re-reads once for a burst of lost creates', async () => {
    const api = new FakeAdminApi();
    api.fail('createWebhook', FakeAdminApi.unknown('/admin/hooks'), { times: 3, afterEffect: true });
    const ops = [1, 2, 3].map((i) => webhookCreate(`https://hooks.test/${i}`));
    const result = await apply(makePlan(ops), api, options());
    expect(result.counts.succeeded).toBe(3);
    expect(api.callsTo('observe')).toHaveLength(1);
    expect(api.callsTo('createWebhook')).toHaveLength(3);
    expect(new Set(result.results.map((r) => r.liveId)).size).toBe(3);
  });

  it('does not adopt a webhook the plan already knew under the same URL', async () => {
    const api = new FakeAdminApi();
    api.webhooks.push({
      id: 9,
      url: 'https://hooks.test/dup',
      content_type: 'form',
      insecure_ssl: false,
      events: ['fork'],
      active: true,
      has_secret: false,
    });
    api.fail('createWebhook', FakeAdminApi.unknown('/admin/hooks'));
    const plan = makePlan([webhookCreate('https://hooks.test/dup')]);
    plan.unmanaged.push({ kind: 'webhook', key: 'https://hooks.test/dup', id: 9 });
    const result = await apply(plan, api, options());
    expect(result.results[0]!.status).toBe('succeeded');
    expect(result.results[0]!.liveId).not.toBe(9);
    expect(api.callsTo('createWebhook')).toHaveLength(2);
  });
});

describe('apply: dry run and interrupts', () => {
  it('dry run sends nothing and reports every operation not_started, in order', async () => {
    const api = new FakeAdminApi();
    const env = envCreate('tools');
    const plan = makePlan([env, hookCreate('h', 'tools', [env.id]), webhookCreate('https://hooks.test/x')]);
    const result = await apply(plan, api, options({ dryRun: true }));
    expect(api.calls).toHaveLength(0);
    expect(result.dryRun).toBe(true);
    expect(result.results.map((r) => [r.operation.id, r.status])).toEqual(
      plan.operations.map((o) => [o.id, 'not_started']),
    );
    expect(result.counts.not_started).toBe(3);
  });

  it('an interrupt lets the operation in flight finish and starts nothing more', async () => {
    const api = new FakeAdminApi(20);
    const controller = new AbortController();
    const ops = [1, 2, 3].map((i) => webhookCreate(`https://hooks.test/${i}`));
    const result = await apply(
      makePlan(ops),
      api,
      options({
        concurrency: 1,
        signal: controller.signal,
        onEvent: (e) => e.type === 'start' && controller.abort(),
      }),
    );
    expect(result.interrupted).toBe(true);
    expect(result.results.map((r) => r.status)).toEqual(['succeeded', 'not_started', 'not_started']);
    expect(api.callsTo('createWebhook')).toHaveLength(1);
    expect(api.webhooks).toHaveLength(1);
  });

  it('an interrupt leaves dependents of unfinished work not_started', async () => {
    const api = new FakeAdminApi(20);
    const controller = new AbortController();
    const env = envCreate('tools');
    const hook = hookCreate('h', 'tools', [env.id]);
    const result = await apply(
      makePlan([env, hook]),
      api,
      options({ signal: controller.signal, onEvent: (e) => e.type === 'start' && controller.abort() }),
    );
    expect(statuses(result)).toEqual({ [env.id]: 'succeeded', [hook.id]: 'not_started' });
    expect(api.callsTo('createHook')).toHaveLength(0);
  });

  it('an already aborted signal sends nothing', async () => {
    const api = new FakeAdminApi();
    const result = await apply(
      makePlan([webhookCreate('https://hooks.test/x')]),
      api,
      options({ signal: AbortSignal.abort() }),
    );
    expect(api.calls).toHaveLength(0);
    expect(result).toMatchObject({ interrupted: true, counts: { not_started: 1 } });
  });

  it('an interrupt stops waiting for a download at once; the download is not reported as done', async () => {
    const api = new FakeAdminApi(1);
    seedEnvironment(api, 50, 'tools');
    api.downloadScript.set(50, [{ state: 'in_progress', message: null, downloaded_at: null }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const result = await apply(
      makePlan([envDownload('tools', [], 50)]),
      api,
      options({ signal: controller.signal, downloadPollMs: 10, downloadTimeoutMs: 5000 }),
    );
    expect(result.interrupted).toBe(true);
    expect(result.results[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('continues on GHES') });
  });
});
