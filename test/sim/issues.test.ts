// The issue endpoints the daemon's drift report uses: list with filters and pages, create, update, comment.
import { describe, expect, test } from 'vitest';
import { client, parseLink, simulator } from './helpers.js';

describe('issues', () => {
  test("create, list by state and creator, update and close; the author is the token's account", async () => {
    const sim = await simulator();
    const api = client(sim, sim.userToken);
    expect((await api.get('/user')).body).toMatchObject({ login: 'ghes-user' });
    expect((await client(sim).get('/user')).body).toMatchObject({ login: 'ghes-admin' });

    const created = await api.post('/repos/ops/alerts/issues', { title: 'Drift', body: 'details' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      number: 1,
      title: 'Drift',
      body: 'details',
      state: 'open',
      user: { login: 'ghes-user' },
    });
    sim.state.issues.create('ops/alerts', { title: 'Someone else' }, 'octocat');

    const mine = await api.get('/repos/ops/alerts/issues?creator=ghes-user&state=all');
    expect((mine.body as { number: number }[]).map((i) => i.number)).toEqual([1]);
    expect(((await api.get('/repos/ops/alerts/issues')).body as { number: number }[]).map((i) => i.number)).toEqual([
      2, 1,
    ]);

    const comment = await api.post('/repos/ops/alerts/issues/1/comments', { body: 'Back in sync' });
    expect(comment.body.user).toMatchObject({ login: 'ghes-user' });
    const closed = await api.patch('/repos/ops/alerts/issues/1', { state: 'closed', state_reason: 'completed' });
    expect(closed.body).toMatchObject({ state: 'closed', state_reason: 'completed', comments: 1 });
    expect(closed.body.closed_at).toEqual(expect.any(String));
    expect(((await api.get('/repos/ops/alerts/issues?state=closed')).body as unknown[]).length).toBe(1);

    const reopened = await api.patch('/repos/ops/alerts/issues/1', { state: 'open', title: 'Drift again' });
    expect(reopened.body).toMatchObject({
      state: 'open',
      state_reason: 'reopened',
      closed_at: null,
      title: 'Drift again',
    });
    expect((await api.get('/repos/ops/alerts/issues/1')).body.title).toBe('Drift again');
  });

  test('refuses a missing title, a bad state and a body over 65,536 characters; unknown issues are 404', async () => {
    const sim = await simulator();
    const api = client(sim, sim.userToken);
    const noTitle = await api.post('/repos/ops/alerts/issues', { body: 'x' });
    expect(noTitle.status).toBe(422);
    expect(noTitle.body.errors).toEqual([
      expect.objectContaining({ resource: 'Issue', code: 'missing_field', field: 'title' }),
    ]);
    await api.post('/repos/ops/alerts/issues', { title: 'ok' });
    expect((await api.patch('/repos/ops/alerts/issues/1', { state: 'done' })).status).toBe(422);
    expect((await api.patch('/repos/ops/alerts/issues/1', { body: 'x'.repeat(65_537) })).status).toBe(422);
    expect((await api.patch('/repos/ops/alerts/issues/9', { title: 'x' })).status).toBe(404);
    expect((await api.get('/repos/ops/alerts/issues/0')).status).toBe(404);
  });

  test('lists page by page with a Link header', async () => {
    const sim = await simulator();
    for (let i = 0; i < 5; i++) sim.state.issues.create('ops/alerts', { title: `issue ${i}` });
    const api = client(sim);
    const first = await api.get('/repos/ops/alerts/issues?per_page=2&direction=asc');
    expect((first.body as { number: number }[]).map((i) => i.number)).toEqual([1, 2]);
    const next = parseLink(first.headers.get('link')).next!;
    expect(((await api.getUrl(next)).body as { number: number }[]).map((i) => i.number)).toEqual([3, 4]);
  });
});
