import { describe, expect, test } from 'vitest';
import { MESSAGES } from '../../src/sim/server.js';
import { client, simulator, validationMessages } from './helpers.js';

const HOOKS = '/admin/hooks';

describe('global webhooks', () => {
  test('create answers the global-hook shape with the secret masked', async () => {
    const sim = await simulator();
    const res = await client(sim).post(HOOKS, {
      name: 'web',
      config: { url: 'https://ci.example.com/hook', secret: 's3cret' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      type: 'Global',
      id: 1,
      name: 'web',
      active: true,
      events: ['user', 'organization'],
      config: { url: 'https://ci.example.com/hook', content_type: 'form', insecure_ssl: '0', secret: '********' },
      updated_at: expect.any(String),
      created_at: expect.any(String),
      url: `${sim.url}${HOOKS}/1`,
      ping_url: `${sim.url}${HOOKS}/1/pings`,
    });
    expect(sim.state.webhookSecret(1)).toBe('s3cret');
  });

  test('the secret key is absent when no secret is set', async () => {
    const sim = await simulator();
    const api = client(sim);
    await api.post(HOOKS, { name: 'web', config: { url: 'https://a.example.com' } });
    const got = await api.get(`${HOOKS}/1`);
    expect(got.body.config).toEqual({ url: 'https://a.example.com', content_type: 'form', insecure_ssl: '0' });
    expect(sim.state.webhookSecret(1)).toBeNull();
  });

  test('PATCH resets every omitted field to its default and removes the secret', async () => {
    const sim = await simulator();
    const api = client(sim);
    await api.post(HOOKS, {
      name: 'web',
      config: { url: 'https://a.example.com', content_type: 'json', insecure_ssl: '1', secret: 's3cret' },
      events: ['repository'],
      active: false,
    });
    const res = await api.patch(`${HOOKS}/1`, { config: { url: 'https://b.example.com' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      active: true,
      events: ['user', 'organization'],
      config: { url: 'https://b.example.com', content_type: 'form', insecure_ssl: '0' },
    });
    expect(res.body.config).not.toHaveProperty('secret');
    expect(sim.state.webhook(1)).toMatchObject({ secret: null, active: true, content_type: 'form' });
  });

  test('the PATCH response never has a secret key, even when a secret is sent', async () => {
    const sim = await simulator();
    const api = client(sim);
    await api.post(HOOKS, { name: 'web', config: { url: 'https://a.example.com' } });
    const res = await api.patch(`${HOOKS}/1`, {
      config: { url: 'https://a.example.com', secret: 'new' },
      events: ['user'],
      active: true,
    });
    expect(res.body.config).not.toHaveProperty('secret');
    expect(sim.state.webhookSecret(1)).toBe('new');
    expect((await api.get(`${HOOKS}/1`)).body.config.secret).toBe('********');
  });

  test('a PATCH echoing the mask stores the mask: the trap a tool must avoid', async () => {
    const sim = await simulator();
    const api = client(sim);
    await api.post(HOOKS, { name: 'web', config: { url: 'https://a.example.com', secret: 'real' } });
    const read = (await api.get(`${HOOKS}/1`)).body;
    await api.patch(`${HOOKS}/1`, { config: read.config, events: read.events, active: read.active });
    expect(sim.state.webhookSecret(1)).toBe('********');
  });

  test('PATCH without config keeps the config but still resets events and active', async () => {
    const sim = await simulator();
    const api = client(sim);
    await api.post(HOOKS, {
      name: 'web',
      config: { url: 'https://a.example.com', secret: 'k' },
      events: ['fork'],
      active: false,
    });
    const res = await api.patch(`${HOOKS}/1`, {});
    expect(res.body).toMatchObject({
      active: true,
      events: ['user', 'organization'],
      config: { url: 'https://a.example.com' },
    });
    expect(sim.state.webhookSecret(1)).toBe('k');
  });

  test.each([
    ['no config', { name: 'web' }, [MESSAGES.webhookUrlMissing]],
    ['a config without url', { name: 'web', config: {} }, [MESSAGES.webhookUrlMissing]],
    ['an ftp url', { name: 'web', config: { url: 'ftp://a.example.com' } }, [MESSAGES.webhookUrlInvalid]],
    ['a relative url', { name: 'web', config: { url: '/hook' } }, [MESSAGES.webhookUrlInvalid]],
    [
      'an unknown event',
      { name: 'web', config: { url: 'https://a.example.com' }, events: ['user', 'push'] },
      [MESSAGES.webhookEvents],
    ],
    ['name other than web', { name: 'slack', config: { url: 'https://a.example.com' } }, [MESSAGES.webhookName]],
    ['no name', { config: { url: 'https://a.example.com' } }, [MESSAGES.webhookName]],
    [
      'content_type xml',
      { name: 'web', config: { url: 'https://a.example.com', content_type: 'xml' } },
      [MESSAGES.webhookContentType],
    ],
    [
      'insecure_ssl as a number',
      { name: 'web', config: { url: 'https://a.example.com', insecure_ssl: 1 } },
      [MESSAGES.webhookInsecureSsl],
    ],
    [
      'insecure_ssl as a boolean',
      { name: 'web', config: { url: 'https://a.example.com', insecure_ssl: true } },
      [MESSAGES.webhookInsecureSsl],
    ],
    [
      'several problems',
      { name: 'x', config: { url: 'nope' }, active: 'yes' },
      [MESSAGES.webhookName, MESSAGES.webhookUrlInvalid, MESSAGES.webhookActive],
    ],
  ])('create with %s is 422', async (_, request, messages) => {
    const sim = await simulator();
    expect(validationMessages(await client(sim).post(HOOKS, request), 'Hook')).toEqual(messages);
    expect(sim.state.counts().webhooks).toBe(0);
  });

  test('PATCH validates like create and leaves the hook untouched on 422', async () => {
    const sim = await simulator();
    const api = client(sim);
    await api.post(HOOKS, { name: 'web', config: { url: 'https://a.example.com', secret: 'k' } });
    expect(validationMessages(await api.patch(`${HOOKS}/1`, { config: { content_type: 'json' } }), 'Hook')).toEqual([
      MESSAGES.webhookUrlMissing,
    ]);
    expect(
      validationMessages(
        await api.patch(`${HOOKS}/1`, { config: { url: 'https://a.example.com' }, events: ['star'] }),
        'Hook',
      ),
    ).toEqual([MESSAGES.webhookEvents]);
    expect(sim.state.webhook(1)).toMatchObject({ url: 'https://a.example.com', secret: 'k' });
  });

  test('every documented event is accepted', async () => {
    const sim = await simulator();
    const events = ['user', 'organization', 'repository', 'team', 'member', 'membership', 'fork', 'ping'];
    const res = await client(sim).post(HOOKS, { name: 'web', config: { url: 'http://a.example.com' }, events });
    expect(res.body.events).toEqual(events);
  });

  test('ping is 204, and 404 for an unknown hook; DELETE removes', async () => {
    const sim = await simulator();
    const api = client(sim);
    await api.post(HOOKS, { name: 'web', config: { url: 'https://a.example.com' } });
    expect((await api.post(`${HOOKS}/1/pings`)).status).toBe(204);
    expect((await api.post(`${HOOKS}/2/pings`)).status).toBe(404);
    expect((await api.delete(`${HOOKS}/1`)).status).toBe(204);
    expect((await api.get(`${HOOKS}/1`)).status).toBe(404);
    expect((await api.patch(`${HOOKS}/1`, { config: { url: 'https://a.example.com' } })).status).toBe(404);
  });
});
