// What the simulator was asked, in arrival order, and how busy it got: the evidence tests and the benchmark
// check (e.g. "no PATCH echoed the mask", "never more than 4 requests in flight").
import type { FaultKind } from './faults.js';

export interface SimRequest {
  /** 1-based arrival number. */
  seq: number;
  method: string;
  /** Full path as sent, e.g. /api/v3/admin/hooks/3 (no query). */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON, the raw text when it did not parse, undefined when empty. */
  body: unknown;
  /** null when no response was sent (reset, hang, client gone). */
  status: number | null;
  /** The JSON body the API answered with; kept only with `captureResponses` (a contract test checks it). */
  responseBody?: unknown;
  /** Epoch milliseconds (fractional), wall clock. */
  startedAt: number;
  endedAt: number | null;
  fault?: FaultKind;
}

export class RequestLog {
  #entries: SimRequest[] = [];
  #seq = 0;
  #inFlight = 0;
  #peak = 0;
  readonly #limit: number;

  /** Keeps the last `limit` entries; the counters are unaffected. */
  constructor(limit = 100_000) {
    this.#limit = limit;
  }

  get entries(): readonly SimRequest[] {
    return this.#entries;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** The most requests in flight at once since the start or the last clear()/resetPeak(). */
  get peakConcurrency(): number {
    return this.#peak;
  }

  /** Entries for a method and a path (exact string below or including /api/v3, or a RegExp on the full path). */
  filter(method?: string, path?: string | RegExp): SimRequest[] {
    return this.#entries.filter(
      (e) =>
        (method === undefined || e.method === method.toUpperCase()) &&
        (path === undefined ||
          (typeof path === 'string' ? e.path === path || e.path === `/api/v3${path}` : path.test(e.path))),
    );
  }

  clear(): void {
    this.#entries = [];
    this.resetPeak();
  }

  resetPeak(): void {
    this.#peak = this.#inFlight;
  }

  /** @internal */
  begin(method: string, path: string, query: URLSearchParams): SimRequest {
    const entry: SimRequest = {
      seq: ++this.#seq,
      method,
      path,
      query: Object.fromEntries(query),
      body: undefined,
      status: null,
      startedAt: wallClock(),
      endedAt: null,
    };
    this.#entries.push(entry);
    if (this.#entries.length > this.#limit) this.#entries.splice(0, this.#entries.length - this.#limit);
    this.#inFlight++;
    this.#peak = Math.max(this.#peak, this.#inFlight);
    return entry;
  }

  /** @internal */
  end(entry: SimRequest, status: number | null): void {
    if (entry.endedAt !== null) return;
    entry.status = status;
    entry.endedAt = wallClock();
    this.#inFlight--;
  }
}

function wallClock(): number {
  return performance.timeOrigin + performance.now();
}
