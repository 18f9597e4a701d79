import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BASE, ghes, makeApi, rawEnvironment, rawHook, rawWebhook } from './helpers.js';
import { MaskedSecretError, type GhesApiError } from '../../src/github/errors.js';
import type { WebhookRequest } from '../../src/github/api.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const ENVS = `${BASE}/admin/pre-receive-environments`;
const HOOKS = `${BASE}/admin/pre-receive-hooks`;
const WEBHOOKS = `${BASE}/admin/hooks`;

const webhook: WebhookRequest = {
  url: 'https://hooks.test/new',
  content_type: 'json',
  insecure_ssl: true,
  events: ['organization', 'user'],
  active: false,
  secret: 'real-secret',
};

describe('environments', () => {
  it('creates with name and image_url and returns the normalized environment', async () => {
    const scope = ghes()
      .post(ENVS, { name: 'tools', image_url: 'https://images.test/tools.tar.gz' })
      .reply(201, rawEnvironment(4, 'tools'));
    const env = await makeApi().api.createEnvironment({ name: 'tools', image_url: 'https://images.test/tools.tar.gz' });
    expect(scope.isDone()).toBe(true);
    expect(env).toMatchObject({ id: 4, name: 'tools', default_environment: false });
  });

  it('PATCHes only the fields given', async () => {
    const scope = ghes().patch(`${ENVS}/4`, { name: 'renamed' }).reply(200, rawEnvironment(4, 'renamed'));
    await expect(makeApi().api.updateEnvironment(4, { name: 'renamed' })).resolves.toMatchObject({ name: 'renamed' });
    expect(scope.isDone()).toBe(true);
  });

  it('starts a download (202)', async () => {
    ghes().post(`${ENVS}/4/downloads`).reply(202, { state: 'not_started', downloaded_at: null, message: null });
    await expect(makeApi().api.startDownload(4)).resolves.toEqual({
      started: true,
      status: { state: 'not_started', downloaded_at: null, message: null },
    });
  });

  it('treats 422 "Can not start a new download when a download is in progress" as already started', async () => {
    const scope = ghes()
      .post(`${ENVS}/4/downloads`)
      .reply(422, {
        message: 'Validation Failed',
        errors: [{ code: 'custom', message: 'Can not start a new download when a download is in progress' }],
      })
      .get(`${ENVS}/4/downloads/latest`)
      .reply(200, { state: 'in_progress', downloaded_at: '2024-01-01T00:00:00Z', message: null });
    await expect(makeApi().api.startDownload(4)).resolves.toMatchObject({
      started: false,
      status: { state: 'in_progress' },
    });
    expect(scope.isDone()).toBe(true);
  });

  it('retries POST .../downloads after a 502, which is safe to repeat', async () => {
    const scope = ghes()
      .post(`${ENVS}/4/downloads`)
      .reply(502)
      .post(`${ENVS}/4/downloads`)
      .reply(202, { state: 'not_started' });
    await expect(makeApi().api.startDownload(4)).resolves.toMatchObject({ started: true });
    expect(scope.isDone()).toBe(true);
  });

  it('reports the default environment refusal with the server message', async () => {
    ghes()
      .post(`${ENVS}/1/downloads`)
      .reply(422, {
        message: 'Validation Failed',
        errors: [{ code: 'custom', message: 'Cannot modify or delete the default environment' }],
      });
    await expect(makeApi().api.startDownload(1)).rejects.toThrow(
      'POST /admin/pre-receive-environments/1/downloads failed: 422: Validation Failed: Cannot modify or delete the default environment',
    );
  });
});

describe('deletes', () => {
  it('a 404 after a retried DELETE means the first attempt went through', async () => {
    const scope = ghes().delete(`${HOOKS}/5`).reply(502).delete(`${HOOKS}/5`).reply(404, { message: 'Not Found' });
    await expect(makeApi().api.deleteHook(5)).resolves.toBeUndefined();
    expect(scope.isDone()).toBe(true);
  });

  it('...and still does when a rate limit came between the retry and the 404', async () => {
    const scope = ghes()
      .delete(`${HOOKS}/5`)
      .reply(502)
      .delete(`${HOOKS}/5`)
      .reply(403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '1' })
      .delete(`${HOOKS}/5`)
      .reply(404, { message: 'Not Found' });
    await expect(makeApi().api.deleteHook(5)).resolves.toBeUndefined();
    expect(scope.isDone()).toBe(true);
  });

  it('a rate limit alone is no lost attempt: the 404 that follows it is an error', async () => {
    const scope = ghes()
      .delete(`${HOOKS}/5`)
      .reply(403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '1' })
      .delete(`${HOOKS}/5`)
      .reply(404, { message: 'Not Found' });
    const error = await makeApi()
      .api.deleteHook(5)
      .catch((e: unknown) => e);
    expect((error as GhesApiError).status).toBe(404);
    expect(scope.isDone()).toBe(true);
  });

  it('a 404 on the first DELETE is an error (it may mean missing rights, not absence)', async () => {
    ghes().delete(`${HOOKS}/5`).reply(404, { message: 'Not Found' });
    const error = await makeApi()
      .api.deleteHook(5)
      .catch((e: unknown) => e);
    expect((error as GhesApiError).status).toBe(404);
    expect((error as Error).message).toBe('DELETE /admin/pre-receive-hooks/5 failed: 404: Not Found');
  });

  it('deletes webhooks and environments by id', async () => {
    const scope = ghes().delete(`${WEBHOOKS}/7`).reply(204).delete(`${ENVS}/4`).reply(204);
    const { api } = makeApi();
    await api.deleteWebhook(7);
    await api.deleteEnvironment(4);
    expect(scope.isDone()).toBe(true);
  });
});

describe('pre-receive hooks', () => {
  it('creates with repository and environment as objects', async () => {
    const scope = ghes()
      .post(HOOKS, {
        name: 'hook-5',
        script: 'scripts/check.sh',
        script_repository: { full_name: 'admin/hooks' },
        environment: { id: 2 },
        enforcement: 'testing',
        allow_downstream_configuration: false,
      })
      .reply(201, rawHook(5));
    const hook = await makeApi().api.createHook({
      name: 'hook-5',
      script: 'scripts/check.sh',
      script_repository: 'admin/hooks',
      environmentId: 2,
      enforcement: 'testing',
      allow_downstream_configuration: false,
    });
    expect(scope.isDone()).toBe(true);
    expect(hook.script_repository).toBe('admin/hooks');
  });

  it('PATCHes only the given fields, environmentId as environment: {id}', async () => {
    let body: unknown;
    ghes()
      .patch(`${HOOKS}/5`)
      .reply(200, (_uri, requestBody) => {
        body = requestBody;
        return rawHook(5);
      });
    await makeApi().api.updateHook(5, { environmentId: 3, enforcement: 'enabled' });
    expect(body).toEqual({ environment: { id: 3 }, enforcement: 'enabled' });
  });
});

describe('global webhooks', () => {
  it('creates with name "web", insecure_ssl as "0"/"1" and the secret', async () => {
    let body: unknown;
    ghes()
      .post(WEBHOOKS)
      .reply(201, (_uri, requestBody) => {
        body = requestBody;
        return rawWebhook(9, { secret: '********', insecure_ssl: '1' });
      });
    const created = await makeApi().api.createWebhook(webhook);
    expect(body).toEqual({
      name: 'web',
      config: { url: 'https://hooks.test/new', content_type: 'json', insecure_ssl: '1', secret: 'real-secret' },
      events: ['organization', 'user'],
      active: false,
    });
    expect(created).toMatchObject({ id: 9, insecure_ssl: true, has_secret: true });
  });

  it('PATCHes the full body every time, and no secret key when there is none to send', async () => {
    let body: unknown;
    ghes()
      .patch(`${WEBHOOKS}/9`)
      .reply(200, (_uri, requestBody) => {
        body = requestBody;
        return rawWebhook(9);
      });
    const updated = await makeApi().api.updateWebhook(9, { ...webhook, insecure_ssl: false, secret: undefined });
    expect(body).toEqual({
      config: { url: 'https://hooks.test/new', content_type: 'json', insecure_ssl: '0' },
      events: ['organization', 'user'],
      active: false,
    });
    expect(updated.has_secret).toBe(false);
  });

  it('knows a secret is set after a PATCH that sent one, although the PATCH response omits it', async () => {
    ghes().patch(`${WEBHOOKS}/9`).reply(200, rawWebhook(9));
    await expect(makeApi().api.updateWebhook(9, webhook)).resolves.toMatchObject({ has_secret: true });
  });

  it.each(['********', '*********'])('refuses to send the mask %s back, and sends nothing', async (mask) => {
    const scope = ghes().patch(`${WEBHOOKS}/9`).reply(200, rawWebhook(9)).post(WEBHOOKS).reply(201, rawWebhook(9));
    const { api } = makeApi();
    await expect(api.updateWebhook(9, { ...webhook, secret: mask })).rejects.toThrow(MaskedSecretError);
    await expect(api.createWebhook({ ...webhook, secret: mask })).rejects.toThrow(MaskedSecretError);
    expect(scope.pendingMocks()).toHaveLength(2);
  });
});

describe('checkScripts', () => {
  it('finds the script on the default branch', async () => {
    const scope = ghes()
      .get(`${BASE}/repos/admin/hooks`)
      .reply(200, { id: 1, full_name: 'admin/hooks', default_branch: 'trunk' })
      .get(`${BASE}/repos/admin/hooks/contents/scripts/check.sh`)
      .query({ ref: 'trunk' })
      .reply(200, { type: 'file', path: 'scripts/check.sh' });
    await expect(
      makeApi()
        .api.checkScripts('admin/hooks', ['scripts/check.sh'])
        .then(([check]) => check),
    ).resolves.toEqual({
      repositoryExists: true,
      defaultBranch: 'trunk',
      scriptExists: true,
    });
    expect(scope.isDone()).toBe(true);
  });

  it('reports a missing script', async () => {
    ghes()
      .get(`${BASE}/repos/admin/hooks`)
      .reply(200, { default_branch: 'main' })
      .get(`${BASE}/repos/admin/hooks/contents/nope.sh`)
      .query({ ref: 'main' })
      .reply(404, { message: 'Not Found' });
    await expect(
      makeApi()
        .api.checkScripts('admin/hooks', ['nope.sh'])
        .then(([check]) => check),
    ).resolves.toMatchObject({
      repositoryExists: true,
      scriptExists: false,
    });
  });

  it('decides from the tree; asks the contents API only for a symlink, a path git would not store, or one a truncated tree leaves out', async () => {
    const scope = ghes()
      .get(`${BASE}/repos/admin/hooks`)
      .reply(200, { default_branch: 'main' })
      .get(`${BASE}/repos/admin/hooks/git/trees/main`)
      .query({ recursive: '1' })
      .reply(200, {
        truncated: true,
        tree: [
          { path: 'run.sh', mode: '100755', type: 'blob' },
          { path: 'plain.sh', mode: '100644', type: 'blob' },
          { path: 'lib', mode: '040000', type: 'tree' },
          { path: 'vendor', mode: '160000', type: 'commit' },
          { path: 'link.sh', mode: '120000', type: 'blob' },
        ],
      });
    const asked: string[] = [];
    scope
      .get(/\/contents\//)
      .times(3)
      .reply(200, (uri) => (asked.push(uri.replace(/.*\/contents\//, '')), { type: 'file' }));
    const checks = await makeApi().api.checkScripts('admin/hooks', [
      'run.sh',
      '/plain.sh',
      'lib',
      'vendor',
      'link.sh',
      'lib/./x.sh',
      'unlisted.sh',
    ]);
    expect(checks.map((c) => [c.scriptExists, c.mode])).toEqual([
      [true, '100755'],
      [true, '100644'],
      [false, undefined],
      [false, undefined],
      [true, '120000'],
      [true, undefined],
      [true, undefined],
    ]);
    // The URL resolves the `.` segment on its way out, as it always did.
    expect(asked.sort()).toEqual(['lib/x.sh?ref=main', 'link.sh?ref=main', 'unlisted.sh?ref=main']);
    expect(scope.isDone()).toBe(true);
  });

  it('reports a missing repository without asking for the script', async () => {
    const scope = ghes()
      .get(`${BASE}/repos/admin/gone`)
      .reply(404, { message: 'Not Found' })
      .get(/contents/)
      .reply(200, {});
    await expect(
      makeApi()
        .api.checkScripts('admin/gone', ['x.sh'])
        .then(([check]) => check),
    ).resolves.toEqual({
      repositoryExists: false,
      scriptExists: false,
    });
    expect(scope.pendingMocks()).toHaveLength(1);
  });
});
