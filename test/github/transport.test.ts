// nodeFetch against real loopback servers: what Octokit relies on (status, headers, body), plus what fetch did
// for free and the transport must do itself: decompression, redirects, aborts, and failures shaped like fetch's.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeFetch } from '../../src/github/transport.js';

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

async function serve(handler: (req: Seen, res: ServerResponse) => void): Promise<{ origin: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(request);
      handler(request, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('nodeFetch', () => {
  it('sends method, headers and body, and returns status, lower-cased headers and the body', async () => {
    const { origin, seen } = await serve((_req, res) => {
      res.writeHead(201, { 'Content-Type': 'application/json', 'X-GitHub-Request-Id': 'abc' });
      res.end('{"id":7}');
    });
    const response = await nodeFetch(`${origin}/api/v3/admin/hooks`, {
      method: 'POST',
      headers: { Authorization: 'token t', 'content-type': 'application/json' },
      body: '{"name":"é"}',
    });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/v3/admin/hooks', body: '{"name":"é"}' });
    expect(seen[0]!.headers).toMatchObject({ authorization: 'token t', 'content-length': '13' });
    expect(response.status).toBe(201);
    expect(response.url).toBe(`${origin}/api/v3/admin/hooks`);
    expect(response.headers.get('X-GitHub-Request-Id')).toBe('abc');
    expect(Object.fromEntries(response.headers)).toMatchObject({ 'x-github-request-id': 'abc' });
    expect(await response.json()).toEqual({ id: 7 });
  });

  it('asks for compression and decompresses a gzip body', async () => {
    const { origin, seen } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify([{ id: 1 }, { id: 2 }])));
    });
    const response = await nodeFetch(`${origin}/list`);
    expect(seen[0]!.headers['accept-encoding']).toMatch(/gzip/);
    expect(await response.text()).toBe('[{"id":1},{"id":2}]');
  });

  it('follows a redirect like fetch: POST becomes GET after a 302, and no token goes to another origin', async () => {
    const elsewhere = await serve((_req, res) => res.end('moved here'));
    const { origin, seen } = await serve((req, res) => {
      if (req.url === '/old') res.writeHead(302, { location: '/new' }).end();
      else if (req.url === '/new') res.writeHead(301, { location: `${elsewhere.origin}/final` }).end();
      else res.end('?');
    });
    const response = await nodeFetch(`${origin}/old`, {
      method: 'POST',
      headers: { authorization: 'token t' },
      body: '{}',
    });
    expect(await response.text()).toBe('moved here');
    expect(seen.map((r) => `${r.method} ${r.url} ${r.headers.authorization ?? '-'}`)).toEqual([
      'POST /old token t',
      'GET /new token t',
    ]);
    expect(elsewhere.seen[0]).toMatchObject({ method: 'GET', url: '/final' });
    expect(elsewhere.seen[0]!.headers.authorization).toBeUndefined();
  });

  it('rejects the read of a body cut off mid-way; an unread one does not take the process down', async () => {
    const { origin } = await serve((_req, res) => {
      // Compressed, so that the cut also fails the decompression stream, which (unlike a response) always emits.
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.write(gzipSync(JSON.stringify([{ id: 1, padding: 'x'.repeat(5000) }])).subarray(0, 20));
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const read = await nodeFetch(`${origin}/a`);
    await expect(read.text()).rejects.toThrow();
    const unread = await nodeFetch(`${origin}/b`);
    expect(unread.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50)); // an unhandled 'error' would fail the run here
  });

  it('rejects with the signal reason when aborted before the answer', async () => {
    const { origin } = await serve(() => undefined); // never answers
    const error = await nodeFetch(`${origin}/hang`, { signal: AbortSignal.timeout(50) }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('TimeoutError');
  });

  it('fails like fetch when nothing listens: TypeError "fetch failed" with the socket error as cause', async () => {
    const { origin } = await serve(() => undefined);
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
    const error = await nodeFetch(`${origin}/`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('fetch failed');
    expect(((error as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
  });
});
