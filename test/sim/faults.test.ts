import { describe, expect, test } from 'vitest';
import type { FaultOptions } from '../../src/sim/server.js';
import { client, simulator } from './helpers.js';

const ENVS = '/admin/pre-receive-environments';
const auth = (token: string) => ({ authorization: `token ${token}`, 'content-type': 'application/json' });

/** A fixed request sequence; returns what each request got: a status, or "reset". */
async function runSequence(faults: FaultOptions): Promise<(number | string)[]> {
  const sim = await simulator({ faults });
  const outcomes: (number | string)[] = [];
  for (let i = 0; i < 40; i++) {
    const [method, path, body] =
      i % 3 === 0
        ? ['POST', ENVS, { name: `env-${i}`, image_url: 'https://x/a.tgz' }]
        : i % 3 === 1
          ? ['GET', `${ENVS}?page=${i}`, undefined]
          : ['PATCH', `${ENVS}/1`, { name: 'x' }];
    try {
      const res = await fetch(sim.url + path, {
        method,
        headers: auth(sim.adminToken),
        body: body && JSON.stringify(body),
      });
      await res.arrayBuffer();
      outcomes.push(res.status);
    } catch {
      outcomes.push('reset');
    }
  }
  return outcomes;
}

describe('fault injection', () => {
  test('the same seed gives the same faults; another seed gives others', async () => {
    const options = { rate: 0.4, kinds: ['5xx-before', '5xx-after', 'reset', 'rate-limit'] } as const;
    const a = await runSequence({ seed: 7, ...options, kinds: [...options.kinds] });
    const b = await runSequence({ seed: 7, ...options, kinds: [...options.kinds] });
    const c = await runSequence({ seed: 8, ...options, kinds: [...options.kinds] });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    // The rate is honoured roughly, and more than one kind shows up.
    const faulted = a.filter((o) => o === 'reset' || o === 403 || (typeof o === 'number' && o >= 500));
    expect(faulted.length).toBeGreaterThan(5);
    expect(faulted.length).toBeLessThan(30);
    expect(new Set(faulted).size).toBeGreaterThan(2);
  });

  test('faults follow each request, not its arrival order', async () => {
    const paths = Array.from({ length: 12 }, (_, i) => `/admin/hooks?page=${i + 1}`);
    const outcomes = async (order: string[]) => {
      const sim = await simulator({ faults: { seed: 42, rate: 0.5, kinds: ['5xx-before', 'rate-limit'] } });
      const byPath = new Map<string, number>();
      for (const path of order) byPath.set(path, (await client(sim).get(path)).status);
      return [...byPath].sort(([a], [b]) => a.localeCompare(b));
    };
    const forward = await outcomes(paths);
    expect(await outcomes([...paths].reverse())).toEqual(forward);
    expect(new Set(forward.map(([, status]) => status)).size).toBeGreaterThan(1);
  });

  test('rate 0 faults nothing; methods limits random faults to mutations', async () => {
    expect((await runSequence({ seed: 1 })).every((o) => typeof o === 'number' && o < 500)).toBe(true);
    const sim = await simulator({ faults: { seed: 1, rate: 1, kinds: ['5xx-before'], methods: ['POST'] } });
    const api = client(sim);
    expect((await api.get(ENVS)).status).toBe(200);
    expect([502, 503]).toContain((await api.post(ENVS, { name: 'a', image_url: 'https://x/a' })).status);
  });

  test('5xx-before does not apply the change; 5xx-after does', async () => {
    const sim = await simulator();
    const api = client(sim);
    sim.injectFault({ method: 'POST', pathPattern: ENVS }, '5xx-before');
    const before = await api.post(ENVS, { name: 'first', image_url: 'https://x/a' });
    expect(before.status).toBe(502);
    expect(sim.state.findEnvironment('first')).toBeUndefined();

    sim.injectFault({ method: 'POST', pathPattern: ENVS }, '5xx-after');
    const after = await api.post(ENVS, { name: 'second', image_url: 'https://x/b' });
    expect(after.status).toBe(500);
    expect(sim.state.findEnvironment('second')).toBeDefined();
    // Scripted faults are used up.
    expect((await api.post(ENVS, { name: 'third', image_url: 'https://x/c' })).status).toBe(201);
  });

  test('a scripted fault matches by method and path pattern, `times` times', async () => {
    const sim = await simulator();
    const api = client(sim);
    sim.injectFault({ method: 'PATCH', pathPattern: '/admin/hooks/{id}' }, '5xx-before', 2, { status: 503 });
    await api.post('/admin/hooks', { name: 'web', config: { url: 'https://a.example.com' } });
    expect((await api.get('/admin/hooks/1')).status).toBe(200);
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await api.patch('/admin/hooks/1', { config: { url: 'https://a.example.com' } })).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(sim.requests.filter('PATCH').map((r) => r.fault)).toEqual(['5xx-before', '5xx-before', undefined]);
  });

  test('reset drops the connection before the change, reset-after after it', async () => {
    const sim = await simulator();
    const post = (name: string) =>
      fetch(sim.url + ENVS, {
        method: 'POST',
        headers: auth(sim.adminToken),
        body: JSON.stringify({ name, image_url: 'https://x/a' }),
      });
    sim.injectFault({ pathPattern: ENVS }, 'reset');
    await expect(post('one')).rejects.toThrow();
    expect(sim.state.findEnvironment('one')).toBeUndefined();
    sim.injectFault({ pathPattern: ENVS }, 'reset-after');
    await expect(post('two')).rejects.toThrow();
    expect(sim.state.findEnvironment('two')).toBeDefined();
    expect(sim.requests.entries.map((r) => r.status)).toEqual([null, null]);
  });

  test('rate-limit is a 403 secondary rate limit with a configurable Retry-After', async () => {
    const sim = await simulator({ retryAfterSeconds: 3 });
    sim.injectFault({ pathPattern: '/admin/*' }, 'rate-limit');
    const res = await client(sim).get('/admin/hooks');
    expect(res.status).toBe(403);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(res.body.message).toMatch(/secondary rate limit/);
    expect((await client(sim).get('/admin/hooks')).status).toBe(200);
  });

  test('latencyMs delays every request, and the peak of concurrent requests is counted', async () => {
    const sim = await simulator({ faults: { seed: 1, latencyMs: 40 } });
    const api = client(sim);
    const started = performance.now();
    const replies = await Promise.all(Array.from({ length: 5 }, () => api.get('/admin/hooks')));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(39);
    expect(sim.requests.peakConcurrency).toBe(5);
    expect(sim.requests.inFlight).toBe(0);
    sim.requests.clear();
    await api.get('/admin/hooks');
    expect(sim.requests.peakConcurrency).toBe(1);
  });

  test('a latency fault with `until` holds the request until the test lets it go; stop() lets it go too', async () => {
    const sim = await simulator();
    let release!: () => void;
    sim.injectFault({ method: 'GET', pathPattern: '/admin/hooks' }, 'latency', 2, {
      until: new Promise<void>((resolve) => (release = resolve)),
    });
    const api = client(sim);
    const held = api.get('/admin/hooks');
    await expect.poll(() => sim.requests.inFlight).toBe(1);
    // Other requests are not held.
    expect((await api.get('/admin/pre-receive-environments')).status).toBe(200);
    expect(sim.requests.inFlight).toBe(1);
    release();
    expect((await held).status).toBe(200);
    expect(sim.requests.entries[0]).toMatchObject({ fault: 'latency', status: 200 });

    // The second is released already (the same promise): it is answered too.
    expect((await api.get('/admin/hooks')).status).toBe(200);

    sim.injectFault({ method: 'GET', pathPattern: '/admin/hooks' }, 'latency', 1, { until: new Promise(() => {}) });
    const never = api.get('/admin/hooks').then(
      () => 'answered',
      () => 'failed',
    );
    await expect.poll(() => sim.requests.inFlight).toBe(1);
    await sim.stop();
    expect(await never).toBe('failed');
  });

  test('a hung request is abandoned by the client, and stop() still returns at once', async () => {
    const sim = await simulator();
    sim.injectFault({ pathPattern: '/admin/hooks' }, 'hang', 2);
    // The client gives up once the server has the request (a timer could fire before it arrives on a busy machine).
    const giveUp = new AbortController();
    const abandoned = fetch(`${sim.url}/admin/hooks`, { headers: auth(sim.adminToken), signal: giveUp.signal });
    await expect.poll(() => sim.requests.inFlight).toBe(1);
    giveUp.abort();
    await expect(abandoned).rejects.toThrow(/abort/i);
    await expect.poll(() => sim.requests.inFlight).toBe(0);
    expect(sim.requests.entries[0]).toMatchObject({ fault: 'hang', status: null, endedAt: expect.any(Number) });

    // The second one stays hung until the server stops.
    const pending = fetch(`${sim.url}/admin/hooks`, { headers: auth(sim.adminToken) }).then(
      () => 'answered',
      () => 'failed',
    );
    await expect.poll(() => sim.requests.inFlight).toBe(1);
    // A stop() that waited for the hung request would wait for node's own request timeout (minutes), far past the
    // test's: it returns because it closes that socket itself, which the log shows as an unanswered request.
    await sim.stop();
    expect(await pending).toBe('failed');
    await expect.poll(() => sim.requests.inFlight).toBe(0);
    expect(sim.requests.entries[1]).toMatchObject({ fault: 'hang', status: null, endedAt: expect.any(Number) });
  });

  test('faults never touch /_sim and the log covers API requests only', async () => {
    const sim = await simulator({ faults: { seed: 3, rate: 1, kinds: ['5xx-before'] } });
    const res = await fetch(`${sim.origin}/_sim/state`);
    expect(res.status).toBe(200);
    expect(sim.requests.entries).toHaveLength(0);
  });

  test('configureFaults changes the settings at run time', async () => {
    const sim = await simulator();
    const api = client(sim);
    sim.configureFaults({ seed: 1, rate: 1, kinds: ['rate-limit'], retryAfterSeconds: 2 });
    const limited = await api.get('/admin/hooks');
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([403, '2']);
    sim.configureFaults(undefined);
    expect((await api.get('/admin/hooks')).status).toBe(200);
  });
});
