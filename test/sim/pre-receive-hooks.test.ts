import { describe, expect, test } from 'vitest';
import { MESSAGES } from '../../src/sim/server.js';
import { client, simulator, validationMessages } from './helpers.js';

const HOOKS = '/admin/pre-receive-hooks';

const body = (overrides: Record<string, unknown> = {}) => ({
  name: 'check-commits',
  script: 'hooks/check-commits.sh',
  script_repository: { full_name: 'platform/hooks' },
  environment: { id: 1 },
  ...overrides,
});

describe('pre-receive hooks', () => {
  test('create applies defaults and embeds the full environment and repository', async () => {
    const sim = await simulator();
    const res = await client(sim).post(HOOKS, body());
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: 1,
      name: 'check-commits',
      enforcement: 'disabled',
      script: 'hooks/check-commits.sh',
      script_repository: {
        id: expect.any(Number),
        full_name: 'platform/hooks',
        url: `${sim.url}/repos/platform/hooks`,
        html_url: `${sim.origin}/platform/hooks`,
      },
      environment: expect.objectContaining({ id: 1, name: 'Default', default_environment: true, hooks_count: 1 }),
      allow_downstream_configuration: false,
    });
  });

  test('PATCH is partial: omitted fields are kept', async () => {
    const sim = await simulator();
    const api = client(sim);
    const created = (await api.post(HOOKS, body({ enforcement: 'testing', allow_downstream_configuration: true })))
      .body;
    const res = await api.patch(`${HOOKS}/${created.id}`, { name: 'renamed' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'renamed',
      enforcement: 'testing',
      allow_downstream_configuration: true,
      script: 'hooks/check-commits.sh',
      script_repository: { full_name: 'platform/hooks' },
      environment: { id: 1 },
    });
    expect(sim.state.hook(created.id as number)).toMatchObject({ name: 'renamed', enforcement: 'testing' });
  });

  test.each([
    ['a missing environment id', body({ environment: {} }), [MESSAGES.environmentMissing]],
    ['an unknown environment id', body({ environment: { id: 99 } }), [MESSAGES.environmentMissing]],
    ['environment id -1', body({ environment: { id: -1 } }), [MESSAGES.environmentMissing]],
    ['no script_repository', body({ script_repository: undefined }), [MESSAGES.repositoryMissing]],
    ['an invalid enforcement', body({ enforcement: 'on' }), [MESSAGES.enforcementInvalid]],
    [
      'a non-boolean allow_downstream_configuration',
      body({ allow_downstream_configuration: 'yes' }),
      [MESSAGES.allowDownstreamInvalid],
    ],
    ['blank name and script', body({ name: '', script: ' ' }), [MESSAGES.nameBlank, MESSAGES.scriptBlank]],
  ])('create with %s is 422', async (_, request, messages) => {
    const sim = await simulator();
    const res = await client(sim).post(HOOKS, request);
    expect(validationMessages(res, 'PreReceiveHook')).toEqual(messages);
    expect(sim.state.counts().hooks).toBe(0);
  });

  test('names are unique case-insensitively, and so is the (repository, script) pair', async () => {
    const sim = await simulator();
    const api = client(sim);
    await api.post(HOOKS, body());
    expect(
      validationMessages(await api.post(HOOKS, body({ name: 'CHECK-COMMITS', script: 'other.sh' })), 'PreReceiveHook'),
    ).toEqual([MESSAGES.nameTaken]);
    expect(
      validationMessages(
        await api.post(HOOKS, body({ name: 'other', script_repository: { full_name: 'Platform/Hooks' } })),
        'PreReceiveHook',
      ),
    ).toEqual([MESSAGES.scriptTaken]);
    const other = (await api.post(HOOKS, body({ name: 'other', script: 'other.sh' }))).body;
    expect(
      validationMessages(
        await api.patch(`${HOOKS}/${other.id}`, { script: 'hooks/check-commits.sh' }),
        'PreReceiveHook',
      ),
    ).toEqual([MESSAGES.scriptTaken]);
    expect(sim.state.hook(other.id as number)!.script).toBe('other.sh');
  });

  test('with a repository registry, an unknown script repository is 422', async () => {
    const sim = await simulator({
      initialState: { repositories: [{ full_name: 'platform/hooks', files: ['hooks/check-commits.sh'] }] },
    });
    const api = client(sim);
    expect((await api.post(HOOKS, body())).status).toBe(201);
    const res = await api.post(HOOKS, body({ name: 'x', script_repository: { full_name: 'nobody/nothing' } }));
    expect(validationMessages(res, 'PreReceiveHook')).toEqual([MESSAGES.repositoryMissing]);
  });

  test('without a registry, any owner/name is accepted and registered', async () => {
    const sim = await simulator();
    const api = client(sim);
    expect((await api.get('/repos/someone/scripts')).status).toBe(404);
    await api.post(HOOKS, body({ script_repository: { full_name: 'someone/scripts' } }));
    expect((await api.get('/repos/someone/scripts')).body).toMatchObject({
      full_name: 'someone/scripts',
      default_branch: 'main',
    });
  });

  test('unknown ids are 404 on GET, PATCH and DELETE', async () => {
    const sim = await simulator();
    const api = client(sim);
    expect((await api.get(`${HOOKS}/7`)).status).toBe(404);
    expect((await api.patch(`${HOOKS}/7`, { name: 'x' })).status).toBe(404);
    expect((await api.delete(`${HOOKS}/7`)).status).toBe(404);
  });

  test('DELETE removes the hook and frees its name', async () => {
    const sim = await simulator();
    const api = client(sim);
    const created = (await api.post(HOOKS, body())).body;
    expect((await api.delete(`${HOOKS}/${created.id}`)).status).toBe(204);
    expect((await api.post(HOOKS, body())).body.id).toBe(created.id + 1);
  });
});
