// The simulator's pull-request comment endpoints, which the Action's sticky comment is tested against: they must
// paginate and refuse over-long bodies the way GitHub does, or the Action's tests would prove nothing.
import { describe, expect, it } from 'vitest';
import { COMMENT_BODY_LIMIT } from '../../src/sim/issue-comments.js';
import { fixtures, GITHUB_TOKEN } from './harness.js';

async function call(url: string, method = 'GET', body?: unknown, token: string | null = GITHUB_TOKEN) {
  const res = await fetch(url, {
    method,
    headers: {
      ...(token && { authorization: `token ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- replies are read field by field
  return { status: res.status, link: res.headers.get('link'), body: (await res.json()) as any };
}

const bodies = (list: unknown) => (list as { body: string }[]).map((c) => c.body);

describe.concurrent('simulator: issue comments', () => {
  it('creates, lists page by page with Link headers, and updates in place', async ({ onTestFinished }) => {
    const sim = await fixtures(onTestFinished).simulator();
    const base = `${sim.url}/repos/octo/admin/issues/5/comments`;
    for (let i = 0; i < 5; i++) expect((await call(base, 'POST', { body: `c${i}` })).status).toBe(201);
    await call(`${sim.url}/repos/octo/admin/issues/6/comments`, 'POST', { body: 'elsewhere' });

    const page1 = await call(`${base}?per_page=2`);
    expect(bodies(page1.body)).toEqual(['c0', 'c1']);
    expect(page1.link).toContain('page=2>; rel="next"');
    expect(page1.link).toContain('page=3>; rel="last"');
    const page3 = await call(`${base}?per_page=2&page=3`);
    expect(bodies(page3.body)).toEqual(['c4']);
    expect(page3.link).not.toContain('rel="next"');

    const id = page1.body[1].id as number;
    const updated = await call(`${sim.url}/repos/octo/admin/issues/comments/${id}`, 'PATCH', { body: 'edited' });
    expect(updated).toMatchObject({ status: 200, body: { id, body: 'edited' } });
    expect(sim.state.issueComments.list('octo/admin', 5).map((c) => c.body)).toEqual([
      'c0',
      'edited',
      'c2',
      'c3',
      'c4',
    ]);
  });

  it('refuses a body over 65,536 characters with 422, as GitHub does', async ({ onTestFinished }) => {
    const sim = await fixtures(onTestFinished).simulator();
    const url = `${sim.url}/repos/octo/admin/issues/5/comments`;
    expect((await call(url, 'POST', { body: 'x'.repeat(COMMENT_BODY_LIMIT) })).status).toBe(201);
    const tooLong = await call(url, 'POST', { body: 'x'.repeat(COMMENT_BODY_LIMIT + 1) });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.errors[0].message).toBe('Body is too long (maximum is 65536 characters)');
    const id = sim.state.issueComments.list('octo/admin', 5)[0]!.id;
    const patch = await call(`${sim.url}/repos/octo/admin/issues/comments/${id}`, 'PATCH', {
      body: 'y'.repeat(COMMENT_BODY_LIMIT + 1),
    });
    expect(patch.status).toBe(422);
    expect((await call(url, 'POST', { body: '' })).status).toBe(422);
  });

  it('answers 404 for a comment of another repository and 401 without a token', async ({ onTestFinished }) => {
    const sim = await fixtures(onTestFinished).simulator();
    const created = await call(`${sim.url}/repos/octo/admin/issues/5/comments`, 'POST', { body: 'mine' });
    expect(
      (await call(`${sim.url}/repos/octo/other/issues/comments/${created.body.id}`, 'PATCH', { body: 'x' })).status,
    ).toBe(404);
    expect((await call(`${sim.url}/repos/octo/admin/issues/comments/999`, 'PATCH', { body: 'x' })).status).toBe(404);
    expect((await call(`${sim.url}/repos/octo/admin/issues/5/comments`, 'GET', undefined, null)).status).toBe(401);
  });
});
