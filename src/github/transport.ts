// The HTTP transport under Octokit: the small part of fetch that Octokit uses, over node:http and node:https.
// Node 20's built-in fetch (undici) compiles its WebAssembly HTTP parser on first use, in the background too:
// measured, ~60 ms before the first request goes out and ~40 MB of peak RSS, in a process that sends ~40 requests.
// Enterprise networks: HTTPS_PROXY / HTTP_PROXY / NO_PROXY are honoured here (CONNECT tunnels for https, absolute-form
// requests for http); an internal CA comes in through Node's own NODE_EXTRA_CA_CERTS.
// (Default imports, used at request time: interceptors, such as nock in the tests, patch the module objects.)
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { pipeline, type Duplex, type Readable, type Transform } from 'node:stream';
import tls from 'node:tls';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** Undici's keep-alive default: shorter than the usual server idle timeouts, so a reused socket is rarely stale. */
const KEEP_ALIVE_MS = 4_000;
const MAX_REDIRECTS = 20;
const agents = {
  'http:': new http.Agent({ keepAlive: true, timeout: KEEP_ALIVE_MS }),
  'https:': new https.Agent({ keepAlive: true, timeout: KEEP_ALIVE_MS }),
};

export interface NodeFetchOptions {
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read, at each request. Default: process.env. */
  env?: Record<string, string | undefined>;
}

/**
 * fetch as Octokit calls it: a URL, a method, a string body, plain headers, `redirect` and `signal`. Follows
 * redirects like fetch (303, and 301/302 after a POST, become GET; the authorization is dropped on another
 * origin), asks for and decompresses gzip/deflate/br, goes through the proxy the environment names, and fails like
 * fetch: TypeError("fetch failed") with the socket error as its cause, or the signal's reason when aborted.
 */
export function createNodeFetch(options: NodeFetchOptions = {}): typeof fetch {
  return async (input, init = {}) => {
    // Not `instanceof Request`: touching the global Request would load undici, which this module exists to avoid.
    let url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    let method = (init.method ?? 'GET').toUpperCase();
    let body = requestBody(init.body);
    const headers = plainHeaders(init.headers);
    const signal = init.signal ?? undefined;
    for (let redirects = 0; ; redirects++) {
      const proxy = proxyFor(url, options.env ?? process.env);
      const response = await send(url, method, headers, body, signal, proxy);
      const location = response.headers.get('location');
      if (![301, 302, 303, 307, 308].includes(response.status) || location === null || init.redirect === 'manual') {
        return response as unknown as Response;
      }
      response.discard();
      if (init.redirect === 'error' || redirects >= MAX_REDIRECTS) {
        throw new TypeError('fetch failed', { cause: new Error(`redirect not followed: ${response.status}`) });
      }
      const next = new URL(location, url);
      if ((response.status === 303 && method !== 'HEAD') || (response.status <= 302 && method === 'POST')) {
        method = 'GET';
        body = undefined;
        delete headers['content-type'];
      }
      if (next.origin !== url.origin) delete headers.authorization;
      url = next;
    }
  };
}

/** The transport the client uses by default: proxies from process.env. */
export const nodeFetch: typeof fetch = createNodeFetch();

/**
 * The proxy a request to `url` goes through, from the environment as curl and Go read it: `https_proxy` or
 * `HTTPS_PROXY` for https, `http_proxy` or `HTTP_PROXY` for http (lower case first), none for a host that NO_PROXY
 * names or for loopback (as Go does). Undefined: connect directly. Throws TypeError for a proxy that is not a URL.
 */
export function proxyFor(url: URL, env: Record<string, string | undefined>): URL | undefined {
  const names = url.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY'];
  const setting = names.map((name) => env[name]?.trim()).find((value) => value !== undefined && value !== '');
  if (setting === undefined) return undefined;
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (isLoopbackHost(host) || bypassed(host, url.port || (url.protocol === 'https:' ? '443' : '80'), env)) {
    return undefined;
  }
  let proxy: URL;
  try {
    // `proxy.example.com:3128`, as many set it, means http.
    proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(setting) ? setting : `http://${setting}`);
  } catch {
    throw new TypeError(`the proxy setting for ${url.protocol.slice(0, -1)} is not a URL`);
  }
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
    throw new TypeError(`proxy ${proxy.protocol}// is not supported: use an http:// or https:// proxy URL`);
  }
  return proxy;
}

/** NO_PROXY / no_proxy: `*`, or entries `host`, `.domain`, `*.domain`, `domain` (and its subdomains), `host:port`. */
function bypassed(host: string, port: string, env: Record<string, string | undefined>): boolean {
  const list = env.no_proxy ?? env.NO_PROXY ?? '';
  for (const raw of list.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const portMatch = /^(.*?):(\d+)$/.exec(entry);
    if (portMatch && !entry.startsWith('[')) {
      if (portMatch[2] !== port) continue;
      entry = portMatch[1] ?? '';
    }
    entry = entry.replace(/^\*?\./, '').replace(/^\[|\]$/g, '');
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** `http://proxy:3128`, never the credentials a proxy URL may hold. */
function describeProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username && !proxy.password) return {};
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(credentials).toString('base64')}` };
}

/**
 * An https agent whose connections are CONNECT tunnels through `proxy`, with TLS to the instance inside (so the
 * proxy sees only the host name). Keep-alive pools per instance host, like the direct agent.
 */
class TunnellingAgent extends https.Agent {
  constructor(readonly proxy: URL) {
    super({ keepAlive: true, timeout: KEEP_ALIVE_MS });
  }

  // Node's Agent takes the socket from this callback when createConnection returns nothing.
  override createConnection(
    requestOptions: http.RequestOptions,
    callback?: (error: Error | null, socket: Duplex) => void,
  ): Duplex | undefined {
    // The agent passes the request's TLS options (servername, ca, rejectUnauthorized) along with host and port.
    const options = requestOptions as tls.ConnectionOptions;
    const done = (error: Error | null, socket?: Duplex) => callback?.(error, socket as Duplex);
    const host = options.host ?? 'localhost';
    const port = options.port ?? 443;
    const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const connect = (this.proxy.protocol === 'https:' ? https : http).request({
      host: this.proxy.hostname.replace(/^\[|\]$/g, ''),
      port: this.proxy.port || (this.proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: target,
      headers: { host: target, ...proxyAuthorization(this.proxy) },
      agent: false,
    });
    connect.once('connect', (response: IncomingMessage, socket: Socket) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        done(
          new Error(`proxy ${describeProxy(this.proxy)} answered ${response.statusCode ?? '?'} to CONNECT ${target}`),
        );
        return;
      }
      done(null, tls.connect({ ...options, socket, servername: options.servername ?? host }));
    });
    connect.once('error', (error) => done(error));
    connect.end();
    return undefined;
  }
}

const tunnels = new Map<string, TunnellingAgent>();

function tunnelThrough(proxy: URL): TunnellingAgent {
  let agent = tunnels.get(proxy.href);
  if (!agent) tunnels.set(proxy.href, (agent = new TunnellingAgent(proxy)));
  return agent;
}

/** What fetch rejects with when aborted: the signal's reason (a TimeoutError for AbortSignal.timeout). */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('This operation was aborted', 'AbortError');
}

function requestBody(body: RequestInit['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  throw new TypeError('nodeFetch: only string and byte bodies are supported');
}

/** Lower-cased names; Octokit passes a plain object of strings. */
function plainHeaders(headers: RequestInit['headers']): Record<string, string> {
  const plain: Record<string, string> = {};
  if (headers === undefined) return plain;
  const entries =
    Array.isArray(headers) || Symbol.iterator in headers
      ? (headers as Iterable<[string, unknown]>)
      : Object.entries(headers as Record<string, unknown>);
  for (const [name, value] of entries) plain[name.toLowerCase()] = String(value);
  return plain;
}

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | Uint8Array | undefined,
  signal: AbortSignal | undefined,
  proxy: URL | undefined,
): Promise<NodeResponse> {
  const protocol = url.protocol as keyof typeof agents;
  if (!(protocol in agents))
    return Promise.reject(new TypeError('fetch failed', { cause: new Error(`${url.protocol} is not supported`) }));
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  const outgoing: OutgoingHttpHeaders = { 'accept-encoding': 'gzip, deflate, br', ...headers };
  if (body !== undefined) outgoing['content-length'] = Buffer.byteLength(body);
  else if (method !== 'GET' && method !== 'HEAD') outgoing['content-length'] = 0;

  return new Promise((resolve, reject) => {
    let request: http.ClientRequest;
    if (proxy && protocol === 'http:') {
      // Absolute-form: the proxy is asked for the whole URL; it sees the request, so the token too, as any http hop does.
      request = (proxy.protocol === 'https:' ? https : http).request({
        host: proxy.hostname.replace(/^\[|\]$/g, ''),
        port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
        path: url.href,
        method,
        headers: { ...outgoing, host: url.host, ...proxyAuthorization(proxy) },
        agent: agents[proxy.protocol as keyof typeof agents],
      });
    } else if (protocol === 'https:') {
      const agent = proxy ? tunnelThrough(proxy) : agents['https:'];
      request = https.request(url, { method, headers: outgoing, agent });
    } else {
      request = http.request(url, { method, headers: outgoing, agent: agents['http:'] });
    }
    let response: NodeResponse | undefined;
    const onAbort = () => {
      const reason = abortReason(signal!);
      request.destroy();
      // After the headers, the abort ends the body instead; whoever reads it sees the reason.
      if (response) response.abort(reason);
      else reject(reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const release = () => signal?.removeEventListener('abort', onAbort);
    request.on('error', (error) => {
      release();
      if (!response) reject(new TypeError('fetch failed', { cause: error }));
    });
    request.once('response', (message) => {
      response = new NodeResponse(url, method, message, release);
      resolve(response);
    });
    request.end(body);
  });
}

/** The header view Octokit reads: `get` and iteration over lower-cased [name, value] pairs. */
class ResponseHeaders {
  readonly #values = new Map<string, string>();

  constructor(raw: IncomingMessage['headers']) {
    for (const [name, value] of Object.entries(raw)) {
      if (value !== undefined) this.#values.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
  }

  get(name: string): string | null {
    return this.#values.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.#values.has(name.toLowerCase());
  }

  forEach(callback: (value: string, name: string) => void): void {
    this.#values.forEach(callback);
  }

  entries(): IterableIterator<[string, string]> {
    return this.#values.entries();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.#values.entries();
  }
}

/** A Response as far as Octokit and the client use it: status, headers, url, and a body read once. */
class NodeResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly url: string;
  readonly redirected = false;
  readonly headers: ResponseHeaders;
  /** Decompressed; async-iterable like a web ReadableStream. Null for HEAD, 204 and 304. */
  readonly body: Readable | null;
  #used = false;

  constructor(url: URL, method: string, message: IncomingMessage, release: () => void) {
    this.status = message.statusCode ?? 0;
    this.statusText = message.statusMessage ?? '';
    this.ok = this.status >= 200 && this.status < 300;
    this.url = url.href;
    this.headers = new ResponseHeaders(message.headers);
    const empty = method === 'HEAD' || this.status === 204 || this.status === 304;
    // A body nobody reads (a redirect, an empty answer) must not crash the process when its socket fails; a reader
    // still sees the error.
    message.on('error', () => undefined);
    if (empty) {
      message.resume();
      message.once('close', release);
      this.body = null;
      return;
    }
    const decoder = decoderFor(this.headers.get('content-encoding'));
    const body = decoder ? pipeline(message, decoder, () => undefined) : message;
    body.on('error', () => undefined);
    // The abort listener stays until the body is done, so a timeout can still end a body that stalls.
    body.once('close', release);
    this.body = body;
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  abort(reason: Error): void {
    this.body?.destroy(reason);
  }

  /** Drops the body of a response nobody will read (a redirect), so the socket goes back to the pool. */
  discard(): void {
    this.body?.resume();
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.#bytes());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  async #bytes(): Promise<Buffer> {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    if (this.body === null) return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    for await (const chunk of this.body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
}

function decoderFor(encoding: string | null): Transform | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return undefined;
  }
}
