import { describe, expect, test } from 'vitest';
import { ManualClock, MESSAGES } from '../../src/sim/server.js';
import { client, simulator, validationMessages } from './helpers.js';

const ENVS = '/admin/pre-receive-environments';

describe('pre-receive environments', () => {
  test('the default environment exists from the start, with urls on the simulator', async () => {
    const sim = await simulator();
    const res = await client(sim).get(`${ENVS}/1`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: 1,
      name: 'Default',
      image_url: 'githubenterprise://internal',
      url: `${sim.url}${ENVS}/1`,
      html_url: `${sim.origin}${ENVS}/1`,
      default_environment: true,
      created_at: expect.any(String),
      hooks_count: 0,
      download: {
        url: `${sim.url}${ENVS}/1/downloads/latest`,
        state: 'success',
        downloaded_at: expect.any(String),
        message: null,
      },
    });
  });

  test('creating does not start a download', async () => {
    const sim = await simulator();
    const res = await client(sim).post(ENVS, { name: 'Tools', image_url: 'https://files.example.com/tools.tgz' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: 2,
      name: 'Tools',
      default_environment: false,
      hooks_count: 0,
      download: { state: 'not_started', downloaded_at: null, message: null },
    });
  });

  test.each([
    ['PATCH', { name: 'Renamed' }],
    ['DELETE', undefined],
    ['POST /downloads', undefined],
  ])('%s on the default environment is refused', async (action, body) => {
    const sim = await simulator();
    const api = client(sim);
    const res =
      action === 'PATCH'
        ? await api.patch(`${ENVS}/1`, body)
        : action === 'DELETE'
          ? await api.delete(`${ENVS}/1`)
          : await api.post(`${ENVS}/1/downloads`);
    expect(validationMessages(res, 'PreReceiveEnvironment')).toEqual([MESSAGES.defaultEnvironment]);
    expect(res.body.documentation_url).toMatch(/^https:\/\/docs\.github\.com\/enterprise-server@3\.19\/rest\//);
    expect(sim.state.environment(1)).toMatchObject({ name: 'Default', default_environment: true });
  });

  test('names are unique case-insensitively, on create and on rename', async () => {
    const sim = await simulator();
    const api = client(sim);
    expect(
      validationMessages(
        await api.post(ENVS, { name: 'default', image_url: 'https://x/a.tgz' }),
        'PreReceiveEnvironment',
      ),
    ).toEqual([MESSAGES.nameTaken]);
    await api.post(ENVS, { name: 'One', image_url: 'https://x/1.tgz' });
    const two = await api.post(ENVS, { name: 'Two', image_url: 'https://x/2.tgz' });
    expect(
      validationMessages(await api.patch(`${ENVS}/${two.body.id}`, { name: 'ONE' }), 'PreReceiveEnvironment'),
    ).toEqual([MESSAGES.nameTaken]);
    // Renaming to itself in another case is not a conflict.
    expect((await api.patch(`${ENVS}/${two.body.id}`, { name: 'TWO' })).body.name).toBe('TWO');
  });

  test('blank fields are refused with every problem listed', async () => {
    const sim = await simulator();
    const res = await client(sim).post(ENVS, { name: '' });
    expect(validationMessages(res, 'PreReceiveEnvironment')).toEqual([MESSAGES.nameBlank, MESSAGES.imageUrlBlank]);
    expect(sim.state.counts().environments).toBe(1);
  });

  test('PATCH is partial and DELETE removes', async () => {
    const sim = await simulator();
    const api = client(sim);
    const env = (await api.post(ENVS, { name: 'A', image_url: 'https://x/a.tgz' })).body;
    const patched = await api.patch(`${ENVS}/${env.id}`, { image_url: 'https://x/b.tgz' });
    expect(patched.body).toMatchObject({ name: 'A', image_url: 'https://x/b.tgz' });
    expect((await api.delete(`${ENVS}/${env.id}`)).status).toBe(204);
    expect((await api.get(`${ENVS}/${env.id}`)).status).toBe(404);
  });

  test('an environment with hooks cannot be deleted, and hooks_count is computed live', async () => {
    const sim = await simulator();
    const api = client(sim);
    const a = (await api.post(ENVS, { name: 'A', image_url: 'https://x/a.tgz' })).body;
    const b = (await api.post(ENVS, { name: 'B', image_url: 'https://x/b.tgz' })).body;
    const hook = (name: string) => ({
      name,
      script: `${name}.sh`,
      script_repository: { full_name: 'org/hooks' },
      environment: { id: a.id },
    });
    const h1 = (await api.post('/admin/pre-receive-hooks', hook('h1'))).body;
    await api.post('/admin/pre-receive-hooks', hook('h2'));
    expect((await api.get(`${ENVS}/${a.id}`)).body.hooks_count).toBe(2);
    expect(h1.environment.hooks_count).toBe(1);

    expect(validationMessages(await api.delete(`${ENVS}/${a.id}`), 'PreReceiveEnvironment')).toEqual([
      MESSAGES.environmentHasHooks,
    ]);

    await api.patch(`/admin/pre-receive-hooks/${h1.id}`, { environment: { id: b.id } });
    const list = (await api.get(`${ENVS}?direction=asc`)).body as { id: number; hooks_count: number }[];
    expect(list.map((e) => [e.id, e.hooks_count])).toEqual([
      [1, 0],
      [a.id, 1],
      [b.id, 1],
    ]);
    await api.delete(`/admin/pre-receive-hooks/${h1.id}`);
    expect((await api.get(`${ENVS}/${b.id}`)).body.hooks_count).toBe(0);
    expect((await api.delete(`${ENVS}/${b.id}`)).status).toBe(204);
  });

  test.each(['/99', '/99/downloads/latest', '/abc', '/1/nope'])('GET %s is 404', async (suffix) => {
    const sim = await simulator();
    const res = await client(sim).get(`${ENVS}${suffix}`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'Not Found' });
  });

  test('PATCH, DELETE and downloads on an unknown id are 404', async () => {
    const sim = await simulator();
    const api = client(sim);
    expect((await api.patch(`${ENVS}/42`, { name: 'x' })).status).toBe(404);
    expect((await api.delete(`${ENVS}/42`)).status).toBe(404);
    expect((await api.post(`${ENVS}/42/downloads`)).status).toBe(404);
  });
});

describe('download lifecycle', () => {
  test('in_progress until downloadMs has passed, then success; downloaded_at is the start time', async () => {
    const clock = new ManualClock('2024-03-01T10:00:00Z');
    const sim = await simulator({ clock: clock.now, downloadMs: 5_000 });
    const api = client(sim);
    const env = (await api.post(ENVS, { name: 'A', image_url: 'https://x/a.tgz' })).body;

    const started = await api.post(`${ENVS}/${env.id}/downloads`);
    expect(started.status).toBe(202);
    expect(started.body).toEqual({
      url: `${sim.url}${ENVS}/${env.id}/downloads/latest`,
      state: 'in_progress',
      downloaded_at: '2024-03-01T10:00:00Z',
      message: null,
    });

    clock.advance(4_999);
    expect((await api.get(`${ENVS}/${env.id}/downloads/latest`)).body.state).toBe('in_progress');
    expect(validationMessages(await api.post(`${ENVS}/${env.id}/downloads`), 'PreReceiveEnvironment')).toEqual([
      MESSAGES.downloadInProgress,
    ]);
    expect(validationMessages(await api.delete(`${ENVS}/${env.id}`), 'PreReceiveEnvironment')).toEqual([
      MESSAGES.environmentDownloading,
    ]);

    clock.advance(1);
    const done = (await api.get(`${ENVS}/${env.id}`)).body.download;
    expect(done).toMatchObject({ state: 'success', downloaded_at: '2024-03-01T10:00:00Z', message: null });
    expect((await api.delete(`${ENVS}/${env.id}`)).status).toBe(204);
  });

  test('an image URL matching the failure rule ends failed with a message', async () => {
    const clock = new ManualClock();
    const sim = await simulator({ clock: clock.now });
    const api = client(sim);
    const url = 'https://files.example.com/will-fail.tgz';
    const env = (await api.post(ENVS, { name: 'A', image_url: url })).body;
    await api.post(`${ENVS}/${env.id}/downloads`);
    clock.advance(50);
    expect((await api.get(`${ENVS}/${env.id}/downloads/latest`)).body).toMatchObject({
      state: 'failed',
      message: `Failed to download ${url}: 404 Not Found`,
    });
    // A failed download can be retried.
    expect((await api.post(`${ENVS}/${env.id}/downloads`)).status).toBe(202);
  });

  test('a custom failure rule decides instead of the default', async () => {
    const sim = await simulator({
      downloadMs: 0,
      failDownload: (u) => (u.endsWith('.zip') ? 'not a tarball' : undefined),
    });
    const api = client(sim);
    const zip = (await api.post(ENVS, { name: 'Z', image_url: 'https://x/fail.zip' })).body;
    const tgz = (await api.post(ENVS, { name: 'T', image_url: 'https://x/fail.tgz' })).body;
    await api.post(`${ENVS}/${zip.id}/downloads`);
    await api.post(`${ENVS}/${tgz.id}/downloads`);
    expect((await api.get(`${ENVS}/${zip.id}/downloads/latest`)).body).toMatchObject({
      state: 'failed',
      message: 'not a tarball',
    });
    expect((await api.get(`${ENVS}/${tgz.id}/downloads/latest`)).body.state).toBe('success');
  });

  test('downloadMs 0 answers in_progress, then completes on the next read', async () => {
    const clock = new ManualClock();
    const sim = await simulator({ clock: clock.now, downloadMs: 0 });
    const api = client(sim);
    const env = (await api.post(ENVS, { name: 'A', image_url: 'https://x/a.tgz' })).body;
    expect((await api.post(`${ENVS}/${env.id}/downloads`)).body.state).toBe('in_progress');
    expect((await api.get(`${ENVS}/${env.id}/downloads/latest`)).body.state).toBe('success');
  });

  test('autoDownload starts downloads on create and on an image_url change', async () => {
    const clock = new ManualClock();
    const sim = await simulator({ clock: clock.now, autoDownload: { onCreate: true, onImageUrlChange: true } });
    const api = client(sim);
    const env = (await api.post(ENVS, { name: 'A', image_url: 'https://x/a.tgz' })).body;
    expect(env.download.state).toBe('in_progress');
    clock.advance(50);
    expect((await api.patch(`${ENVS}/${env.id}`, { name: 'B' })).body.download.state).toBe('success');
    expect((await api.patch(`${ENVS}/${env.id}`, { image_url: 'https://x/b.tgz' })).body.download.state).toBe(
      'in_progress',
    );
  });
});
