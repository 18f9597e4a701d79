// Rate limits end to end: the client and admin API against the simulator over loopback, answering as GHES does
// when a site administrator has turned secondary rate limiting on (403 or 429, a message, Retry-After).
import { describe, expect, it } from 'vitest';
import { createAdminApi } from '../../src/github/admin-api.js';
import { createClient, type ClientSettings } from '../../src/github/client.js';
import { RateLimitError } from '../../src/github/errors.js';
import type { Simulator } from '../../src/sim/server.js';
import { simulator } from '../sim/helpers.js';

const WEBHOOKS = '/admin/hooks';

function connect(sim: Simulator, settings: Partial<ClientSettings> = {}) {
  const warnings: string[] = [];
  const log = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };
  // One millisecond per second the server asks for: the waits are real, only shorter.
  const octokit = createClient({
    apiUrl: sim.url,
    token: sim.adminToken,
    retryDelayMs: 1,
    rateLimitUnitMs: 1,
    log,
    ...settings,
  });
  return { api: createAdminApi(octokit), warnings };
}

/** The gap between each answer and the next attempt, in the simulator's own log. */
function gapsBetweenAttempts(sim: Simulator, method: string, path: string): number[] {
  const attempts = sim.requests.filter(method, path);
  return attempts.slice(1).map((next, i) => next.startedAt - attempts[i]!.endedAt!);
}

describe('rate limits against the simulator', () => {
  it('a 403 secondary rate limit: waits as long as Retry-After asks, each time, then succeeds', async () => {
    const sim = await simulator({ retryAfterSeconds: 20 });
    sim.injectFault({ method: 'GET', pathPattern: WEBHOOKS }, 'rate-limit', 2);
    const { api, warnings } = connect(sim);
    await expect(api.observe()).resolves.toMatchObject({ webhooks: [] });
    expect(sim.requests.filter('GET', WEBHOOKS).map((r) => r.status)).toEqual([403, 403, 200]);
    for (const gap of gapsBetweenAttempts(sim, 'GET', WEBHOOKS)) expect(gap).toBeGreaterThanOrEqual(19);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^GET http:\/\/127\.0\.0\.1:\d+\/api\/v3\/admin\/hooks\?per_page=100: secondary rate limit exceeded; waiting 20 s as the server asks$/,
      ),
      expect.stringMatching(
        /^GET http:\/\/127\.0\.0\.1:\d+\/api\/v3\/admin\/hooks\?per_page=100: secondary rate limit exceeded; waiting 20 s as the server asks$/,
      ),
    ]);
  });

  it('a 429 is waited out the same way', async () => {
    const sim = await simulator({ retryAfterSeconds: 5 });
    sim.injectFault({ method: 'GET', pathPattern: WEBHOOKS }, 'rate-limit', 1, { status: 429 });
    const { api, warnings } = connect(sim);
    await expect(api.observe()).resolves.toMatchObject({ webhooks: [] });
    expect(sim.requests.filter('GET', WEBHOOKS).map((r) => r.status)).toEqual([429, 200]);
    expect(gapsBetweenAttempts(sim, 'GET', WEBHOOKS)[0]).toBeGreaterThanOrEqual(4);
    expect(warnings).toEqual([
      expect.stringMatching(/: secondary rate limit exceeded; waiting 5 s as the server asks$/),
    ]);
  });

  it('a create refused by a rate limit is sent again, once: the server did nothing the first time', async () => {
    const sim = await simulator();
    sim.injectFault({ method: 'POST', pathPattern: WEBHOOKS }, 'rate-limit', 1);
    const { api } = connect(sim);
    const body = { url: 'https://hooks.test/a', content_type: 'json' as const, insecure_ssl: false, events: ['user'] };
    await expect(api.createWebhook({ ...body, active: true, secret: undefined })).resolves.toMatchObject({
      url: body.url,
    });
    expect(sim.requests.filter('POST', WEBHOOKS).map((r) => r.status)).toEqual([403, 201]);
    expect(sim.state.snapshot().webhooks).toHaveLength(1);
  });

  it('a wait longer than the cap fails at once, with a rate-limit error and nothing sent again', async () => {
    const sim = await simulator({ retryAfterSeconds: 120 });
    sim.injectFault({ method: 'GET', pathPattern: WEBHOOKS }, 'rate-limit', 1);
    const { api, warnings } = connect(sim, { maxRateLimitWaitSeconds: 60 });
    const error = await api.observe().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as Error).message).toMatch(
      /^GET \/admin\/hooks.*: rate limited by http:\/\/127\.0\.0\.1:\d+\/api\/v3 \(403/,
    );
    expect(sim.requests.filter('GET', WEBHOOKS)).toHaveLength(1);
    expect(warnings).toEqual([expect.stringMatching(/the server asks to wait 120 s, more than 60 s: giving up$/)]);
  });

  it('a request waits out at most rateLimitRetries limits, then fails', async () => {
    const sim = await simulator();
    sim.injectFault({ method: 'GET', pathPattern: WEBHOOKS }, 'rate-limit', 10);
    const { api } = connect(sim, { rateLimitRetries: 3 });
    await expect(api.observe()).rejects.toBeInstanceOf(RateLimitError);
    expect(sim.requests.filter('GET', WEBHOOKS).map((r) => r.status)).toEqual([403, 403, 403, 403]);
  });
});
