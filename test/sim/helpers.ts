// Shared by the simulator tests: start a simulator per test and talk to it over real HTTP with fetch.
import { afterEach } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/server.js';

export interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON, the raw text when it is not JSON, undefined when empty. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read replies field by field
  body: any;
}

export interface Client {
  get(path: string): Promise<Reply>;
  post(path: string, body?: unknown): Promise<Reply>;
  patch(path: string, body?: unknown): Promise<Reply>;
  delete(path: string): Promise<Reply>;
  /** A full URL (e.g. from a Link header) instead of a path below /api/v3. */
  getUrl(url: string): Promise<Reply>;
}

const running: Simulator[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.stop()));
});

/** A simulator stopped automatically after the test. */
export async function simulator(options?: SimulatorOptions): Promise<Simulator> {
  const sim = await startSimulator(options);
  running.push(sim);
  return sim;
}

/** A client for `sim`; `token: null` sends no Authorization header. */
export function client(sim: Simulator, token: string | null = sim.adminToken, scheme = 'token'): Client {
  const call = async (method: string, url: string, body?: unknown): Promise<Reply> => {
    const headers: Record<string, string> = { accept: 'application/vnd.github+json' };
    if (token !== null) headers.authorization = `${scheme} ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
  return {
    get: (path) => call('GET', sim.url + path),
    post: (path, body) => call('POST', sim.url + path, body),
    patch: (path, body) => call('PATCH', sim.url + path, body),
    delete: (path) => call('DELETE', sim.url + path),
    getUrl: (url) => call('GET', url),
  };
}

/** The `message`s of a 422 body, after checking its GitHub shape. */
export function validationMessages(reply: Reply, resource: string): string[] {
  if (reply.status !== 422) throw new Error(`expected 422, got ${reply.status}: ${JSON.stringify(reply.body)}`);
  const body = reply.body as { message: string; errors: { resource: string; code: string; message: string }[] };
  if (body.message !== 'Validation Failed') throw new Error(`unexpected message ${body.message}`);
  for (const e of body.errors) {
    if (e.resource !== resource || e.code !== 'custom') throw new Error(`unexpected error entry ${JSON.stringify(e)}`);
  }
  return body.errors.map((e) => e.message);
}

/** Parses a Link header into rel -> URL. */
export function parseLink(header: string | null): Record<string, string> {
  const links: Record<string, string> = {};
  for (const part of (header ?? '').split(',')) {
    const m = /<([^>]+)>;\s*rel="([^"]+)"/.exec(part);
    if (m) links[m[2]!] = m[1]!;
  }
  return links;
}

/** The `id`s of a list reply's items, in order. */
export function ids(reply: Reply): number[] {
  return (reply.body as { id: number }[]).map((item) => item.id);
}
