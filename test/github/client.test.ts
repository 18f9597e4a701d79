import { inspect } from 'node:util';
import { createServer } from 'node:net';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API_URL, BASE, TOKEN, emptyLists, ghes, makeApi, rawEnvironment, rawWebhook } from './helpers.js';
import {
  AuthenticationError,
  GhesApiError,
  NetworkError,
  NotSiteAdminError,
  OutcomeUnknownError,
  RateLimitError,
  RequestTimeoutError,
} from '../../src/github/errors.js';
import { createClient, isSafeToRepeat, type ClientSettings } from '../../src/github/client.js';
import { createAdminApi } from '../../src/github/admin-api.js';
import { VERSION } from '../../src/version.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  nock.disableNetConnect();
});

const ENVS = `${BASE}/admin/pre-receive-environments`;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** An Error, as a socket gives: nock passes a plain object on to node:http's interceptor, which drops it. */
function connectionReset(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}
const webhook = {
  url: 'https://hooks.test/new',
  content_type: 'json' as const,
  insecure_ssl: false,
  events: ['user'],
  active: true,
};

describe('createClient', () => {
  it('sends the user agent, token, API version and media type on every request', async () => {
    const seen: Record<string, string | string[] | undefined>[] = [];
    ghes()
      .get(`${BASE}/admin/pre-receive-environments/3/downloads/latest`)
      .reply(function () {
        seen.push(this.req.headers);
        return [200, { state: 'success', message: null, downloaded_at: null }];
      });
    await makeApi().api.getLatestDownload(3);
    const headers = seen[0]!;
    expect(headers['user-agent']).toMatch(new RegExp(`^ghes-gitops/${VERSION.replace(/\./g, '\\.')} `));
    expect(headers.authorization).toBe(`token ${TOKEN}`);
    expect(headers['x-github-api-version']).toBe('2022-11-28');
    expect(headers.accept).toBe('application/vnd.github+json');
  });

  it('does not space out writes when the server does not rate-limit: five are in flight at once', async () => {
    // The server answers none until all five have arrived: a client that queued or spaced its writes (as
    // plugin-throttling's default write group does, 1 s apart) would never get an answer.
    const ids = [1, 2, 3, 4, 5];
    let arrived = 0;
    let allArrived!: () => void;
    const together = new Promise<void>((resolve) => (allArrived = resolve));
    const scope = ghes();
    for (const id of ids) {
      scope.delete(`${ENVS}/${id}`).reply((_uri, _body, callback) => {
        if (++arrived === ids.length) allArrived();
        void together.then(() => callback(null, [204, '']));
      });
    }
    const { api } = makeApi();
    await Promise.all(ids.map((id) => api.deleteEnvironment(id)));
    expect(arrived).toBe(ids.length);
    expect(scope.isDone()).toBe(true);
  });

  it.each([
    ['GET', '/admin/hooks', true],
    ['PATCH', '/admin/hooks/1', true],
    ['DELETE', '/admin/hooks/1', true],
    ['POST', '/admin/pre-receive-environments/4/downloads', true],
    ['POST', '/admin/hooks', false],
    ['POST', '/admin/pre-receive-environments', false],
    ['POST', '/admin/pre-receive-hooks', false],
  ])('%s %s safe to repeat: %s', (method, path, safe) => {
    expect(isSafeToRepeat(method, `${API_URL}${path}`)).toBe(safe);
  });
});

describe('retries', () => {
  it('retries a GET after a 502 and succeeds', async () => {
    const scope = ghes()
      .get(`${ENVS}/3/downloads/latest`)
      .reply(502, 'Bad Gateway')
      .get(`${ENVS}/3/downloads/latest`)
      .reply(200, { state: 'in_progress', message: null, downloaded_at: null });
    const status = await makeApi().api.getLatestDownload(3);
    expect(status.state).toBe('in_progress');
    expect(scope.isDone()).toBe(true);
  });

  it('gives up on a GET after the configured retries, with the status and server message', async () => {
    const scope = ghes().get(`${ENVS}/3/downloads/latest`).times(3).reply(503, { message: 'Service Unavailable' });
    const error = await makeApi({ retries: 2 })
      .api.getLatestDownload(3)
      .catch((e: unknown) => e);
    expect(scope.isDone()).toBe(true);
    expect(error).toBeInstanceOf(GhesApiError);
    expect((error as GhesApiError).message).toBe(
      'GET /admin/pre-receive-environments/3/downloads/latest failed: 503: Service Unavailable',
    );
  });

  it('by default, retries a 5xx five times, and a request that got no answer three', async () => {
    const answered = ghes()
      .get(`${ENVS}/3/downloads/latest`)
      .times(5)
      .reply(502, 'Bad Gateway')
      .get(`${ENVS}/3/downloads/latest`)
      .reply(200, { state: 'success', message: null, downloaded_at: null });
    await expect(makeApi().api.getLatestDownload(3)).resolves.toMatchObject({ state: 'success' });
    expect(answered.isDone()).toBe(true);

    const unanswered = ghes()
      .get(`${ENVS}/3/downloads/latest`)
      .times(4)
      .replyWithError(connectionReset())
      .get(`${ENVS}/3/downloads/latest`)
      .reply(200, { state: 'success', message: null, downloaded_at: null });
    await expect(makeApi().api.getLatestDownload(3)).rejects.toThrow(/ECONNRESET/);
    expect(unanswered.pendingMocks()).toHaveLength(1);
  });

  it('retries a GET after a connection reset', async () => {
    const scope = ghes()
      .get(`${ENVS}/3/downloads/latest`)
      .replyWithError(connectionReset())
      .get(`${ENVS}/3/downloads/latest`)
      .reply(200, { state: 'success', message: null, downloaded_at: null });
    await expect(makeApi().api.getLatestDownload(3)).resolves.toMatchObject({ state: 'success' });
    expect(scope.isDone()).toBe(true);
  });

  it('never repeats a create POST after a 502: the outcome is unknown', async () => {
    const scope = ghes()
      .post(`${BASE}/admin/hooks`)
      .reply(502, 'Bad Gateway')
      .post(`${BASE}/admin/hooks`)
      .reply(201, rawWebhook(9));
    const error = await makeApi()
      .api.createWebhook({ ...webhook, secret: undefined })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect((error as Error).message).toMatch(/^POST \/admin\/hooks: outcome unknown \(502: Bad Gateway\)/);
    expect(scope.pendingMocks()).toHaveLength(1);
  });

  it('never repeats a create POST after a connection reset', async () => {
    const scope = ghes().post(ENVS).replyWithError(connectionReset()).post(ENVS).reply(201, rawEnvironment(4));
    const error = await makeApi()
      .api.createEnvironment({ name: 'x', image_url: 'https://images.test/x.tar.gz' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect((error as Error).message).toContain('ECONNRESET');
    expect(scope.pendingMocks()).toHaveLength(1);
  });

  it('reports a definite refusal of a create (422) as a plain API error with the server message', async () => {
    ghes()
      .post(ENVS)
      .reply(422, {
        message: 'Validation Failed',
        errors: [{ resource: 'PreReceiveEnvironment', code: 'custom', message: 'Name has already been taken' }],
      });
    const error = await makeApi()
      .api.createEnvironment({ name: 'x', image_url: 'https://images.test/x.tar.gz' })
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(OutcomeUnknownError);
    expect((error as GhesApiError).status).toBe(422);
    expect((error as Error).message).toBe(
      'POST /admin/pre-receive-environments failed: 422: Validation Failed: Name has already been taken',
    );
  });
});

describe('request timeout', () => {
  it('abandons a hung GET and retries it', async () => {
    const scope = ghes()
      .get(`${ENVS}/3/downloads/latest`)
      .delay(1000)
      .reply(200, { state: 'in_progress', message: null, downloaded_at: null })
      .get(`${ENVS}/3/downloads/latest`)
      .reply(200, { state: 'success', message: null, downloaded_at: null });
    // Waiting out the first answer would give `in_progress`: `success` comes only from the retry.
    await expect(makeApi({ requestTimeoutMs: 50 }).api.getLatestDownload(3)).resolves.toMatchObject({
      state: 'success',
    });
    expect(scope.isDone()).toBe(true);
  });

  it('says which request timed out and after how long, once retries are spent', async () => {
    ghes().get(`${ENVS}/3/downloads/latest`).times(2).delay(1000).reply(200, {});
    const error = await makeApi({ requestTimeoutMs: 40, retries: 1 })
      .api.getLatestDownload(3)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as Error).message).toBe(
      `GET /admin/pre-receive-environments/3/downloads/latest: no response from ${API_URL} within 40 ms`,
    );
  });

  it('turns a hung create into OutcomeUnknownError without sending it again', async () => {
    const scope = ghes().post(ENVS).delay(1000).reply(201, rawEnvironment(4)).post(ENVS).reply(201, rawEnvironment(5));
    const error = await makeApi({ requestTimeoutMs: 40 })
      .api.createEnvironment({ name: 'x', image_url: 'https://images.test/x.tar.gz' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect((error as Error).message).toContain('no response in time');
    expect(scope.pendingMocks()).toHaveLength(1);
  });
});

describe('rate limits', () => {
  it('waits out a 403 secondary rate limit as Retry-After asks, then succeeds', async () => {
    const scope = ghes()
      .get(`${ENVS}/3/downloads/latest`)
      .reply(403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '20' })
      .get(`${ENVS}/3/downloads/latest`)
      .reply(200, { state: 'success', message: null, downloaded_at: null });
    // rateLimitUnitMs is 1: "20 s" is 20 ms here; below that the retry would have come too early.
    const started = Date.now();
    await expect(makeApi().api.getLatestDownload(3)).resolves.toMatchObject({ state: 'success' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(19);
    expect(scope.isDone()).toBe(true);
  });

  it('waits for x-ratelimit-reset on a primary rate limit (429)', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 5);
    const scope = ghes()
      .get(`${ENVS}/3/downloads/latest`)
      .reply(429, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset })
      .get(`${ENVS}/3/downloads/latest`)
      .reply(200, { state: 'success', message: null, downloaded_at: null });
    await expect(makeApi().api.getLatestDownload(3)).resolves.toMatchObject({ state: 'success' });
    expect(scope.isDone()).toBe(true);
  });

  it('waits for x-ratelimit-reset on a primary rate limit given as 403 with x-ratelimit-remaining 0', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 5);
    const scope = ghes()
      .get(`${ENVS}/3/downloads/latest`)
      .reply(
        403,
        { message: 'API rate limit exceeded for user ID 1.' },
        { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
      )
      .get(`${ENVS}/3/downloads/latest`)
      .reply(200, { state: 'success', message: null, downloaded_at: null });
    const warnings: string[] = [];
    const log = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };
    await expect(makeApi({ log }).api.getLatestDownload(3)).resolves.toMatchObject({ state: 'success' });
    expect(scope.isDone()).toBe(true);
    // Until the reset (4 to 5 s away) and one second more for clock skew; a second may pass while the test runs.
    expect(warnings).toEqual([expect.stringMatching(/: rate limit exceeded; waiting [56] s as the server asks$/)]);
  });

  // The waits are real here (a second per second of Retry-After, 30 s of backoff): only the abort ends them before
  // the test times out. The first wait is logged just before it starts, so the log is where the test aborts.
  it.each<{
    wait: string;
    status: number;
    body: string | Record<string, string>;
    headers: Record<string, string>;
    settings: (abort: AbortController) => Partial<ClientSettings>;
  }>([
    {
      wait: 'a rate-limit wait',
      status: 403,
      body: { message: 'You have exceeded a secondary rate limit.' },
      headers: { 'retry-after': '30' },
      settings: (abort: AbortController) => ({ log: { ...quiet, warn: () => abort.abort() }, rateLimitUnitMs: 1000 }),
    },
    {
      wait: 'the backoff after a 5xx',
      status: 502,
      body: 'Bad Gateway',
      headers: {},
      settings: (abort: AbortController) => ({ log: { ...quiet, debug: () => abort.abort() }, retryDelayMs: 30_000 }),
    },
  ])('ends $wait when the request is aborted, and sends nothing more', async ({ status, body, headers, settings }) => {
    const scope = ghes()
      .get(`${ENVS}/3/downloads/latest`)
      .reply(status, body, headers)
      .get(`${ENVS}/3/downloads/latest`)
      .reply(200, {});
    const abort = new AbortController();
    const { octokit } = makeApi(settings(abort));
    const error = await octokit
      .request('GET /admin/pre-receive-environments/{id}/downloads/latest', {
        id: 3,
        request: { signal: abort.signal },
      })
      .catch((e: unknown) => e);
    expect((error as { status?: number }).status).toBe(status);
    expect(scope.pendingMocks()).toHaveLength(1);
  });

  it('fails with a rate-limit error instead of waiting longer than the cap', async () => {
    const scope = ghes()
      .get(`${ENVS}/3/downloads/latest`)
      .reply(403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '3600' })
      .get(`${ENVS}/3/downloads/latest`)
      .reply(200, {});
    const error = await makeApi({ maxRateLimitWaitSeconds: 60 })
      .api.getLatestDownload(3)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(scope.pendingMocks()).toHaveLength(1);
  });

  it('stops after the bounded number of rate-limit waits', async () => {
    const scope = ghes()
      .get(`${ENVS}/3/downloads/latest`)
      .times(3)
      .reply(403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '1' })
      .get(`${ENVS}/3/downloads/latest`)
      .reply(200, {});
    const error = await makeApi({ rateLimitRetries: 2 })
      .api.getLatestDownload(3)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(scope.pendingMocks()).toHaveLength(1);
  });

  it('takes Retry-After as an HTTP date too', async () => {
    const scope = ghes()
      .post(`${ENVS}/3/downloads`)
      .reply(429, { message: 'Too many requests' }, { 'retry-after': new Date(Date.now() + 3000).toUTCString() })
      .post(`${ENVS}/3/downloads`)
      .reply(202, { state: 'not_started', message: null, downloaded_at: null });
    const warnings: string[] = [];
    const log = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };
    await expect(makeApi({ log }).api.startDownload(3)).resolves.toMatchObject({ status: { state: 'not_started' } });
    expect(scope.isDone()).toBe(true);
    expect(warnings).toEqual([expect.stringMatching(/: rate limit exceeded; waiting [234] s as the server asks$/)]);
  });

  it('waits a minute, then twice as long, for a secondary rate limit that names no wait; gives up past the cap', async () => {
    const scope = ghes()
      .get(`${ENVS}/3/downloads/latest`)
      .times(2)
      .reply(403, { message: 'You have exceeded a secondary rate limit.' })
      .get(`${ENVS}/3/downloads/latest`)
      .reply(200, { state: 'success', message: null, downloaded_at: null });
    const warnings: string[] = [];
    const log = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };
    const error = await makeApi({ log, maxRateLimitWaitSeconds: 100 })
      .api.getLatestDownload(3)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(warnings).toEqual([
      expect.stringMatching(/: secondary rate limit exceeded; waiting 60 s as the server asks$/),
      expect.stringMatching(
        /: secondary rate limit exceeded; the server asks to wait 120 s, more than 100 s: giving up$/,
      ),
    ]);
    expect(scope.pendingMocks()).toHaveLength(1);
  });

  it('waits out a rate limit on a create POST too: the server refused it before doing anything', async () => {
    const scope = ghes()
      .post(`${BASE}/admin/hooks`)
      .reply(403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '1' })
      .post(`${BASE}/admin/hooks`)
      .reply(201, rawWebhook(9, { url: webhook.url }, { events: webhook.events }));
    await expect(makeApi().api.createWebhook({ ...webhook, secret: undefined })).resolves.toMatchObject({ id: 9 });
    expect(scope.isDone()).toBe(true);
  });

  it('does not retry a 403 that is not a rate limit', async () => {
    const scope = ghes()
      .get(`${ENVS}/3/downloads/latest`)
      .reply(403, { message: 'Must have admin rights' })
      .get(`${ENVS}/3/downloads/latest`)
      .reply(200, {});
    const error = await makeApi()
      .api.getLatestDownload(3)
      .catch((e: unknown) => e);
    expect((error as GhesApiError).status).toBe(403);
    expect(error).not.toBeInstanceOf(RateLimitError);
    expect(scope.pendingMocks()).toHaveLength(1);
  });
});

describe('error mapping', () => {
  it('401: the token was rejected, never showing the token', async () => {
    emptyLists(ghes(), ['/admin/hooks'])
      .get(`${BASE}/admin/hooks`)
      .query(true)
      .reply(401, { message: 'Bad credentials' });
    const error = await makeApi()
      .api.observe()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toBe(
      `authentication failed: the token was rejected by ${API_URL} (GET /admin/hooks?per_page=100: 401: Bad credentials)`,
    );
    expect(inspect(error, { depth: 10 })).not.toContain(TOKEN);
  });

  it('404 on an /admin list: not a site administrator', async () => {
    emptyLists(ghes(), ['/admin/pre-receive-hooks'])
      .get(`${BASE}/admin/pre-receive-hooks`)
      .query(true)
      .reply(404, { message: 'Not Found' });
    const error = await makeApi()
      .api.observe()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotSiteAdminError);
    expect((error as Error).message).toContain(
      "the token is not a site administrator's classic token with the site_admin scope (GHES answers 404 to everyone else)",
    );
  });

  it('unreachable server: cannot reach <apiUrl>: <code>', async () => {
    nock.enableNetConnect('127.0.0.1');
    // A port that was free a moment ago and is closed now: a real ECONNREFUSED from the real fetch.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const apiUrl = `http://127.0.0.1:${port}/api/v3`;
    const api = createAdminApi(createClient({ apiUrl, token: TOKEN, retries: 1, retryDelayMs: 1 }));
    const error = await api.observe().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(new RegExp(`^cannot reach ${apiUrl.replace(/\./g, '\\.')}: ECONNREFUSED`));
    expect(inspect(error, { depth: 10 })).not.toContain(TOKEN);
  });

  it('keeps neither the token nor a webhook secret in a failed request error', async () => {
    ghes().post(`${BASE}/admin/hooks`).reply(422, { message: 'Validation Failed' });
    const error = await makeApi()
      .api.createWebhook({ ...webhook, secret: 'hunter2-webhook-secret' })
      .catch((e: unknown) => e);
    const printed = inspect(error, { depth: 10 }) + JSON.stringify(error);
    expect((error as GhesApiError).status).toBe(422);
    expect(printed).not.toContain(TOKEN);
    expect(printed).not.toContain('hunter2-webhook-secret');
  });
});
