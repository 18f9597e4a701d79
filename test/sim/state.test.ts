import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import {
  buildLargeState,
  loadStateFile,
  ManualClock,
  saveState,
  SimStateError,
  SimStateStore,
  SimValidationError,
  type SimStateInput,
} from '../../src/sim/server.js';
import { client, simulator } from './helpers.js';

const fixture: SimStateInput = {
  environments: [{ id: 7, name: 'Tools', image_url: 'https://x/tools.tgz' }],
  hooks: [{ id: 40, name: 'check', script: 'check.sh', script_repository: 'org/hooks', environment_id: 7 }],
  webhooks: [{ id: 3, url: 'https://ci.example.com', secret: 'k', events: ['repository'] }],
  repositories: [{ full_name: 'org/hooks', files: ['check.sh'] }],
};

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('state access', () => {
  test('initial state is served, and new ids continue after the existing ones', async () => {
    const sim = await simulator({ initialState: fixture });
    const api = client(sim);
    expect((await api.get('/admin/pre-receive-environments/7')).body).toMatchObject({ name: 'Tools', hooks_count: 1 });
    expect((await api.get('/admin/pre-receive-environments/1')).body.default_environment).toBe(true);
    const env = await api.post('/admin/pre-receive-environments', { name: 'More', image_url: 'https://x/m.tgz' });
    const hook = await api.post('/admin/pre-receive-hooks', {
      name: 'more',
      script: 'check.sh',
      script_repository: { full_name: 'org/hooks' },
      environment: { id: 1 },
    });
    expect(hook.status).toBe(422); // the (repository, script) pair is taken
    const webhook = await api.post('/admin/hooks', { name: 'web', config: { url: 'https://b.example.com' } });
    expect([env.body.id, webhook.body.id]).toEqual([8, 4]);
    expect(
      sim.state.createHook({ name: 'h', script: 'h.sh', script_repository: 'org/hooks', environment_id: 1 }).id,
    ).toBe(41);
  });

  test('changes made behind the tool are visible over HTTP at once', async () => {
    const sim = await simulator({ initialState: fixture });
    const api = client(sim);
    sim.state.updateEnvironment(7, { name: 'Renamed' });
    sim.state.updateWebhook(3, { active: false });
    sim.state.deleteHook(40);
    sim.state.setDownload(7, { state: 'failed', message: 'disk full' });
    expect((await api.get('/admin/pre-receive-environments/7')).body).toMatchObject({
      name: 'Renamed',
      hooks_count: 0,
      download: { state: 'failed', message: 'disk full' },
    });
    expect((await api.get('/admin/hooks/3')).body.active).toBe(false);
    expect((await api.get('/admin/pre-receive-hooks')).body).toEqual([]);
  });

  test('direct changes obey the same rules as the API', () => {
    const store = new SimStateStore({}, fixture);
    expect(() => store.deleteEnvironment(7)).toThrow(SimValidationError);
    expect(() => store.updateEnvironment(1, { name: 'x' })).toThrow(/default environment/);
    expect(() => store.createEnvironment({ name: 'TOOLS', image_url: 'https://x' })).toThrow(/already been taken/);
  });

  test('snapshot and load round-trip, downloads resolved against the clock', () => {
    const clock = new ManualClock();
    const store = new SimStateStore({ clock: clock.now, downloadMs: 10 }, fixture);
    store.startDownload(7);
    expect(store.snapshot().environments[1]!.download.state).toBe('in_progress');
    clock.advance(10);
    const snapshot = store.snapshot();
    expect(snapshot.environments[1]!.download.state).toBe('success');
    const copy = new SimStateStore({ clock: clock.now }, JSON.parse(JSON.stringify(snapshot)) as SimStateInput);
    expect(copy.snapshot()).toEqual(snapshot);
    expect(snapshot.webhooks[0]!.secret).toBe('k');
    expect(snapshot.auto_register_repositories).toBe(false);
  });

  test('an invalid state is refused with a precise message and the old state is kept', () => {
    const store = new SimStateStore({}, fixture);
    expect(() =>
      store.load({ hooks: [{ name: 'x', script: 's', script_repository: 'o/r', environment_id: 99 }] }),
    ).toThrow(/hooks\[0\]: Environment must exist/);
    expect(() =>
      store.load({
        environments: [
          { id: 2, name: 'a', image_url: 'u' },
          { id: 2, name: 'b', image_url: 'u' },
        ],
      }),
    ).toThrow(SimStateError);
    expect(() => store.load({ webhooks: [{ url: 'ftp://x' }] })).toThrow(/webhooks\[0\]/);
    expect(() => store.load({ environments: 'nope' } as unknown as SimStateInput)).toThrow(
      /environments must be an array/,
    );
    expect(store.findEnvironment('Tools')?.id).toBe(7);
    expect(store.counts().hooks).toBe(1);
  });

  test('saveState and loadStateFile round-trip through a file; errors name the file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ghes-sim-'));
    const file = join(dir, 'state.json');
    const store = new SimStateStore({}, fixture);
    await saveState(file, store);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(store.snapshot());
    const sim = await simulator({ initialState: await loadStateFile(file) });
    expect(sim.state.snapshot()).toEqual(store.snapshot());

    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"hooks": [{"name": 1}]}');
    await expect(loadStateFile(bad)).rejects.toThrow(
      new RegExp(`^${bad.replace(/[.\\]/g, '\\$&')}: invalid simulator state`),
    );
    await writeFile(bad, '{');
    await expect(loadStateFile(bad)).rejects.toThrow(SimStateError);
  });

  test('/_sim endpoints read and replace the state without auth, outside /api/v3', async () => {
    const sim = await simulator();
    const put = await fetch(`${sim.origin}/_sim/state`, { method: 'POST', body: JSON.stringify(fixture) });
    expect(put.status).toBe(200);
    expect(sim.state.findEnvironment('Tools')?.id).toBe(7);
    const got = (await (await fetch(`${sim.origin}/_sim/state`)).json()) as { hooks: unknown[] };
    expect(got.hooks).toHaveLength(1);
    const bad = await fetch(`${sim.origin}/_sim/state`, { method: 'POST', body: '{"webhooks":[{"url":1}]}' });
    expect(bad.status).toBe(400);
    // Not an API route: /_sim exists only at the root.
    expect((await fetch(`${sim.url}/_sim/state`)).status).toBe(404);

    await fetch(`${sim.origin}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ path: '/meta', kind: '5xx-before' }),
    });
    expect((await fetch(`${sim.url}/meta`)).status).toBe(502);
  });

  test('the request log records method, path, query, body, status and timings; clear() empties it', async () => {
    const sim = await simulator();
    const api = client(sim);
    await api.post('/admin/pre-receive-environments', { name: 'A', image_url: 'https://x/a' });
    await api.get('/admin/pre-receive-environments?per_page=5');
    const [post, get] = sim.requests.entries;
    expect(post).toMatchObject({
      method: 'POST',
      path: '/api/v3/admin/pre-receive-environments',
      body: { name: 'A', image_url: 'https://x/a' },
      status: 201,
    });
    expect(get).toMatchObject({ method: 'GET', query: { per_page: '5' }, status: 200 });
    expect(get!.endedAt!).toBeGreaterThanOrEqual(get!.startedAt);
    expect(sim.requests.filter('POST', '/admin/pre-receive-environments')).toHaveLength(1);
    sim.requests.clear();
    expect(sim.requests.entries).toHaveLength(0);
  });

  test('buildLargeState builds the benchmark state, every hook script present', () => {
    const store = new SimStateStore({}, buildLargeState({ environments: 300, hooks: 3000, webhooks: 300 }));
    expect(store.counts()).toMatchObject({ environments: 301, hooks: 3000, webhooks: 300 });
    const hook = store.hook(2999)!;
    expect(store.repository(hook.script_repository)!.files[hook.script]).toEqual({ executable: true });
    // The same sizes give the same state, whatever the clock.
    const again = new SimStateStore(
      { clock: () => 0 },
      buildLargeState({ environments: 300, hooks: 3000, webhooks: 300 }),
    );
    expect(again.snapshot()).toEqual(store.snapshot());
  });
});
