import { describe, expect, test } from 'vitest';
import { client, simulator } from './helpers.js';

describe('authentication and housekeeping endpoints', () => {
  test('no token and an unknown token are 401 Bad credentials', async () => {
    const sim = await simulator();
    for (const api of [client(sim, null), client(sim, 'wrong')]) {
      const res = await api.get('/admin/hooks');
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: 'Bad credentials' });
    }
  });

  test('both "token" and "Bearer" schemes work', async () => {
    const sim = await simulator();
    expect((await client(sim, sim.adminToken, 'token').get('/admin/hooks')).status).toBe(200);
    expect((await client(sim, sim.adminToken, 'Bearer').get('/admin/hooks')).status).toBe(200);
    expect((await client(sim, sim.adminToken, 'Basic').get('/admin/hooks')).status).toBe(401);
  });

  test('a non-admin token gets 404 on /admin, but may read repositories', async () => {
    const sim = await simulator({ initialState: { repositories: [{ full_name: 'org/hooks' }] } });
    const user = client(sim, sim.userToken);
    for (const path of ['/admin/hooks', '/admin/pre-receive-environments/1', '/admin/pre-receive-hooks']) {
      const res = await user.get(path);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: 'Not Found' });
    }
    expect((await user.post('/admin/hooks', { name: 'web', config: { url: 'https://x.example.com' } })).status).toBe(
      404,
    );
    expect(sim.state.counts().webhooks).toBe(0);
    expect((await user.get('/repos/org/hooks')).status).toBe(200);
  });

  test('custom token lists replace the defaults', async () => {
    const sim = await simulator({ adminTokens: ['a1', 'a2'], userTokens: [] });
    expect(sim.adminToken).toBe('a1');
    expect((await client(sim, 'a2').get('/admin/hooks')).status).toBe(200);
    expect((await client(sim, 'ghes-sim-admin-token').get('/admin/hooks')).status).toBe(401);
  });

  test('/meta needs no token and reports 3.19.0; every response carries the version header', async () => {
    const sim = await simulator();
    const meta = await client(sim, null).get('/meta');
    expect(meta.status).toBe(200);
    expect(meta.body.installed_version).toBe('3.19.0');
    for (const res of [meta, await client(sim, 'wrong').get('/admin/hooks'), await client(sim).get('/nowhere')]) {
      expect(res.headers.get('x-github-enterprise-version')).toBe('3.19.0');
    }
  });

  test('/rate_limit says rate limiting is off', async () => {
    const sim = await simulator();
    const res = await client(sim).get('/rate_limit');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'Rate limiting is not enabled.' });
  });

  test('malformed JSON is 400 and changes nothing', async () => {
    const sim = await simulator();
    const res = await fetch(`${sim.url}/admin/pre-receive-environments`, {
      method: 'POST',
      headers: { authorization: `token ${sim.adminToken}`, 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: 'Problems parsing JSON' });
    expect(sim.state.counts().environments).toBe(1);
  });

  test('unknown paths and methods are 404', async () => {
    const sim = await simulator();
    expect((await client(sim).get('/admin/unknown')).status).toBe(404);
    expect((await client(sim).patch('/admin/hooks', {})).status).toBe(404);
    expect((await fetch(`${sim.origin}/elsewhere`)).status).toBe(404);
  });
});
