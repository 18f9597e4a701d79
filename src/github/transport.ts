// The HTTP transport under Octokit: the small part of fetch that Octokit uses, over node:http and node:https.
// Node 20's built-in fetch (undici) compiles its WebAssembly HTTP parser on first use, in the background too:
// measured, ~60 ms before the first request goes out and ~40 MB of peak RSS, in a process that sends ~40 requests.
// (Default imports, used at request time: interceptors, such as nock in the tests, patch the module objects.)
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { pipeline, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** Undici's keep-alive default: shorter than the usual server idle timeouts, so a reused socket is rarely stale. */
const KEEP_ALIVE_MS = 4_000;
const MAX_REDIRECTS = 20;
const agents = {
  'http:': new http.Agent({ keepAlive: true, timeout: KEEP_ALIVE_MS }),
  'https:': new https.Agent({ keepAlive: true, timeout: KEEP_ALIVE_MS }),
};

/**
 * fetch as Octokit calls it: a URL, a method, a string body, plain headers, `redirect` and `signal`. Follows
 * redirects like fetch (303, and 301/302 after a POST, become GET; the authorization is dropped on another
 * origin), asks for and decompresses gzip/deflate/br, and fails like fetch: TypeError("fetch failed") with the
 * socket error as its cause, or the signal's reason when aborted.
 */
export const nodeFetch: typeof fetch = async (input, init = {}) => {
  // Not `instanceof Request`: touching the global Request would load undici, which this module exists to avoid.
  let url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  let method = (init.method ?? 'GET').toUpperCase();
  let body = requestBody(init.body);
  const headers = plainHeaders(init.headers);
  const signal = init.signal ?? undefined;
  for (let redirects = 0; ; redirects++) {
    const response = await send(url, method, headers, body, signal);
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
): Promise<NodeResponse> {
  const protocol = url.protocol as keyof typeof agents;
  if (!(protocol in agents))
    return Promise.reject(new TypeError('fetch failed', { cause: new Error(`${url.protocol} is not supported`) }));
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  const outgoing: OutgoingHttpHeaders = { 'accept-encoding': 'gzip, deflate, br', ...headers };
  if (body !== undefined) outgoing['content-length'] = Buffer.byteLength(body);
  else if (method !== 'GET' && method !== 'HEAD') outgoing['content-length'] = 0;

  return new Promise((resolve, reject) => {
    const request = (protocol === 'https:' ? https : http).request(url, {
      method,
      headers: outgoing,
      agent: agents[protocol],
    });
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
