// Typed errors for everything that can go wrong talking to GHES, each with a message a user can act on:
// method, path, status and the server's own words. Never the token, never a request body (it may hold a secret).
import { UserError } from '../errors.js';

/** What we say about the request an error came from; the authorization header is never kept. */
export interface RequestSummary {
  method: string;
  /** The API path, e.g. `/admin/hooks`, without the base URL. */
  path: string;
  /** The base URL the request went to, for "cannot reach" and "rejected by" messages. */
  apiUrl: string;
}

/** Anything the GHES API did or did not do; `status` is absent when no response came back. */
export class GhesApiError extends UserError {
  override readonly name: string = 'GhesApiError';
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  /** The server's `message` (and validation errors), when it sent one. */
  readonly serverMessage: string | undefined;

  constructor(
    message: string,
    request: RequestSummary,
    details: { status?: number; serverMessage?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.method = request.method;
    this.path = request.path;
    this.status = details.status;
    this.serverMessage = details.serverMessage;
  }
}

/** 401: the token is wrong, expired or revoked. */
export class AuthenticationError extends GhesApiError {
  override readonly name = 'AuthenticationError';
}

/** 404 on an `/admin/*` list: GHES hides the admin API from everyone but site administrators. */
export class NotSiteAdminError extends GhesApiError {
  override readonly name = 'NotSiteAdminError';
}

/** No response at all: DNS, refused or reset connections, TLS. */
export class NetworkError extends GhesApiError {
  override readonly name = 'NetworkError';
  readonly code: string;

  constructor(request: RequestSummary, code: string, cause?: unknown, wording: { message?: string } = {}) {
    super(wording.message ?? `cannot reach ${request.apiUrl}: ${code} (${request.method} ${request.path})`, request, {
      cause,
    });
    this.code = code;
  }
}

/** ENOTFOUND, EAI_AGAIN: the host name did not resolve, so nothing was sent. */
const NAME_RESOLUTION_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);

/** Whether a request failed because its host name did not resolve: nothing reached any server. */
export function isNameResolutionFailure(error: unknown): boolean {
  return findInCauses(error, (c) => typeof c.code === 'string' && NAME_RESOLUTION_CODES.has(c.code)) !== undefined;
}

/** The server did not answer within the per-request timeout. */
export class RequestTimeoutError extends GhesApiError {
  override readonly name = 'RequestTimeoutError';
}

/** A rate limit we would have to wait out longer than we are willing to, or kept hitting. */
export class RateLimitError extends GhesApiError {
  override readonly name = 'RateLimitError';
}

/** The response was not the JSON shape the API documents. */
export class UnexpectedResponseError extends GhesApiError {
  override readonly name = 'UnexpectedResponseError';

  constructor(request: RequestSummary, what: string) {
    super(`unexpected response to ${request.method} ${request.path}: ${what}`, request);
  }
}

/**
 * A create (POST) failed in a way that leaves its outcome unknown (5xx, reset, timeout): the object may or may
 * not exist now. Never retried blindly, because a blind retry can create a duplicate; apply re-reads and adopts.
 */
export class OutcomeUnknownError extends GhesApiError {
  override readonly name = 'OutcomeUnknownError';

  constructor(request: RequestSummary, reason: string, details: { status?: number; cause?: unknown } = {}) {
    super(
      `${request.method} ${request.path}: outcome unknown (${reason}); the object may or may not have been created`,
      request,
      details,
    );
  }
}

/** The masked secret `********` must never go back to the server: GHES would store it as the real secret. */
export class MaskedSecretError extends UserError {
  override readonly name = 'MaskedSecretError';

  constructor(url: string) {
    super(
      `refusing to send the masked secret "********" for webhook ${url}: GHES would store the mask as the secret; ` +
        'set the real secret in the configuration',
    );
  }
}

export { isMaskedSecret } from '../secret.js';

// ---------------------------------------------------------------------------------------------------------------
// Mapping whatever Octokit threw to one of the errors above.

/** The parts of an `@octokit/request-error` RequestError we read; duck-typed so any thrown value can be inspected. */
interface RequestErrorLike {
  status?: unknown;
  response?: { status?: unknown; data?: unknown; headers?: Record<string, unknown> };
  cause?: unknown;
  message?: unknown;
}

export interface MapErrorContext extends RequestSummary {
  /** A POST that is not safe to repeat: a failure without a definite answer is OutcomeUnknownError. */
  unsafeToRepeat?: boolean;
  /** The request listed an `/admin/*` collection: a 404 there means "not a site admin", not "absent". */
  adminList?: boolean;
}

/** Turns anything thrown by a request into a GhesApiError (or returns other UserErrors untouched). */
export function toGhesApiError(error: unknown, context: MapErrorContext): UserError {
  if (error instanceof UserError) return error;
  const request: RequestSummary = { method: context.method, path: context.path, apiUrl: context.apiUrl };
  const e = (typeof error === 'object' && error !== null ? error : {}) as RequestErrorLike;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const where = `${context.method} ${context.path}`;

  if (e.response === undefined && isNameResolutionFailure(error)) {
    // Nothing was sent, so even a create's outcome is known: it did not happen.
    const host = URL.canParse(context.apiUrl) ? new URL(context.apiUrl).hostname : context.apiUrl;
    return new NetworkError(request, networkCode(error), causeOf(error), {
      message:
        `cannot resolve the host name ${host} (${networkCode(error)}; ${context.method} ${context.path}): ` +
        'check the API URL (--api-url, GHES_API_URL) and the DNS or proxy settings of this machine',
    });
  }
  if (e.response === undefined) {
    // No response: the request never got an answer.
    const timeout = findInCauses(error, (c) => c.name === 'TimeoutError');
    const timedOut = timeout !== undefined;
    if (context.unsafeToRepeat) {
      return new OutcomeUnknownError(
        request,
        timedOut ? 'no response in time' : `connection failed: ${networkCode(error)}`,
        {
          cause: causeOf(error),
        },
      );
    }
    if (timedOut) {
      const ms = (timeout as { timeoutMs?: unknown }).timeoutMs;
      const after = typeof ms === 'number' ? ` within ${ms} ms` : '';
      return new RequestTimeoutError(`${where}: no response from ${context.apiUrl}${after}`, request, {
        cause: causeOf(error),
      });
    }
    return new NetworkError(request, networkCode(error), causeOf(error));
  }

  const serverMessage = describeServerMessage(e.response.data);
  const said = serverMessage ? `: ${serverMessage}` : '';
  const details = { status, serverMessage };

  if (status === 401) {
    return new AuthenticationError(
      `authentication failed: the token was rejected by ${context.apiUrl} (${where}: 401${said})`,
      request,
      details,
    );
  }
  if (status === 404 && context.adminList) {
    return new NotSiteAdminError(
      `${where}: 404${said}: the token is not a site administrator's classic token with the site_admin scope ` +
        `(GHES answers 404 to everyone else), or ${context.apiUrl} is not a GHES API URL (https://HOST/api/v3)`,
      request,
      details,
    );
  }
  if (rateLimitOf(error)) {
    return new RateLimitError(`${where}: rate limited by ${context.apiUrl} (${status}${said})`, request, details);
  }
  if (status !== undefined && status >= 500 && context.unsafeToRepeat) {
    return new OutcomeUnknownError(request, `${status}${said}`, { status });
  }
  return new GhesApiError(`${where} failed: ${status ?? 'no status'}${said}`, request, details);
}

/** What a 403 or 429 says about a rate limit (ghes-api.md §6). */
export interface RateLimit {
  /** A secondary limit (the message says so), rather than the primary hourly budget. */
  secondary: boolean;
  /** How long the server asks us to wait: Retry-After, else until x-ratelimit-reset; undefined if it says neither. */
  waitSeconds: number | undefined;
}

/**
 * Whether a request failed on a rate limit, and for how long the server asks us to wait. GHES rate limits are off
 * by default; a site administrator who turns them on gets 403 or 429 with `x-ratelimit-remaining: 0` (primary) or
 * a "secondary rate limit" message, with `retry-after` or `x-ratelimit-reset` (epoch seconds) when it can tell.
 */
export function rateLimitOf(error: unknown, nowMs = Date.now()): RateLimit | undefined {
  const e = (typeof error === 'object' && error !== null ? error : {}) as RequestErrorLike;
  if ((e.status !== 403 && e.status !== 429) || e.response === undefined) return undefined;
  const headers = e.response.headers ?? {};
  const message = describeServerMessage(e.response.data) ?? '';
  const exhausted = String(headers['x-ratelimit-remaining']) === '0';
  const retryAfter = headers['retry-after'];
  if (!exhausted && retryAfter === undefined && !/rate limit/i.test(message)) return undefined;
  return {
    secondary: /secondary rate limit/i.test(message),
    waitSeconds: secondsToWait(retryAfter, exhausted ? headers['x-ratelimit-reset'] : undefined, nowMs),
  };
}

function secondsToWait(retryAfter: unknown, reset: unknown, nowMs: number): number | undefined {
  if (retryAfter !== undefined && retryAfter !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
    // Retry-After may also be an HTTP date.
    const at = typeof retryAfter === 'string' ? Date.parse(retryAfter) : NaN;
    if (!Number.isNaN(at)) return Math.max(0, Math.ceil((at - nowMs) / 1000));
  }
  const resetAt = Number(reset);
  // One second past the reset: its clock and ours are never quite the same.
  if (reset !== undefined && Number.isFinite(resetAt)) return Math.max(0, Math.ceil(resetAt - nowMs / 1000)) + 1;
  return undefined;
}

/** "Validation Failed: Cannot delete environment that has hooks", from GitHub's `{message, errors[]}` body. */
export function describeServerMessage(data: unknown): string | undefined {
  if (typeof data === 'string') return data.trim() ? truncate(data.trim()) : undefined;
  if (typeof data !== 'object' || data === null) return undefined;
  const body = data as { message?: unknown; errors?: unknown };
  const parts: string[] = [];
  if (typeof body.message === 'string') parts.push(body.message);
  if (Array.isArray(body.errors)) {
    const details = body.errors
      .map((item: unknown) => {
        if (typeof item === 'string') return item;
        if (typeof item === 'object' && item !== null) {
          const { message, code, field } = item as { message?: unknown; code?: unknown; field?: unknown };
          if (typeof message === 'string') return message;
          if (typeof code === 'string') return typeof field === 'string' ? `${field} ${code}` : code;
        }
        return undefined;
      })
      .filter((m): m is string => m !== undefined);
    if (details.length > 0) parts.push(details.join('; '));
  }
  return parts.length > 0 ? parts.join(': ') : undefined;
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

/** ECONNREFUSED, ENOTFOUND, ECONNRESET...: the first `code` found down the cause chain. */
function networkCode(error: unknown): string {
  const withCode = findInCauses(error, (c) => typeof c.code === 'string');
  if (withCode) return String(withCode.code);
  const withMessage = findInCauses(error, (c) => typeof c.message === 'string' && c.message !== '');
  return withMessage ? String(withMessage.message) : 'unknown network error';
}

function findInCauses(
  error: unknown,
  test: (candidate: { name?: unknown; code?: unknown; message?: unknown }) => boolean,
): { name?: unknown; code?: unknown; message?: unknown } | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const candidate = current as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
    if (test(candidate)) return candidate;
    current = candidate.cause;
  }
  return undefined;
}

/** The low-level cause (socket error, timeout), never the RequestError, which carries the request body. */
function causeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { cause?: unknown }).cause : undefined;
}
