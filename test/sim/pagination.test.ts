import { describe, expect, test } from 'vitest';
import { buildLargeState, seedLarge } from '../../src/sim/server.js';
import { client, ids, parseLink, simulator } from './helpers.js';

const ENVS = '/admin/pre-receive-environments';

/** Five extra environments named so that name order differs from creation order. */
async function fiveEnvironments() {
  const sim = await simulator();
  const api = client(sim);
  for (const name of ['echo', 'alpha', 'delta', 'bravo', 'charlie']) {
    await api.post(ENVS, { name, image_url: `https://x/${name}.tgz` });
  }
  return { sim, api };
}

describe('pagination', () => {
  test('lists default to created desc; direction=asc reverses', async () => {
    const { api } = await fiveEnvironments();
    const order = async (query: string) => ids(await api.get(`${ENVS}${query}`));
    expect(await order('')).toEqual([6, 5, 4, 3, 2, 1]);
    expect(await order('?direction=asc')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await order('?sort=name&direction=asc')).toEqual([3, 5, 6, 1, 4, 2]);
    expect(await order('?sort=name')).toEqual([2, 4, 1, 6, 5, 3]);
  });

  test('Link has next and last on the first page, and keeps the other query parameters', async () => {
    const { sim, api } = await fiveEnvironments();
    const res = await api.get(`${ENVS}?direction=asc&per_page=2`);
    expect(ids(res)).toEqual([1, 2]);
    expect(parseLink(res.headers.get('link'))).toEqual({
      next: `${sim.url}${ENVS}?direction=asc&per_page=2&page=2`,
      last: `${sim.url}${ENVS}?direction=asc&per_page=2&page=3`,
    });
  });

  test('a middle page has all four rels and the last page has prev and first only', async () => {
    const { api } = await fiveEnvironments();
    const middle = parseLink((await api.get(`${ENVS}?per_page=2&page=2`)).headers.get('link'));
    expect(Object.keys(middle).sort()).toEqual(['first', 'last', 'next', 'prev']);
    expect(middle.prev).toMatch(/[?&]page=1(&|$)/);
    const last = await api.get(`${ENVS}?per_page=2&page=3`);
    expect(Object.keys(parseLink(last.headers.get('link'))).sort()).toEqual(['first', 'prev']);
    expect(ids(last)).toEqual([2, 1]);
  });

  test('following next links visits every item once, in both directions', async () => {
    const { api } = await fiveEnvironments();
    for (const [direction, expected] of [
      ['asc', [1, 2, 3, 4, 5, 6]],
      ['desc', [6, 5, 4, 3, 2, 1]],
    ] as const) {
      const seen: number[] = [];
      let res = await api.get(`${ENVS}?per_page=4&direction=${direction}`);
      for (;;) {
        seen.push(...ids(res));
        const next = parseLink(res.headers.get('link')).next;
        if (!next) break;
        res = await api.getUrl(next);
      }
      expect(seen).toEqual(expected);
    }
  });

  test('no Link header when everything fits on one page', async () => {
    const { api } = await fiveEnvironments();
    const res = await api.get(`${ENVS}?per_page=6`);
    expect(res.body).toHaveLength(6);
    expect(res.headers.get('link')).toBeNull();
  });

  test('per_page defaults to 30 and is capped at 100; webhooks paginate in id order', async () => {
    const sim = await simulator();
    seedLarge(sim.state, { environments: 0, hooks: 0, webhooks: 150 });
    const api = client(sim);
    const first = await api.get('/admin/hooks');
    expect(first.body).toHaveLength(30);
    expect(first.body[0].id).toBe(1);
    const big = await api.get('/admin/hooks?per_page=500&page=2');
    expect(ids(big)).toEqual(Array.from({ length: 50 }, (_, i) => 101 + i));
    expect(parseLink(big.headers.get('link')).prev).toMatch(/per_page=500/);
  });

  test('a large state lists all pages consistently, with O(1) store work per item listed', async () => {
    const sim = await simulator({ initialState: buildLargeState({ environments: 300, hooks: 3000, webhooks: 300 }) });
    const api = client(sim);
    // Speed itself is the benchmark's to measure (scripts/bench); what keeps a page cheap is that each item costs a
    // few lookups, never a walk over a whole table. Count the store calls the listing makes, per method.
    const calls = new Map<string, number>();
    const store = sim.state as unknown as Record<string, unknown>;
    const counted = Object.getOwnPropertyNames(Object.getPrototypeOf(sim.state)).filter(
      (name) => name !== 'constructor' && typeof store[name] === 'function',
    );
    for (const name of counted) {
      const method = store[name] as (...args: unknown[]) => unknown;
      store[name] = (...args: unknown[]) => {
        calls.set(name, (calls.get(name) ?? 0) + 1);
        return method.apply(sim.state, args);
      };
    }
    const seen = new Set<number>();
    let url: string | undefined = `${sim.url}/admin/pre-receive-hooks?per_page=100&direction=asc`;
    while (url) {
      const res = await api.getUrl(url);
      for (const hook of res.body as { id: number; environment: { hooks_count: number } }[]) seen.add(hook.id);
      url = parseLink(res.headers.get('link')).next;
    }
    expect(seen.size).toBe(3000);
    // One page request each (the page's rows come with it), and per hook its environment, that environment's
    // hooks_count and its repository: nothing that reads a whole table (environments(), hooks(), snapshot()...).
    expect(Object.fromEntries(calls)).toEqual({
      pageOfHooks: 30,
      environment: 3000,
      hooksCount: 3000,
      repositoryRef: 3000,
    });
    for (const name of counted) delete store[name];
    const envs = (await api.get(`${ENVS}?per_page=100&direction=asc`)).body as { hooks_count: number }[];
    expect(envs[0]!.hooks_count).toBe(10);
  });
});
