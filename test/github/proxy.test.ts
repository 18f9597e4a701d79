// Enterprise networks: the client's own transport goes through HTTPS_PROXY / HTTP_PROXY unless NO_PROXY says not, with
// CONNECT tunnels for https and absolute-form requests for http. Proven through proxies started here, on loopback,
// in front of the simulator, with an instance name (ghes.test) that only the proxy can reach.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { proxyFor } from '../../src/github/transport.js';
import type { Simulator } from '../../src/sim/server.js';
import { ROOT, runCli, STACK_FRAME } from '../helpers/cli.js';
import { scoped, type OnFinished } from '../helpers/harness.js';

const MINIMAL = resolve(ROOT, 'examples/minimal.yml');
const TOKEN = 'ghp_proxySuiteToken0123456789abcde';

describe('proxyFor', () => {
  const https = new URL('https://ghes.example.com/api/v3');
  const http_ = new URL('http://ghes.example.com:8080/api/v3');
  it.each([
    ['nothing set', https, {}, undefined],
    ['HTTPS_PROXY for https', https, { HTTPS_PROXY: 'http://proxy:3128' }, 'http://proxy:3128/'],
    ['https_proxy before HTTPS_PROXY', https, { https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:2' }, 'http://a:1/'],
    ['HTTP_PROXY is not for https', https, { HTTP_PROXY: 'http://proxy:3128' }, undefined],
    ['HTTP_PROXY for http', http_, { HTTP_PROXY: 'http://proxy:3128' }, 'http://proxy:3128/'],
    ['http_proxy for http', http_, { http_proxy: 'proxy:3128' }, 'http://proxy:3128/'],
    ['an empty setting', https, { HTTPS_PROXY: ' ' }, undefined],
    ['NO_PROXY naming the host', https, { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'other, ghes.example.com' }, undefined],
    ['no_proxy naming the domain', https, { HTTPS_PROXY: 'http://p:1', no_proxy: 'example.com' }, undefined],
    ['NO_PROXY .domain', https, { HTTPS_PROXY: 'http://p:1', NO_PROXY: '.example.com' }, undefined],
    ['NO_PROXY *.domain', https, { HTTPS_PROXY: 'http://p:1', NO_PROXY: '*.example.com' }, undefined],
    ['NO_PROXY *', https, { HTTPS_PROXY: 'http://p:1', NO_PROXY: '*' }, undefined],
    [
      'NO_PROXY host:port, same port',
      http_,
      { HTTP_PROXY: 'http://p:1', NO_PROXY: 'ghes.example.com:8080' },
      undefined,
    ],
    [
      'NO_PROXY host:port, other port',
      http_,
      { HTTP_PROXY: 'http://p:1', NO_PROXY: 'ghes.example.com:443' },
      'http://p:1/',
    ],
    ['NO_PROXY not a suffix match', https, { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'ample.com' }, 'http://p:1/'],
    ['loopback, always direct', new URL('http://127.0.0.1:9/api/v3'), { HTTP_PROXY: 'http://p:1' }, undefined],
    ['localhost, always direct', new URL('https://localhost/api/v3'), { HTTPS_PROXY: 'http://p:1' }, undefined],
  ] as const)('%s', (_what, url, env, expected) => {
    expect(proxyFor(url, env)?.href).toBe(expected);
  });

  it('refuses a proxy that is not an http(s) URL', () => {
    expect(() => proxyFor(https, { HTTPS_PROXY: 'socks5://p:1080' })).toThrow(/socks5:\/\/ is not supported/);
  });
});

interface Seen {
  requests: { method: string; url: string; host: string | undefined; authorization: string | undefined }[];
  connects: string[];
}

/** An http proxy on loopback: absolute-form requests and CONNECT tunnels, both sent to `upstream` whatever the host. */
async function startProxy(
  onFinished: OnFinished,
  upstream: { http: number; tls?: number },
): Promise<{ url: string; seen: Seen }> {
  const seen: Seen = { requests: [], connects: [] };
  const server = http.createServer((request, response) => {
    seen.requests.push({
      method: request.method ?? '',
      url: request.url ?? '',
      host: request.headers.host,
      authorization: request.headers['proxy-authorization'],
    });
    const target = new URL(request.url ?? '/');
    const headers = { ...request.headers };
    delete headers['proxy-authorization'];
    const forward = http.request(
      {
        host: '127.0.0.1',
        port: upstream.http,
        path: target.pathname + target.search,
        method: request.method,
        headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forward.on('error', () => response.destroy());
    request.pipe(forward);
  });
  server.on('connect', (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.connects.push(request.url ?? '');
    if (upstream.tls === undefined) {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    const socket = net.connect(upstream.tls, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      socket.write(head);
      socket.pipe(client).pipe(socket);
    });
    socket.on('error', () => client.destroy());
    client.on('error', () => socket.destroy());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  onFinished(() => new Promise<void>((done) => server.close(() => done())));
  onFinished(() => server.closeAllConnections());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function simPort(sim: Simulator): number {
  return Number(new URL(sim.url).port);
}

describe.concurrent('through a proxy', () => {
  it('http: absolute-form requests, with the proxy credentials, for HTTP_PROXY and http_proxy', async ({
    onTestFinished,
  }) => {
    const fx = scoped(onTestFinished);
    const sim = await fx.simulator({ adminTokens: [TOKEN] });
    const proxy = await startProxy(onTestFinished, { http: simPort(sim) });
    const withCredentials = proxy.url.replace('http://', 'http://agent:s3cret@');
    for (const name of ['HTTP_PROXY', 'http_proxy']) {
      const run = await runCli(['plan', '--skip-preflight', '--config', MINIMAL, '--verbose'], {
        env: { GHES_API_URL: 'http://ghes.test/api/v3', GHES_TOKEN: TOKEN, [name]: withCredentials },
      });
      expect(run.stderr).toContain(`through the proxy ${proxy.url}`);
      expect(run.stderr).not.toContain('s3cret');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Plan: 1 to create/);
    }
    expect(proxy.seen.requests.length).toBeGreaterThanOrEqual(6);
    for (const request of proxy.seen.requests) {
      expect(request.url).toMatch(/^http:\/\/ghes\.test\/api\/v3\/admin\//);
      expect(request.host).toBe('ghes.test');
      expect(request.authorization).toBe(`Basic ${Buffer.from('agent:s3cret').toString('base64')}`);
    }
  });

  it('NO_PROXY naming the host goes direct (and ghes.test does not resolve)', async ({ onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const sim = await fx.simulator({ adminTokens: [TOKEN] });
    const proxy = await startProxy(onTestFinished, { http: simPort(sim) });
    const run = await runCli(['plan', '--skip-preflight', '--config', MINIMAL], {
      env: { GHES_API_URL: 'http://ghes.test/api/v3', GHES_TOKEN: TOKEN, HTTP_PROXY: proxy.url, NO_PROXY: '.test' },
    });
    expect(run.stderr).toMatch(/cannot resolve the host name ghes\.test/);
    expect(run.code).toBe(1);
    expect(proxy.seen.requests).toEqual([]);
  });

  it('a proxy setting that is not a URL fails before anything is sent', async () => {
    const run = await runCli(['plan', '--skip-preflight', '--config', MINIMAL], {
      env: { GHES_API_URL: 'https://ghes.test/api/v3', GHES_TOKEN: TOKEN, HTTPS_PROXY: 'socks5://127.0.0.1:1080' },
    });
    expect(run.stderr).toMatch(/^proxy socks5:\/\/ is not supported: use an http:\/\/ or https:\/\/ proxy URL/);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.code).toBe(1);
  });

  it('https: a CONNECT tunnel, TLS to the instance inside it, its CA from NODE_EXTRA_CA_CERTS', async ({
    onTestFinished,
    skip,
  }) => {
    if (!existsSync('/usr/bin/openssl')) return skip('openssl is not installed: cannot make a certificate');
    const fx = scoped(onTestFinished);
    const dir = fx.tempDir();
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    // A self-signed certificate for ghes.test: the instance's "internal CA".
    execFileSync(
      '/usr/bin/openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=ghes.test',
        '-addext',
        'subjectAltName=DNS:ghes.test',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const sim = await fx.simulator({ adminTokens: [TOKEN] });
    // TLS ends here and the plain bytes go on to the simulator: an https instance.
    const terminator = tls.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (socket) => {
      const upstream = net.connect(simPort(sim), '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((done) => terminator.listen(0, '127.0.0.1', done));
    onTestFinished(() => new Promise<void>((done) => terminator.close(() => done())));
    const proxy = await startProxy(onTestFinished, {
      http: simPort(sim),
      tls: (terminator.address() as AddressInfo).port,
    });
    const env = { GHES_API_URL: 'https://ghes.test/api/v3', GHES_TOKEN: TOKEN, HTTPS_PROXY: proxy.url };

    const trusted = await runCli(['plan', '--skip-preflight', '--config', MINIMAL], {
      env: { ...env, NODE_EXTRA_CA_CERTS: cert },
    });
    expect(trusted.stderr).toBe('');
    expect(trusted.code).toBe(0);
    expect(trusted.stdout).toMatch(/Plan: 1 to create/);
    expect(proxy.seen.connects.length).toBeGreaterThanOrEqual(1);
    expect(new Set(proxy.seen.connects)).toEqual(new Set(['ghes.test:443']));
    expect(proxy.seen.requests).toEqual([]); // the proxy saw no request: only a tunnel

    const untrusted = await runCli(['plan', '--skip-preflight', '--config', MINIMAL], { env });
    expect(untrusted.stderr).toMatch(
      /cannot reach https:\/\/ghes\.test\/api\/v3: (SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT)/,
    );
    expect(untrusted.code).toBe(1);
  });
});
