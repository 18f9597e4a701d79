// The org and repository pre-receive hook endpoints: effective values inherited global → org → repo, the
// configuration_url that says which level owns them, hooks hidden from lists, 404s and pagination.
import { describe, expect, test } from 'vitest';
import { MESSAGES, SimStateError, SimStateStore, type SimStateInput } from '../../src/sim/server.js';
import { client, simulator, validationMessages, type Reply } from './helpers.js';

const hook = (id: number, enforcement: string, allow: boolean) => ({
  id,
  name: `hook-${id}`,
  script: `h${id}.sh`,
  script_repository: 'platform/hooks',
  environment_id: 1,
  enforcement,
  allow_downstream_configuration: allow,
});

/** The hook ids of a list reply. */
const ids = (reply: Reply): number[] => (reply.body as { id: number }[]).map((h) => h.id);

const STATE: SimStateInput = {
  hooks: [hook(1, 'testing', true), hook(2, 'disabled', false), hook(3, 'enabled', false), hook(4, 'disabled', true)],
  repositories: [{ full_name: 'platform/hooks' }, { full_name: 'acme/monorepo' }, { full_name: 'someone/tool' }],
  organizations: [{ login: 'acme' }, { login: 'legacy' }],
};

describe('org and repository pre-receive hooks', () => {
  test('an org lists what runs there and what it may configure, each inheriting the global values', async () => {
    const sim = await simulator({ initialState: STATE });
    const res = await client(sim).get('/orgs/acme/pre-receive-hooks?direction=asc');
    expect(res.status).toBe(200);
    // hook-2 is disabled globally and not configurable below: hidden.
    expect(res.body).toEqual([
      {
        id: 1,
        name: 'hook-1',
        enforcement: 'testing',
        configuration_url: `${sim.url}/admin/pre-receive-hooks/1`,
        allow_downstream_configuration: true,
      },
      {
        id: 3,
        name: 'hook-3',
        enforcement: 'enabled',
        configuration_url: `${sim.url}/admin/pre-receive-hooks/3`,
        allow_downstream_configuration: false,
      },
      {
        id: 4,
        name: 'hook-4',
        enforcement: 'disabled',
        configuration_url: `${sim.url}/admin/pre-receive-hooks/4`,
        allow_downstream_configuration: true,
      },
    ]);
  });

  test('org PATCH creates an override (configuration_url moves to the org), DELETE removes it with 200', async () => {
    const sim = await simulator({ initialState: STATE });
    const api = client(sim);
    const patched = await api.patch('/orgs/acme/pre-receive-hooks/1', {
      enforcement: 'enabled',
      allow_downstream_configuration: false,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({
      id: 1,
      name: 'hook-1',
      enforcement: 'enabled',
      configuration_url: `${sim.url}/orgs/acme/pre-receive-hooks/1`,
      allow_downstream_configuration: false,
    });
    // The other org still inherits.
    expect((await api.get('/orgs/legacy/pre-receive-hooks/1')).body.configuration_url).toBe(
      `${sim.url}/admin/pre-receive-hooks/1`,
    );
    const removed = await api.delete('/orgs/acme/pre-receive-hooks/1');
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({
      enforcement: 'testing',
      allow_downstream_configuration: true,
      configuration_url: `${sim.url}/admin/pre-receive-hooks/1`,
    });
    // The hook itself is untouched.
    expect(sim.state.hook(1)).toMatchObject({ enforcement: 'testing' });
    // Removing again is harmless.
    expect((await api.delete('/orgs/acme/pre-receive-hooks/1')).status).toBe(200);
  });

  test('org PATCH with only enforcement keeps the inherited allow_downstream_configuration', async () => {
    const sim = await simulator({ initialState: STATE });
    const res = await client(sim).patch('/orgs/acme/pre-receive-hooks/4', { enforcement: 'enabled' });
    expect(res.body).toMatchObject({ enforcement: 'enabled', allow_downstream_configuration: true });
    expect(sim.state.overrides.organizationOverride('acme', 4)).toEqual({
      enforcement: 'enabled',
      allow_downstream_configuration: true,
    });
  });

  test('a hook that does not allow downstream configuration refuses org and repo overrides (422)', async () => {
    const sim = await simulator({ initialState: STATE });
    const api = client(sim);
    expect(
      validationMessages(
        await api.patch('/orgs/acme/pre-receive-hooks/3', { enforcement: 'disabled' }),
        'PreReceiveHook',
      ),
    ).toEqual([MESSAGES.hookNotConfigurableOrg]);
    expect(
      validationMessages(
        await api.patch('/repos/acme/monorepo/pre-receive-hooks/3', { enforcement: 'disabled' }),
        'PreReceiveHook',
      ),
    ).toEqual([MESSAGES.hookNotConfigurableRepo]);
    expect(
      validationMessages(await api.patch('/orgs/acme/pre-receive-hooks/1', { enforcement: 'on' }), 'PreReceiveHook'),
    ).toEqual([MESSAGES.enforcementInvalid]);
  });

  test('a repository inherits its org override; its own override wins; DELETE falls back to the org', async () => {
    const sim = await simulator({ initialState: STATE });
    const api = client(sim);
    await api.patch('/orgs/acme/pre-receive-hooks/1', { enforcement: 'enabled' });
    const inherited = await api.get('/repos/acme/monorepo/pre-receive-hooks/1');
    expect(inherited.body).toEqual({
      id: 1,
      name: 'hook-1',
      enforcement: 'enabled',
      configuration_url: `${sim.url}/orgs/acme/pre-receive-hooks/1`,
    });
    const own = await api.patch('/repos/acme/monorepo/pre-receive-hooks/1', { enforcement: 'disabled' });
    expect(own.body).toMatchObject({
      enforcement: 'disabled',
      configuration_url: `${sim.url}/repos/acme/monorepo/pre-receive-hooks/1`,
    });
    const removed = await api.delete('/repos/acme/monorepo/pre-receive-hooks/1');
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({
      enforcement: 'enabled',
      configuration_url: `${sim.url}/orgs/acme/pre-receive-hooks/1`,
    });
    // A repository of a user has no org level: it inherits the global hook.
    expect((await api.get('/repos/someone/tool/pre-receive-hooks/1')).body.configuration_url).toBe(
      `${sim.url}/admin/pre-receive-hooks/1`,
    );
  });

  test('an org that forbids downstream configuration hides a disabled hook from its repositories and refuses them', async () => {
    const sim = await simulator({ initialState: STATE });
    const api = client(sim);
    await api.patch('/orgs/acme/pre-receive-hooks/4', {
      enforcement: 'disabled',
      allow_downstream_configuration: false,
    });
    const listed = await api.get('/repos/acme/monorepo/pre-receive-hooks?direction=asc');
    expect(ids(listed)).toEqual([1, 3]);
    expect(
      validationMessages(
        await api.patch('/repos/acme/monorepo/pre-receive-hooks/4', { enforcement: 'enabled' }),
        'PreReceiveHook',
      ),
    ).toEqual([MESSAGES.hookNotConfigurableRepo]);
    // The org itself still lists it: it is configurable there.
    expect(ids(await api.get('/orgs/acme/pre-receive-hooks'))).toContain(4);
  });

  test('overrides are kept but ignored while the global hook forbids them, and go with the hook', async () => {
    const sim = await simulator({ initialState: STATE });
    const api = client(sim);
    await api.patch('/orgs/acme/pre-receive-hooks/1', { enforcement: 'enabled' });
    await api.patch('/admin/pre-receive-hooks/1', { allow_downstream_configuration: false });
    expect((await api.get('/orgs/acme/pre-receive-hooks/1')).body).toMatchObject({
      enforcement: 'testing',
      configuration_url: `${sim.url}/admin/pre-receive-hooks/1`,
    });
    await api.patch('/admin/pre-receive-hooks/1', { allow_downstream_configuration: true });
    expect((await api.get('/orgs/acme/pre-receive-hooks/1')).body.enforcement).toBe('enabled');
    expect((await api.delete('/admin/pre-receive-hooks/1')).status).toBe(204);
    expect(sim.state.overrides.organizationOverride('acme', 1)).toBeUndefined();
  });

  test.each([
    ['GET', '/orgs/nobody/pre-receive-hooks'],
    ['GET', '/orgs/nobody/pre-receive-hooks/1'],
    ['PATCH', '/orgs/nobody/pre-receive-hooks/1'],
    ['DELETE', '/orgs/nobody/pre-receive-hooks/1'],
    ['GET', '/orgs/acme/pre-receive-hooks/99'],
    ['GET', '/repos/acme/nothing/pre-receive-hooks'],
    ['PATCH', '/repos/acme/nothing/pre-receive-hooks/1'],
    ['DELETE', '/repos/acme/monorepo/pre-receive-hooks/99'],
  ])('%s %s: 404', async (method, path) => {
    const sim = await simulator({ initialState: STATE });
    const api = client(sim);
    const res =
      method === 'GET'
        ? await api.get(path)
        : method === 'PATCH'
          ? await api.patch(path, { enforcement: 'enabled' })
          : await api.delete(path);
    expect(res.status).toBe(404);
  });

  test('lists paginate with a Link header, in the order asked for', async () => {
    const sim = await simulator({ initialState: STATE });
    const api = client(sim);
    const first = await api.get('/orgs/acme/pre-receive-hooks?per_page=2&direction=asc');
    expect(ids(first)).toEqual([1, 3]);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1];
    expect(next).toBeDefined();
    const second = await api.getUrl(next!);
    expect(ids(second)).toEqual([4]);
    expect(second.headers.get('link')).not.toContain('rel="next"');
    const desc = await api.get('/orgs/acme/pre-receive-hooks');
    expect(ids(desc)).toEqual([4, 3, 1]);
  });

  test('a non-admin token is told nothing exists (404)', async () => {
    const sim = await simulator({ initialState: STATE });
    expect((await client(sim, sim.userToken).get('/orgs/acme/pre-receive-hooks')).status).toBe(404);
  });
});

describe('override state', () => {
  test('loads from and round-trips through a snapshot', () => {
    const input: SimStateInput = {
      ...STATE,
      pre_receive_hook_overrides: [
        { hook_id: 1, organization: 'acme', enforcement: 'enabled', allow_downstream_configuration: false },
        { hook_id: 4, repository: 'acme/monorepo', enforcement: 'testing' },
      ],
    };
    const store = new SimStateStore({}, input);
    const snapshot = store.snapshot();
    expect(snapshot.organizations).toEqual([
      { id: 1, login: 'acme' },
      { id: 2, login: 'legacy' },
    ]);
    expect(snapshot.pre_receive_hook_overrides).toEqual(input.pre_receive_hook_overrides);
    expect(new SimStateStore({}, snapshot).snapshot()).toEqual(snapshot);
  });

  test.each([
    [{ hook_id: 9, organization: 'acme', enforcement: 'enabled' }, /hook_id 9 is not a hook/],
    [{ hook_id: 1, organization: 'nobody', enforcement: 'enabled' }, /nobody is not in organizations/],
    [{ hook_id: 1, repository: 'acme/x', enforcement: 'enabled' }, /acme\/x is not in repositories/],
    [{ hook_id: 1, organization: 'acme', enforcement: 'on' }, /enforcement must be one of/],
    [{ hook_id: 1, enforcement: 'enabled' }, /exactly one of organization and repository/],
    [
      { hook_id: 1, repository: 'acme/monorepo', enforcement: 'enabled', allow_downstream_configuration: true },
      /no allow_downstream_configuration/,
    ],
  ])('refuses a bad override %j, keeping the previous state', (override, message) => {
    const store = new SimStateStore({}, STATE);
    expect(() => store.load({ ...STATE, pre_receive_hook_overrides: [override] })).toThrow(SimStateError);
    expect(() => store.load({ ...STATE, pre_receive_hook_overrides: [override] })).toThrow(message);
    expect(store.overrides.organization('acme')).toBeDefined();
    expect(store.hooks()).toHaveLength(4);
  });
});
