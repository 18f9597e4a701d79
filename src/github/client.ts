// The one place that builds an Octokit for GHES: base URL, token, user agent, API headers, per-request timeout,
// retries (only of requests safe to repeat) and rate-limit handling. Everything else receives the client built here.
import { Octokit } from '@octokit/core';
import pLimit from 'p-limit';
import type { Logger } from '../redact.js';
import { VERSION, TOOL_NAME } from '../version.js';
import { isNameResolutionFailure, rateLimitOf } from './errors.js';
import { nodeFetch } from './transport.js';

export interface ClientSettings {
  /** e.g. `https://ghes.example.com/api/v3` */
  apiUrl: string;
  token: string;
  /** Per attempt; a request that hangs longer is abandoned (and retried when safe). Default 30 s. */
  requestTimeoutMs?: number;
  /** Retries of a request that is safe to repeat, after 5xx (default 5), reset or timeout (at most 3). */
  retries?: number;
  /** Default: nodeFetch (transport.ts), fetch over node:http; Node's own fetch costs ~40 MB of RSS on first use. */
  fetch?: typeof fetch;
  log?: Logger;
  /** First retry delay, doubled on each retry, with equal jitter. Default 1000 ms; tests use 1. */
  retryDelayMs?: number;
  /** The longest rate-limit wait we honour, in the server's seconds; a longer one fails instead. Default 60. */
  maxRateLimitWaitSeconds?: number;
  /** How many times one request may wait out a rate limit. Default 3. */
  rateLimitRetries?: number;
  /** Milliseconds per second of `Retry-After` / `x-ratelimit-reset`. Default 1000; tests use 1. */
  rateLimitUnitMs?: number;
  /** Told the method and status of every response, each retry's included (the daemon's request metrics). */
  onResponse?: (method: string, status: number) => void;
  /**
   * The most requests on the wire at once, reads included, whichever stage sends them (`--concurrency`). Default:
   * no bound here; observe and apply bound their own requests.
   */
  maxConcurrentRequests?: number;
}

export type GhesOctokit = InstanceType<typeof GhesOctokitClass>;

const GhesOctokitClass = Octokit.plugin(retrying);

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/**
 * Retries of a request safe to repeat. Under heavy faults (a quarter of requests failing, issue 12) three left one
 * request in two hundred failed, and one apply in five short of converging; five leave one in two thousand.
 */
export const DEFAULT_RETRIES = 5;
const UNANSWERED_RETRIES = 3;
const ACCEPT = 'application/vnd.github+json';
const OCTOKIT_DEFAULT_ACCEPT = 'application/vnd.github.v3+json';
const API_VERSION = '2022-11-28';

/**
 * Whether a request may be sent again when its outcome is unknown. GET, PUT, PATCH (it sets the fields it names
 * to given values, so a repeat changes nothing more) and DELETE are; a POST that creates is not, because a second
 * one could create a duplicate. POST .../downloads is: while a download runs, the server answers a repeat with 422
 * "in progress".
 */
export function isSafeToRepeat(method: string, url: string): boolean {
  const verb = method.toUpperCase();
  if (verb === 'GET' || verb === 'HEAD' || verb === 'PATCH' || verb === 'DELETE' || verb === 'PUT') return true;
  return verb === 'POST' && /\/downloads\/?(\?.*)?$/.test(url);
}

/** Thrown by the fetch wrapper when a request outlives its timeout; Octokit wraps it as a retryable failure. */
class RequestTimedOut extends Error {
  override readonly name = 'TimeoutError';

  constructor(
    readonly timeoutMs: number,
    cause: unknown,
  ) {
    super(`no response within ${timeoutMs} ms`, { cause });
  }
}

export function createClient(settings: ClientSettings): GhesOctokit {
  const baseUrl = settings.apiUrl.replace(/\/+$/, '');
  const timeoutMs = settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const retryDelayMs = settings.retryDelayMs ?? 1000;
  const maxWait = settings.maxRateLimitWaitSeconds ?? 60;
  const rateLimitRetries = settings.rateLimitRetries ?? 3;
  const log: Logger = settings.log ?? { debug: noop, info: noop, warn: noop, error: noop };
  const baseFetch = settings.fetch ?? nodeFetch;

  // The timeout is applied here, innermost, so that each attempt gets its own and time spent queued does not count.
  const fetchWithTimeout: typeof fetch = async (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      const response = await baseFetch(input, { ...init, signal });
      settings.onResponse?.((init?.method ?? 'GET').toUpperCase(), response.status);
      return response;
    } catch (error) {
      if (timeout.aborted) throw new RequestTimedOut(timeoutMs, error);
      // Octokit only recognises Error instances; keep whatever was thrown (code and all) as the cause.
      if (!(error instanceof Error)) throw new TypeError('fetch failed', { cause: error });
      throw error;
    }
  };

  const octokit = new GhesOctokitClass({
    baseUrl,
    auth: settings.token,
    userAgent: `${TOOL_NAME}/${VERSION}`,
    log,
    request: { fetch: fetchWithTimeout },
    retry: {
      retries: settings.retries ?? DEFAULT_RETRIES,
      delayMs: retryDelayMs,
      maxRateLimitWaitSeconds: maxWait,
      rateLimitRetries,
      rateLimitUnitMs: settings.rateLimitUnitMs ?? 1000,
      log,
    } satisfies RetrySettings,
  });

  octokit.hook.before('request', (options) => {
    // Octokit's default media type becomes the current one; a caller asking for another keeps it (the daemon asks
    // for a commit's sha alone, `application/vnd.github.sha`).
    if (options.headers.accept === undefined || options.headers.accept === OCTOKIT_DEFAULT_ACCEPT) {
      options.headers.accept = ACCEPT;
    }
    options.headers['x-github-api-version'] = API_VERSION;
  });

  // `--verbose`: one line per answered request. Method, path and status only: headers carry the token, bodies secrets.
  octokit.hook.after('request', (response, options) => {
    log.debug(`${options.method} ${options.url}: ${response.status}`);
  });

  // @octokit/request parses every success body with json-with-bigint, a JavaScript parser that costs ~5 ms per
  // 100-item list page on Node 20 (measured: most of a 3,600-object observe's CPU). We take the body unparsed and
  // use the native JSON.parse; ids are far below 2^53, and normalize rejects any that is not a safe integer.
  octokit.hook.wrap('request', async (request, options) => {
    // Set on the options object itself: the hooks inside this one (retry) were bound to it and ignore
    // options passed to `request`. A new `request` object, since the old one may be shared by the defaults.
    options.request = { ...options.request, parseSuccessResponseBody: false };
    const response = await request(options);
    response.data = await parseBody(response);
    return response;
  });

  // Registered last, so outermost: a request holds its place through retries and rate-limit waits. Observe lists
  // three kinds at once and apply re-reads the live state inside one operation's slot: only a bound here holds
  // `--concurrency 1` to one request at a time.
  if (settings.maxConcurrentRequests !== undefined) {
    const limit = pLimit(Math.max(1, settings.maxConcurrentRequests));
    octokit.hook.wrap('request', (request, options) => limit(() => request(options)));
  }

  return octokit;
}

/** What a caller outside the pipeline (the daemon's repository source, its issue reporter) is given. */
export interface ClientChoice extends Pick<
  ClientSettings,
  'apiUrl' | 'token' | 'requestTimeoutMs' | 'retryDelayMs' | 'log'
> {
  /** A client built elsewhere (e.g. with the daemon's request metrics); the other settings are then unused. */
  client?: GhesOctokit;
}

/** The client given, or one built from the settings; with the API URL it talks to, which error messages name. */
export function clientOf(choice: ClientChoice): { octokit: GhesOctokit; apiUrl: string } {
  const octokit =
    choice.client ??
    createClient({
      apiUrl: choice.apiUrl,
      token: choice.token,
      requestTimeoutMs: choice.requestTimeoutMs,
      retryDelayMs: choice.retryDelayMs,
      log: choice.log,
    });
  return { octokit, apiUrl: String(octokit.request.endpoint.DEFAULTS.baseUrl) };
}

interface RawResponse {
  headers: Record<string, string | number | undefined>;
  data: unknown;
}

/**
 * What @octokit/request would have made of a success body, natively: JSON for a JSON media type (the text itself
 * when it does not parse, so that normalize can say what came back), text otherwise; 204 bodies stay "".
 * The body is a Node stream (nodeFetch) or a web ReadableStream (a fetch passed in); both are async-iterable.
 */
async function parseBody(response: RawResponse): Promise<unknown> {
  const body = response.data;
  if (typeof body !== 'object' || body === null || !(Symbol.asyncIterator in body)) return body;
  let text: string;
  try {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
    text = new TextDecoder().decode(Buffer.concat(chunks));
  } catch {
    return '';
  }
  const contentType = String(response.headers['content-type'] ?? '');
  if (!/^application\/(?:scim\+)?json\s*(?:;|$)/i.test(contentType)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

interface RetrySettings {
  retries: number;
  /** First delay; doubled on each retry, with equal jitter. */
  delayMs: number;
  maxRateLimitWaitSeconds: number;
  rateLimitRetries: number;
  /** Milliseconds per second the server asks us to wait. */
  rateLimitUnitMs: number;
  log: Logger;
}

/** A secondary rate limit that names no wait: at least a minute, then doubling (ghes-api.md §6). */
const UNNAMED_WAIT_SECONDS = 60;

/**
 * Sends a request again when that is both safe and useful:
 * - after a rate limit (403/429, see rateLimitOf), any request, since the server refused it before doing anything:
 *   waiting as long as the server asks, up to maxRateLimitWaitSeconds, at most rateLimitRetries times;
 * - after a failure without a definite answer (5xx, reset, timeout), a request that is safe to repeat, never a
 *   create POST, whose repeat could make a duplicate: exponential backoff with equal jitter.
 * A wait ends early, with the last failure, when the request's own `signal` aborts (the daemon shutting down).
 * In place of @octokit/plugin-retry and plugin-throttling, which run each request through Bottleneck limiters
 * of their own: measured, ~5 ms of timers per request, one latency's worth on a fast network.
 */
function retrying(octokit: Octokit, options: Record<string, unknown>): Record<string, never> {
  const settings = options.retry as RetrySettings;
  const { log } = settings;
  octokit.hook.wrap('request', async (request, requestOptions) => {
    let waits = 0;
    for (let attempt = 0; ;) {
      try {
        return await request(requestOptions);
      } catch (error) {
        const status = (error as { status?: unknown }).status;
        const failed = (error as { request?: { method?: string; url?: string } }).request;
        // Only a RequestError (it keeps the request) answers these questions; anything else is not ours to retry.
        if (failed?.method === undefined || failed.url === undefined || typeof status !== 'number') throw error;
        const where = `${failed.method} ${failed.url}`;
        const signal = (requestOptions.request as { signal?: AbortSignal } | undefined)?.signal;

        const rateLimit = rateLimitOf(error);
        if (rateLimit) {
          const kind = rateLimit.secondary ? 'secondary rate limit exceeded' : 'rate limit exceeded';
          const seconds = rateLimit.waitSeconds ?? UNNAMED_WAIT_SECONDS * 2 ** waits;
          const cap = settings.maxRateLimitWaitSeconds;
          if (seconds > cap) {
            log.warn(`${where}: ${kind}; the server asks to wait ${seconds} s, more than ${cap} s: giving up`);
            throw error;
          }
          if (waits >= settings.rateLimitRetries) {
            log.warn(`${where}: ${kind} again after ${waits} waits: giving up`);
            throw error;
          }
          waits++;
          log.warn(`${where}: ${kind}; waiting ${seconds} s as the server asks`);
          if (!(await sleep(seconds * settings.rateLimitUnitMs, signal))) throw error;
          continue;
        }

        // A definite answer below 500 is final.
        if (status < 500) throw error;
        // A name that does not resolve will not resolve in 6 s either: say so at once (errors.ts names the host).
        if (isNameResolutionFailure(error)) throw error;
        // A server that answered 5xx is there and struggling: worth every retry. One not reached at all (refused,
        // reset, timed out) gets three, so that a wrong URL fails within seconds, not half a minute.
        const answered = (error as { response?: unknown }).response !== undefined;
        const retries = answered ? settings.retries : Math.min(settings.retries, UNANSWERED_RETRIES);
        if (!isSafeToRepeat(failed.method, failed.url) || attempt >= retries) throw error;
        const ceiling = settings.delayMs * 2 ** attempt;
        const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
        attempt++;
        log.debug(`${where}: ${status}; retry ${attempt} in ${delay} ms`);
        // Set on the options object itself (the hooks inside were bound to it); each later attempt's error keeps
        // it, which is how a DELETE's 404 is known to follow a lost first attempt (admin-api.ts). A rate limit
        // does not set it: the server refused that attempt before doing anything.
        requestOptions.request = { ...requestOptions.request, repeated: true };
        if (!(await sleep(delay, signal))) throw error;
      }
    }
  });
  return {};
}

/** Resolves true after `ms`, or false as soon as `signal` aborts (at once if it already has). */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function noop(): void {}
