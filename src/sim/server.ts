// The simulator's HTTP front: a node:http server on loopback that authenticates, injects faults, logs every
// request and hands API calls to the router. Internal control endpoints live under /_sim, outside /api/v3.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Clock } from './clock.js';
import {
  FaultPlanner,
  type Fault,
  type FaultKind,
  type FaultMatch,
  type FaultOptions,
  type InjectOptions,
} from './faults.js';
import { DOCS_SECONDARY_RATE_LIMIT, MESSAGES } from './messages.js';
import { originOf } from './render.js';
import { RequestLog } from './request-log.js';
import { notFound, type ApiResponse } from './route.js';
import { findRoute, runRoute } from './router.js';
import { SimStateError, SimStateStore } from './state.js';
import { GHES_VERSION, type SimStateInput } from './types.js';

export { ManualClock, systemClock, type Clock } from './clock.js';
export { DEFAULT_RANDOM_KINDS, FAULT_KINDS } from './faults.js';
export type { Fault, FaultKind, FaultMatch, FaultOptions, InjectOptions } from './faults.js';
export { MESSAGES } from './messages.js';
export { RequestLog, type SimRequest } from './request-log.js';
export { buildLargeState, seedLarge, type LargeStateSize } from './seed.js';
export {
  DEFAULT_ENVIRONMENT,
  SimNotFoundError,
  SimStateError,
  SimStateStore,
  SimValidationError,
  defaultFailDownload,
  type StoreOptions,
} from './state.js';
export { STATE_FILE_FORMAT, loadStateFile, saveState } from './state-file.js';
export * from './types.js';

export const DEFAULT_ADMIN_TOKEN = 'ghes-sim-admin-token';
export const DEFAULT_USER_TOKEN = 'ghes-sim-user-token';

export interface SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Site-admin tokens. Default ['ghes-sim-admin-token']. */
  adminTokens?: string[];
  /** Known non-admin tokens: /admin/* answers them 404. Default ['ghes-sim-user-token']. */
  userTokens?: string[];
  /** How long a download stays in_progress. Default 50; 0 completes it on the next read. */
  downloadMs?: number;
  /** Failure message for an image URL, or undefined to succeed. Default: URLs containing "fail" fail. */
  failDownload?: (imageUrl: string) => string | undefined;
  /** Start downloads without POST .../downloads (not known to happen on GHES). Default off. */
  autoDownload?: { onCreate?: boolean; onImageUrlChange?: boolean };
  /** What a hook PATCH does with the fields it omits (undocumented on GHES). Default 'keep'; see StoreOptions. */
  hookPatchOmitted?: 'keep' | 'reset';
  /** The domain clock (timestamps, download completion). Default Date.now. */
  clock?: Clock;
  faults?: FaultOptions;
  initialState?: SimStateInput;
  /** Retry-After on rate-limit faults. Default 1. */
  retryAfterSeconds?: number;
  /** How many request-log entries to keep. Default 100,000. */
  requestLogLimit?: number;
  /** Keep each API response body in the request log (`responseBody`), for contract tests. Default off. */
  captureResponses?: boolean;
  /**
   * The account (login) of each token, as `GET /user` shows it and as the author of issues and comments it
   * creates. Default: `ghes-admin` for the first admin token, `ghes-user` for the first user token, and the same
   * with `-2`, `-3`... for the others.
   */
  logins?: Record<string, string>;
}

export interface Simulator {
  /** The API base, e.g. http://127.0.0.1:PORT/api/v3. */
  readonly url: string;
  /** e.g. http://127.0.0.1:PORT */
  readonly origin: string;
  /** The first admin token. */
  readonly adminToken: string;
  /** The first non-admin token, if any. */
  readonly userToken: string | undefined;
  readonly state: SimStateStore;
  readonly requests: RequestLog;
  /** The next `times` API requests matching `match` get `kind`, ahead of any random fault. */
  injectFault(match: FaultMatch, kind: FaultKind, times?: number, options?: InjectOptions): void;
  /** Drops scripted faults not yet used. */
  clearFaults(): void;
  /** Replaces the random-fault settings (seed, rate, latency...); undefined turns them off. */
  configureFaults(options: FaultOptions | undefined): void;
  /** Closes the server and every socket, hung ones included. */
  stop(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const store = new SimStateStore(
    {
      clock: options.clock,
      downloadMs: options.downloadMs,
      failDownload: options.failDownload,
      autoDownload: options.autoDownload,
      hookPatchOmitted: options.hookPatchOmitted,
    },
    options.initialState,
  );
  const log = new RequestLog(options.requestLogLimit);
  const faults = new FaultPlanner(options.faults);
  const adminTokens = options.adminTokens ?? [DEFAULT_ADMIN_TOKEN];
  const userTokens = options.userTokens ?? [DEFAULT_USER_TOKEN];
  if (adminTokens.length === 0) throw new Error('startSimulator: adminTokens must not be empty');
  const admins = new Set(adminTokens);
  const users = new Set(userTokens);
  const loginOf = new Map<string, string>([
    ...adminTokens.map((t, i): [string, string] => [t, i === 0 ? 'ghes-admin' : `ghes-admin-${i + 1}`]),
    ...userTokens.map((t, i): [string, string] => [t, i === 0 ? 'ghes-user' : `ghes-user-${i + 1}`]),
    ...Object.entries(options.logins ?? {}),
  ]);

  const sockets = new Set<Socket>();
  const sleepers = new Map<NodeJS.Timeout, () => void>();
  let stopping = false;
  let requestCount = 0;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        sleepers.delete(timer);
        resolve();
      }, ms);
      sleepers.set(timer, resolve);
    });

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug in the simulator, not a simulated fault: say so loudly instead of hanging the client.
      console.error('ghes simulator: internal error', error);
      sendJson(res, 500, { message: 'Simulator internal error', error: String(error) });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${urlHost(host)}:${port}`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? urlHost(host)}`);
    const requestId = `5150:${(++requestCount).toString(16).toUpperCase().padStart(6, '0')}`;
    res.setHeader('x-github-enterprise-version', GHES_VERSION);
    res.setHeader('x-github-request-id', requestId);

    if (url.pathname === '/_sim' || url.pathname.startsWith('/_sim/')) {
      const raw = await readBody(req);
      sendApi(res, handleInternal(method, url.pathname, raw));
      return;
    }

    const entry = log.begin(method, url.pathname, url.searchParams);
    res.once('close', () => log.end(entry, res.writableFinished ? res.statusCode : null));
    const raw = await readBody(req);
    const parsed = parseJson(raw);
    entry.body = parsed.ok ? parsed.value : raw;

    const isApi = url.pathname === '/api/v3' || url.pathname.startsWith('/api/v3/');
    const apiPath = isApi ? url.pathname.slice('/api/v3'.length) || '/' : url.pathname;
    const fault = isApi ? faults.decide(method, apiPath, url.search) : undefined;
    if (fault) entry.fault = fault.kind;

    const delay = (isApi ? faults.latencyMs : 0) + (fault?.kind === 'latency' ? (fault.latencyMs ?? 0) : 0);
    if (delay > 0) await sleep(delay);
    if (stopping || res.destroyed) return;

    if (fault && applyFaultBefore(fault, req, res, requestId)) return;

    const response = isApi ? dispatch(method, apiPath, url, req, parsed) : notFound();
    if (fault?.kind === '5xx-after') return sendServerError(res, fault.status ?? 500);
    if (fault?.kind === 'reset-after') {
      req.socket.destroy();
      return;
    }
    if (options.captureResponses) entry.responseBody = response.text ?? response.body;
    sendApi(res, response);
  }

  /** Faults that stop the request before it reaches the state. Returns true when the request is done. */
  function applyFaultBefore(fault: Fault, req: IncomingMessage, res: ServerResponse, requestId: string): boolean {
    switch (fault.kind) {
      case 'reset':
        req.socket.destroy();
        return true;
      case 'hang':
        // Never answered; the socket is freed by the client giving up or by stop().
        return true;
      case '5xx-before':
        sendServerError(res, fault.status ?? 502);
        return true;
      case 'rate-limit': {
        const seconds = options.retryAfterSeconds ?? faults.retryAfterSeconds ?? 1;
        sendJson(
          res,
          fault.status ?? 403,
          { message: `${MESSAGES.secondaryRateLimit} ${requestId}.`, documentation_url: DOCS_SECONDARY_RATE_LIMIT },
          { 'retry-after': String(seconds) },
        );
        return true;
      }
      default:
        return false;
    }
  }

  function dispatch(method: string, apiPath: string, url: URL, req: IncomingMessage, parsed: ParsedBody): ApiResponse {
    const credential = tokenOf(req.headers.authorization);
    const level =
      credential === undefined
        ? 'anonymous'
        : admins.has(credential)
          ? 'admin'
          : users.has(credential)
            ? 'user'
            : 'invalid';
    // A wrong token is refused everywhere, even where no token is needed.
    if (level === 'invalid') return { status: 401, body: { message: MESSAGES.badCredentials } };
    const found = findRoute(method, apiPath);
    if (!found) return notFound();
    const { route, params } = found;
    if (route.access !== 'none' && level === 'anonymous') {
      return { status: 401, body: { message: MESSAGES.badCredentials } };
    }
    // Site-admin endpoints hide themselves from everyone else.
    if (route.access === 'admin' && level !== 'admin') return notFound();
    if (!parsed.ok) return { status: 400, body: { message: MESSAGES.badJson } };

    const body = isRecord(parsed.value) ? parsed.value : {};
    const response = runRoute(
      route,
      { method, path: apiPath, url, query: url.searchParams, body, params, headers: req.headers },
      {
        store,
        origin: originOf(url.origin),
        login: (credential !== undefined && loginOf.get(credential)) || 'ghost',
      },
    );
    if (level === 'admin') response.headers = { 'x-oauth-scopes': 'site_admin, repo', ...response.headers };
    return response;
  }

  function handleInternal(method: string, path: string, raw: string): ApiResponse {
    const parsed = parseJson(raw);
    if (!parsed.ok) return { status: 400, body: { message: MESSAGES.badJson } };
    const body = parsed.value;
    try {
      switch (`${method} ${path}`) {
        case 'GET /_sim/state':
          return { status: 200, body: store.snapshot() };
        case 'POST /_sim/state':
        case 'PUT /_sim/state':
          store.load(isRecord(body) ? body : {});
          return { status: 200, body: store.snapshot() };
        case 'POST /_sim/reset':
          store.reset();
          log.clear();
          faults.clearScripted();
          return { status: 204 };
        case 'GET /_sim/requests':
          return {
            status: 200,
            body: { in_flight: log.inFlight, peak_concurrency: log.peakConcurrency, requests: log.entries },
          };
        case 'DELETE /_sim/requests':
          log.clear();
          return { status: 204 };
        case 'POST /_sim/faults': {
          const f = isRecord(body) ? body : {};
          if (typeof f.path !== 'string' || typeof f.kind !== 'string') {
            return {
              status: 400,
              body: { message: 'body must be {path, kind, method?, times?, status?, latency_ms?}' },
            };
          }
          faults.inject(
            { method: typeof f.method === 'string' ? f.method : undefined, pathPattern: f.path },
            f.kind as FaultKind,
            typeof f.times === 'number' ? f.times : 1,
            {
              status: typeof f.status === 'number' ? f.status : undefined,
              latencyMs: typeof f.latency_ms === 'number' ? f.latency_ms : undefined,
            },
          );
          return { status: 204 };
        }
        case 'DELETE /_sim/faults':
          faults.clearScripted();
          return { status: 204 };
        default:
          return notFound();
      }
    } catch (error) {
      if (error instanceof SimStateError || error instanceof RangeError) {
        return { status: 400, body: { message: error.message } };
      }
      throw error;
    }
  }

  let stopped: Promise<void> | undefined;
  return {
    url: `${origin}/api/v3`,
    origin,
    adminToken: adminTokens[0]!,
    userToken: userTokens[0],
    state: store,
    requests: log,
    injectFault: (match, kind, times, injectOptions) => faults.inject(match, kind, times, injectOptions),
    clearFaults: () => faults.clearScripted(),
    configureFaults: (faultOptions) => faults.configure(faultOptions),
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        stopping = true;
        for (const [timer, wake] of sleepers) {
          clearTimeout(timer);
          wake();
        }
        sleepers.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

type ParsedBody = { ok: true; value: unknown } | { ok: false };

function parseJson(raw: string): ParsedBody {
  if (raw.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `token X` and `Bearer X`, as GitHub accepts them. */
function tokenOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header);
  // Any other scheme is a credential we do not know: an empty string is never a token.
  return m ? m[1] : '';
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

const BODY_LIMIT = 5 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        req.destroy();
        reject(new Error('request body too large'));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    // A client that goes away mid-body: nothing to answer.
    req.on('error', () => resolve(''));
    req.on('aborted', () => resolve(''));
  });
}

function sendApi(res: ServerResponse, response: ApiResponse): void {
  if (response.text !== undefined) {
    if (res.destroyed || res.headersSent) return;
    res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.text) });
    res.end(response.text);
    return;
  }
  if (response.body === undefined) {
    if (res.destroyed || res.headersSent) return;
    for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
    res.statusCode = response.status;
    res.end();
    return;
  }
  sendJson(res, response.status, response.body, response.headers);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** 500 comes from the application (JSON); 502/503/504 from the load balancer in front of it (HTML). */
function sendServerError(res: ServerResponse, status: number): void {
  if (status === 500) {
    sendJson(res, 500, { message: 'Server Error' });
    return;
  }
  if (res.destroyed || res.headersSent) return;
  const reason = { 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' }[status] ?? 'Error';
  const text = `<html><head><title>${status} ${reason}</title></head><body><h1>${status} ${reason}</h1></body></html>\n`;
  res.writeHead(status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
