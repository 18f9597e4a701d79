// The simulator as the benchmark drives it: restarted with a given state, latency and download time, and asked
// afterwards what it received. Runs in its own process by default (RemoteSimulator, over IPC), so that the
// server's work is not charged to the client being measured; in-process (LocalSimulator) for the smoke test.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import type { SimStateInput } from '../../src/sim/types.js';

export interface SimulatorSettings {
  /** Added to every API request, in milliseconds. */
  latencyMs: number;
  /** How long a download stays in progress. */
  downloadMs: number;
  state: SimStateInput;
}

export interface LoggedRequest {
  method: string;
  /** Below /api/v3, without the query. */
  path: string;
  page: number;
  /** Wall clock (performance.timeOrigin + performance.now()), comparable across processes on one machine. */
  startedAt: number;
  endedAt: number | null;
  status: number | null;
}

export interface RequestLogSnapshot {
  requests: LoggedRequest[];
  peakConcurrency: number;
}

export interface BenchSimulator {
  /** (Re)starts the simulator, on a new port, with exactly these settings and an empty request log. */
  start(settings: SimulatorSettings): Promise<{ url: string; token: string }>;
  /** Empties the request log and resets the peak in-flight count. */
  clearRequests(): Promise<void>;
  requests(): Promise<RequestLogSnapshot>;
  close(): Promise<void>;
}

/** What both implementations share: the simulator itself, wherever it runs. */
export class SimulatorHost {
  #sim: Simulator | undefined;

  async start(settings: SimulatorSettings): Promise<{ url: string; token: string }> {
    await this.#sim?.stop();
    this.#sim = await startSimulator({
      downloadMs: settings.downloadMs,
      faults: { seed: 1, latencyMs: settings.latencyMs },
      initialState: settings.state,
    });
    return { url: this.#sim.url, token: this.#sim.adminToken };
  }

  clearRequests(): void {
    this.#sim?.requests.clear();
  }

  requests(): RequestLogSnapshot {
    const log = this.#sim?.requests;
    if (!log) return { requests: [], peakConcurrency: 0 };
    return {
      peakConcurrency: log.peakConcurrency,
      requests: log.entries.map((e) => ({
        method: e.method,
        path: e.path.replace(/^\/api\/v3/, ''),
        page: Number(e.query.page ?? 1),
        startedAt: e.startedAt,
        endedAt: e.endedAt,
        status: e.status,
      })),
    };
  }

  async close(): Promise<void> {
    await this.#sim?.stop();
    this.#sim = undefined;
  }
}

export class LocalSimulator implements BenchSimulator {
  readonly #host = new SimulatorHost();
  start = (settings: SimulatorSettings) => this.#host.start(settings);
  clearRequests = () => Promise.resolve(this.#host.clearRequests());
  requests = () => Promise.resolve(this.#host.requests());
  close = () => this.#host.close();
}

type Command =
  { type: 'start'; settings: SimulatorSettings } | { type: 'clearRequests' } | { type: 'requests' } | { type: 'close' };

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

export class RemoteSimulator implements BenchSimulator {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #next = 0;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (reply: Reply) => {
      const waiter = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (reply.ok) waiter?.resolve(reply.value);
      else waiter?.reject(new Error(`simulator process: ${reply.error}`));
    });
    child.on('exit', (code) => {
      for (const waiter of this.#pending.values()) waiter.reject(new Error(`simulator process exited (${code})`));
      this.#pending.clear();
    });
  }

  /** Forks scripts/bench/sim-process.ts under tsx. */
  static async launch(): Promise<RemoteSimulator> {
    const script = fileURLToPath(new URL('./sim-process.ts', import.meta.url));
    const child = fork(script, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`simulator process exited (${code}) before it was ready`)));
    });
    return new RemoteSimulator(child);
  }

  #call<T>(command: Command): Promise<T> {
    const id = ++this.#next;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#child.send({ id, ...command });
    });
  }

  start = (settings: SimulatorSettings) => this.#call<{ url: string; token: string }>({ type: 'start', settings });
  clearRequests = () => this.#call<void>({ type: 'clearRequests' });
  requests = () => this.#call<RequestLogSnapshot>({ type: 'requests' });

  async close(): Promise<void> {
    await this.#call<void>({ type: 'close' }).catch(() => undefined);
    this.#child.disconnect();
  }
}
