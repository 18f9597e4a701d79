// The one place that builds an Octokit for GHES: base URL, token, user agent, API headers, per-request timeout,
// retries (only of requests safe to repeat) and rate-limit handling. Everything else receives the client built here.
import { Octokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { EndpointDefaults } from '@octokit/types';
import { VERSION, TOOL_NAME } from '../version.js';

export interface Logger {
  debug: (message: string) => void;
  info: (message: string) => void;
  warn: (message: string) => void;
  error: (message: string) => void;
}

export interface ClientSettings {
  /** e.g. `https://ghes.example.com/api/v3` */
  apiUrl: string;
  token: string;
  /** Per attempt; a request that hangs longer is abandoned (and retried when safe). Default 30 s. */
  requestTimeoutMs?: number;
  /** Retries of a request that is safe to repeat, after 5xx, reset or timeout. Default 3. */
  retries?: number;
  fetch?: typeof fetch;
  log?: Logger;
  /** First retry delay, doubled on each retry, with jitter. Default 1000 ms; tests use 1. */
  retryDelayMs?: number;
  /** The longest rate-limit wait we honour, in the server's seconds; a longer one fails instead. Default 60. */
  maxRateLimitWaitSeconds?: number;
  /** How many times one request may wait out a rate limit. Default 3. */
  rateLimitRetries?: number;
  /** Milliseconds per second of `Retry-After` / `x-ratelimit-reset`. Default 1000; tests use 1. */
  rateLimitUnitMs?: number;
}

export type GhesOctokit = InstanceType<typeof GhesOctokitClass>;

const GhesOctokitClass = Octokit.plugin(retry, throttling);

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const ACCEPT = 'application/vnd.github+json';
const API_VERSION = '2022-11-28';
/** plugin-retry retries anything >= 400 not listed here; we only want 5xx and network failures (reported as 500). */
const CLIENT_ERRORS = Array.from({ length: 100 }, (_, i) => 400 + i);

/**
 * Whether a request may be sent again when its outcome is unknown. GET, PATCH (always a full desired body here)
 * and DELETE are; a POST that creates is not, because a second one could create a duplicate. POST .../downloads
 * is: while a download runs, the server answers a repeat with 422 "in progress".
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
  const baseFetch = settings.fetch ?? globalThis.fetch;

  // The timeout is applied here, innermost, so that each attempt gets its own and time spent queued does not count.
  const fetchWithTimeout: typeof fetch = async (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      return await baseFetch(input, { ...init, signal });
    } catch (error) {
      if (timeout.aborted) throw new RequestTimedOut(timeoutMs, error);
      // Octokit only recognises Error instances; keep whatever was thrown (code and all) as the cause.
      if (!(error instanceof Error)) throw new TypeError('fetch failed', { cause: error });
      throw error;
    }
  };

  const onLimit =
    (kind: string) => (retryAfter: number, options: Required<EndpointDefaults>, _o: unknown, count: number) => {
      const where = `${options.method} ${options.url}`;
      if (retryAfter > maxWait) {
        log.warn(`${where}: ${kind}; the server asks to wait ${retryAfter} s, more than ${maxWait} s: giving up`);
        return false;
      }
      if (count >= rateLimitRetries) {
        log.warn(`${where}: ${kind} again after ${count} waits: giving up`);
        return false;
      }
      log.warn(`${where}: ${kind}; waiting ${retryAfter} s as the server asks`);
      return true;
    };

  const octokit = new GhesOctokitClass({
    baseUrl,
    auth: settings.token,
    userAgent: `${TOOL_NAME}/${VERSION}`,
    log,
    request: { fetch: fetchWithTimeout },
    retry: {
      retries: settings.retries ?? 3,
      doNotRetry: CLIENT_ERRORS,
      // The delay is computed in retryRequest below, already in milliseconds.
      retryAfterBaseValue: 1,
    },
    throttle: {
      // GHES usually runs without rate limits: no spacing between writes, no shared queue; apply bounds concurrency.
      write: passThroughGroup(),
      search: passThroughGroup(),
      notifications: passThroughGroup(),
      global: passThroughGroup(),
      retryAfterBaseValue: settings.rateLimitUnitMs ?? 1000,
      fallbackSecondaryRateRetryAfter: Math.min(60, maxWait),
      onRateLimit: onLimit('rate limit exceeded'),
      onSecondaryRateLimit: onLimit('secondary rate limit exceeded'),
    } as Parameters<typeof throttling>[1]['throttle'],
  });

  // plugin-retry waits (n+1)^2 base units between attempts and retries every method alike. Its retryRequest is the
  // documented hook for deciding a retry, so we decide here: never repeat an unsafe POST, back off exponentially
  // with full jitter otherwise.
  const decideRetry = octokit.retry.retryRequest;
  octokit.retry.retryRequest = (error, retries, _defaultDelay) => {
    const options = error.request;
    const attempt = typeof options.request?.retryCount === 'number' ? options.request.retryCount : 0;
    if (!isSafeToRepeat(options.method, options.url)) return decideRetry(error, 0, 0);
    const ceiling = retryDelayMs * 2 ** attempt;
    const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
    if (attempt < retries)
      log.debug(`${options.method} ${options.url}: ${error.status}; retry ${attempt + 1} in ${delay} ms`);
    return decideRetry(error, retries, delay);
  };

  octokit.hook.before('request', (options) => {
    options.headers.accept = ACCEPT;
    options.headers['x-github-api-version'] = API_VERSION;
  });

  return octokit;
}

/**
 * A stand-in for a Bottleneck group that runs every job at once: plugin-throttling's default groups space writes
 * 1 s apart and share one queue across all clients in the process, which only slows a server without limits.
 */
function passThroughGroup(): unknown {
  const limiter = {
    schedule: (...args: unknown[]) => {
      const [first, ...rest] = args;
      // Bottleneck's schedule([options], fn, ...args): plugin-throttling always passes options first.
      const [fn, ...fnArgs] = typeof first === 'function' ? [first, ...rest] : rest;
      return Promise.resolve().then(() => (fn as (...a: unknown[]) => unknown)(...fnArgs));
    },
  };
  return { key: () => limiter };
}

function noop(): void {}
