// The simulator's HTTP front: a node:http server on loopback that logs every request, injects faults and hands
// API calls to access.ts (tokens, then the router); /_sim goes to control.ts. Also the simulator's public API.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Clock } from './clock.js';
import { createDispatch, DEFAULT_ADMIN_TOKEN, DEFAULT_USER_TOKEN } from './access.js';
import { handleControl } from './control.js';
import { answerFaultBefore } from './fault-answers.js';
import { FaultPlanner, type FaultKind, type FaultMatch, type FaultOptions, type InjectOptions } from './faults.js';
import { parseJson, readBody, sendApi, sendJson, sendServerError, urlHost } from './http.js';
import { RequestLog } from './request-log.js';
import { notFound } from './route.js';
import { SimStateStore } from './state.js';
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
export { loadStateFile, saveState } from './state-file.js';
export * from './types.js';

export { DEFAULT_ADMIN_TOKEN, DEFAULT_USER_TOKEN } from './access.js';

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
  const dispatch = createDispatch(store, { adminTokens, userTokens, logins: options.logins });

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
  /** Requests a fault holds until the test lets them go (InjectOptions.until); stop() lets them all go. */
  const held = new Set<() => void>();
  const hold = (until: Promise<unknown>): Promise<void> =>
    new Promise((resolve) => {
      const release = () => {
        held.delete(release);
        resolve();
      };
      held.add(release);
      until.then(release, release);
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
      sendApi(res, handleControl(method, url.pathname, raw, { store, log, faults }));
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

    const delay =
      (isApi ? faults.latencyMs : 0) + (fault?.kind === 'latency' && !fault.until ? (fault.latencyMs ?? 0) : 0);
    if (delay > 0) await sleep(delay);
    if (fault?.until) await hold(fault.until);
    if (stopping || res.destroyed) return;

    const retryAfterSeconds = options.retryAfterSeconds ?? faults.retryAfterSeconds ?? 1;
    if (fault && answerFaultBefore(fault, req, res, requestId, retryAfterSeconds)) return;

    const response = isApi ? dispatch(method, apiPath, url, req, parsed) : notFound();
    if (fault?.kind === '5xx-after') return sendServerError(res, fault.status ?? 500);
    if (fault?.kind === 'reset-after') {
      req.socket.destroy();
      return;
    }
    if (options.captureResponses) entry.responseBody = response.text ?? response.body;
    sendApi(res, response);
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
        for (const release of [...held]) release();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
