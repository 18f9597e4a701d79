import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BASE, HOST, InFlight, emptyLists, ghes, makeApi, rawEnvironment, rawHook, rawWebhook } from './helpers.js';
import { UnexpectedResponseError } from '../../src/github/errors.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const ENVS = `${BASE}/admin/pre-receive-environments`;
const link = (path: string, rels: Record<string, number>) =>
  Object.entries(rels)
    .map(([rel, page]) => `<${HOST}${path}?direction=asc&per_page=100&page=${page}>; rel="${rel}"`)
    .join(', ');
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('observe', () => {
  it('lists each kind with per_page=100, direction=asc only where the API has it, in one request per page', async () => {
    const scope = ghes()
      .get(ENVS)
      .query({ per_page: '100', direction: 'asc' })
      .reply(200, [rawEnvironment(1, 'Default')])
      .get(`${BASE}/admin/pre-receive-hooks`)
      .query({ per_page: '100', direction: 'asc' })
      .reply(200, [rawHook(5)])
      .get(`${BASE}/admin/hooks`)
      .query({ per_page: '100' })
      .reply(200, [rawWebhook(7)]);
    const state = await makeApi().api.observe();
    expect(scope.isDone()).toBe(true);
    expect(state.environments.map((e) => e.id)).toEqual([1]);
    expect(state.hooks.map((h) => h.id)).toEqual([5]);
    expect(state.webhooks.map((w) => w.id)).toEqual([7]);
  });

  it('lists the three kinds concurrently', async () => {
    const inFlight = new InFlight();
    ghes()
      .get(ENVS)
      .query(true)
      .reply(inFlight.reply([]))
      .get(`${BASE}/admin/pre-receive-hooks`)
      .query(true)
      .reply(inFlight.reply([]))
      .get(`${BASE}/admin/hooks`)
      .query(true)
      .reply(inFlight.reply([]));
    await makeApi().api.observe();
    expect(inFlight.max).toBe(3);
  });

  it('fetches the pages after the first concurrently once rel="last" says how many there are', async () => {
    const inFlight = new InFlight();
    const scope = emptyLists(ghes(), ['/admin/pre-receive-environments'])
      .get(ENVS)
      .query({ per_page: '100', direction: 'asc' })
      .reply(
        200,
        range(1, 100).map((id) => rawEnvironment(id)),
        { link: link(ENVS, { next: 2, last: 4 }) },
      );
    for (const [n, ids] of [
      [2, range(101, 200)],
      [3, range(201, 300)],
      [4, range(301, 350)],
    ] as const) {
      scope
        .get(ENVS)
        .query({ per_page: '100', direction: 'asc', page: String(n) })
        .reply(inFlight.reply(ids.map((id) => rawEnvironment(id))));
    }
    const state = await makeApi().api.observe();
    expect(scope.isDone()).toBe(true);
    expect(state.environments).toHaveLength(350);
    expect(inFlight.max).toBe(3);
  });

  it('bounds the concurrent page requests by pageConcurrency', async () => {
    const inFlight = new InFlight();
    const scope = emptyLists(ghes(), ['/admin/pre-receive-environments'])
      .get(ENVS)
      .query({ per_page: '100', direction: 'asc' })
      .reply(200, [rawEnvironment(1)], { link: link(ENVS, { next: 2, last: 7 }) });
    for (const n of range(2, 7)) {
      scope
        .get(ENVS)
        .query({ per_page: '100', direction: 'asc', page: String(n) })
        .reply(inFlight.reply([rawEnvironment(n)], 20));
    }
    const state = await makeApi({}, 2).api.observe();
    expect(state.environments.map((e) => e.id)).toEqual(range(1, 7));
    expect(inFlight.max).toBe(2);
  });

  it('follows rel="next" one page at a time when there is no rel="last"', async () => {
    const order: number[] = [];
    const scope = emptyLists(ghes(), ['/admin/hooks'])
      .get(`${BASE}/admin/hooks`)
      .query({ per_page: '100' })
      .reply(200, [rawWebhook(1)], { link: `<${HOST}${BASE}/admin/hooks?per_page=100&page=2>; rel="next"` })
      .get(`${BASE}/admin/hooks`)
      .query({ per_page: '100', page: '2' })
      .reply(() => {
        order.push(2);
        return [200, [rawWebhook(2)], { link: `<${HOST}${BASE}/admin/hooks?per_page=100&page=3>; rel="next"` }];
      })
      .get(`${BASE}/admin/hooks`)
      .query({ per_page: '100', page: '3' })
      .reply(() => {
        order.push(3);
        return [200, [rawWebhook(3)]];
      });
    const state = await makeApi().api.observe();
    expect(scope.isDone()).toBe(true);
    expect(order).toEqual([2, 3]);
    expect(state.webhooks.map((w) => w.id)).toEqual([1, 2, 3]);
  });

  it.each([
    ['to the same page', 2],
    ['back to an earlier page', 1],
  ])('stops with an error naming the request when rel="next" loops %s, instead of reading forever', async (_, next) => {
    const page = (n: number) => `<${HOST}${BASE}/admin/hooks?per_page=100&page=${n}>; rel="next"`;
    let pageTwoReads = 0;
    emptyLists(ghes(), ['/admin/hooks'])
      .get(`${BASE}/admin/hooks`)
      .query({ per_page: '100' })
      .reply(200, [rawWebhook(1)], { link: page(2) })
      .get(`${BASE}/admin/hooks`)
      .query({ per_page: '100', page: '2' })
      .times(10)
      .reply(() => {
        pageTwoReads++;
        // A proxy that rewrites Link headers badly: page 2 points at itself or back to page 1, for ever.
        return [200, [rawWebhook(2)], { link: page(next) }];
      })
      .get(`${BASE}/admin/hooks`)
      .query({ per_page: '100' })
      .times(10)
      .reply(200, [rawWebhook(1)], { link: page(2) });
    const failure = await makeApi()
      .api.observe()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(UnexpectedResponseError);
    expect((failure as Error).message).toMatch(
      new RegExp(`GET /admin/hooks\\?per_page=100.*the Link header goes back to page ${next}`),
    );
    expect(pageTwoReads).toBe(1);
  });

  it('requests page numbers on its own base URL, never on the host a Link header names', async () => {
    const scope = emptyLists(ghes(), ['/admin/hooks'])
      .get(`${BASE}/admin/hooks`)
      .query({ per_page: '100' })
      .reply(200, [rawWebhook(1)], {
        link: '<https://evil.test/steal?per_page=100&page=2>; rel="next", <https://evil.test/steal?page=2>; rel="last"',
      })
      .get(`${BASE}/admin/hooks`)
      .query({ per_page: '100', page: '2' })
      .reply(200, [rawWebhook(2)]);
    const state = await makeApi().api.observe();
    expect(scope.isDone()).toBe(true);
    expect(state.webhooks).toHaveLength(2);
  });

  it('keeps each id once when an item shows up on two pages', async () => {
    emptyLists(ghes(), ['/admin/pre-receive-hooks'])
      .get(`${BASE}/admin/pre-receive-hooks`)
      .query({ per_page: '100', direction: 'asc' })
      .reply(200, [rawHook(1), rawHook(2)], {
        link: `<${HOST}${BASE}/admin/pre-receive-hooks?page=2>; rel="next", <${HOST}${BASE}/admin/pre-receive-hooks?page=2>; rel="last"`,
      })
      .get(`${BASE}/admin/pre-receive-hooks`)
      .query({ per_page: '100', direction: 'asc', page: '2' })
      .reply(200, [rawHook(2), rawHook(3)]);
    const state = await makeApi().api.observe();
    expect(state.hooks.map((h) => h.id)).toEqual([1, 2, 3]);
  });

  it('makes exactly one request per kind when a list fits on one page (100 items, or none)', async () => {
    const scope = ghes()
      .get(ENVS)
      .query(true)
      .reply(
        200,
        range(1, 100).map((id) => rawEnvironment(id)),
      )
      .get(`${BASE}/admin/pre-receive-hooks`)
      .query(true)
      .reply(200, [])
      .get(`${BASE}/admin/hooks`)
      .query(true)
      .reply(200, []);
    // A second request for any kind would find no interceptor and fail the observation.
    const state = await makeApi().api.observe();
    expect(scope.isDone()).toBe(true);
    expect(state.environments).toHaveLength(100);
    expect(state.hooks).toEqual([]);
  });

  it('rejects a list body that is not an array', async () => {
    emptyLists(ghes(), ['/admin/hooks']).get(`${BASE}/admin/hooks`).query(true).reply(200, { message: 'hi' });
    await expect(makeApi().api.observe()).rejects.toThrow(UnexpectedResponseError);
  });

  it('rejects an object without an id, naming the request', async () => {
    emptyLists(ghes(), ['/admin/pre-receive-environments'])
      .get(ENVS)
      .query(true)
      .reply(200, [{ name: 'no-id' }]);
    await expect(makeApi().api.observe()).rejects.toThrow(
      /unexpected response to GET \/admin\/pre-receive-environments\?.*without a numeric id/,
    );
  });

  it('rejects malformed JSON with a clear error naming the request', async () => {
    emptyLists(ghes(), ['/admin/hooks'])
      .get(`${BASE}/admin/hooks`)
      .query(true)
      .reply(200, '[{"id": 1,', { 'content-type': 'application/json; charset=utf-8' });
    const error = await makeApi()
      .api.observe()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(String(error)).toMatch(/GET \/admin\/hooks\?per_page=100: expected a JSON array, got text/);
  });
});

describe('observe normalizes what it lists', () => {
  it('turns raw objects into the observed shapes, forgetting urls, timestamps and the masked secret', async () => {
    ghes()
      .get(ENVS)
      .query(true)
      .reply(200, [{ ...rawEnvironment(1, 'Default'), default_environment: true, hooks_count: 3 }])
      .get(`${BASE}/admin/pre-receive-hooks`)
      .query(true)
      .reply(200, [{ ...rawHook(5, 'no-secrets'), enforcement: undefined }])
      .get(`${BASE}/admin/hooks`)
      .query(true)
      .reply(200, [
        rawWebhook(
          7,
          { insecure_ssl: '1', secret: '********', content_type: undefined },
          { events: ['user', 'fork', 'user'] },
        ),
        rawWebhook(8, { insecure_ssl: '0' }, { events: undefined, active: false }),
      ]);
    const state = await makeApi().api.observe();
    expect(state.environments).toEqual([
      {
        id: 1,
        name: 'Default',
        image_url: 'https://images.test/Default.tar.gz',
        default_environment: true,
        hooks_count: 3,
        download: { state: 'success', message: null, downloaded_at: '2024-01-01T00:00:00Z' },
      },
    ]);
    expect(state.hooks).toEqual([
      {
        id: 5,
        name: 'no-secrets',
        script: 'scripts/check.sh',
        script_repository: 'admin/hooks',
        environment: { id: 2, name: 'tools', default_environment: false },
        enforcement: 'disabled',
        allow_downstream_configuration: true,
      },
    ]);
    expect(state.webhooks).toEqual([
      {
        id: 7,
        url: 'https://hooks.test/7',
        content_type: 'form',
        insecure_ssl: true,
        events: ['fork', 'user'],
        active: true,
        has_secret: true,
      },
      {
        id: 8,
        url: 'https://hooks.test/8',
        content_type: 'json',
        insecure_ssl: false,
        events: ['organization', 'user'],
        active: false,
        has_secret: false,
      },
    ]);
    expect(JSON.stringify(state)).not.toContain('****');
  });
});
