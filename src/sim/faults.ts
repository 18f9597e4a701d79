// Decides which requests misbehave: seeded random faults, and scripted ones for precise tests.
// Each random draw is keyed by (seed, method, path+query, occurrence), so the same requests get the same
// faults even when concurrency reorders their arrival.

export type FaultKind = 'latency' | '5xx-before' | '5xx-after' | 'reset' | 'reset-after' | 'hang' | 'rate-limit';

export const FAULT_KINDS: readonly FaultKind[] = [
  'latency',
  '5xx-before',
  '5xx-after',
  'reset',
  'reset-after',
  'hang',
  'rate-limit',
];

/** The random pool when `kinds` is not given. `hang` is left out: it costs every client a full timeout. */
export const DEFAULT_RANDOM_KINDS: readonly FaultKind[] = ['5xx-before', '5xx-after', 'reset', 'rate-limit'];

export interface FaultOptions {
  seed: number;
  /** Probability (0..1) that an eligible request gets a random fault. Default 0. */
  rate?: number;
  /** The random pool. `latency` is not drawn: `latencyMs` already applies to every request. */
  kinds?: FaultKind[];
  /** Added to every API request, faulted or not (the benchmark's latency knob). */
  latencyMs?: number;
  /** Only these methods get random faults, e.g. ['POST', 'PATCH', 'DELETE']. Default: all. */
  methods?: string[];
  /** Retry-After seconds on `rate-limit` responses; SimulatorOptions.retryAfterSeconds wins. */
  retryAfterSeconds?: number;
}

export interface FaultMatch {
  /** Any method when omitted. */
  method?: string;
  /**
   * The path below /api/v3 (a leading /api/v3 is ignored), without the query. In a string, `*` and `{name}`
   * match one path segment; a RegExp is tested as is.
   */
  pathPattern: string | RegExp;
}

export interface InjectOptions {
  /** The status for 5xx faults (default 502 before, 500 after) or for rate-limit (default 403). */
  status?: number;
  /** The delay for a scripted `latency` fault (default: FaultOptions.latencyMs, else 1000). */
  latencyMs?: number;
  /**
   * A scripted `latency` fault holds the request until this settles, instead of for `latencyMs`: a test releases it
   * at the moment it chooses, so "still in flight" never depends on how fast a loaded machine runs.
   */
  until?: Promise<unknown>;
}

export interface Fault {
  kind: FaultKind;
  /** For 5xx and rate-limit faults. */
  status?: number;
  /** Extra delay for a `latency` fault. */
  latencyMs?: number;
  /** A `latency` fault held until this settles (InjectOptions.until). */
  until?: Promise<unknown>;
  scripted: boolean;
}

interface ScriptedFault {
  method: string | undefined;
  pattern: RegExp;
  kind: FaultKind;
  remaining: number;
  options: InjectOptions;
}

export class FaultPlanner {
  #options: FaultOptions | undefined;
  #scripted: ScriptedFault[] = [];
  readonly #occurrences = new Map<string, number>();

  constructor(options?: FaultOptions) {
    this.configure(options);
  }

  /** Replaces the random-fault settings and restarts their sequence; scripted faults are kept. */
  configure(options: FaultOptions | undefined): void {
    if (options?.rate !== undefined && !(options.rate >= 0 && options.rate <= 1)) {
      throw new RangeError(`faults.rate must be between 0 and 1, got ${options.rate}`);
    }
    for (const kind of options?.kinds ?? []) {
      if (!FAULT_KINDS.includes(kind)) throw new RangeError(`unknown fault kind: ${String(kind)}`);
    }
    this.#options = options;
    this.#occurrences.clear();
  }

  get latencyMs(): number {
    return this.#options?.latencyMs ?? 0;
  }

  get retryAfterSeconds(): number | undefined {
    return this.#options?.retryAfterSeconds;
  }

  /** The next `times` requests matching `match` get `kind`, ahead of any random fault. */
  inject(match: FaultMatch, kind: FaultKind, times = 1, options: InjectOptions = {}): void {
    if (!FAULT_KINDS.includes(kind)) throw new RangeError(`unknown fault kind: ${String(kind)}`);
    this.#scripted.push({
      method: match.method?.toUpperCase(),
      pattern: typeof match.pathPattern === 'string' ? patternToRegExp(match.pathPattern) : match.pathPattern,
      kind,
      remaining: times,
      options,
    });
  }

  clearScripted(): void {
    this.#scripted = [];
  }

  /** `path` is below /api/v3; `search` is the raw query string (part of the random key). */
  decide(method: string, path: string, search: string): Fault | undefined {
    const scripted = this.#scripted.find(
      (f) => f.remaining > 0 && (f.method === undefined || f.method === method) && f.pattern.test(path),
    );
    if (scripted) {
      scripted.remaining--;
      this.#scripted = this.#scripted.filter((f) => f.remaining > 0);
      return {
        kind: scripted.kind,
        scripted: true,
        status: scripted.options.status ?? defaultStatus(scripted.kind, 0),
        latencyMs: scripted.options.latencyMs ?? (this.latencyMs || 1000),
        ...(scripted.kind === 'latency' && scripted.options.until && { until: scripted.options.until }),
      };
    }

    const o = this.#options;
    if (!o || !o.rate) return undefined;
    if (o.methods && !o.methods.some((m) => m.toUpperCase() === method)) return undefined;
    const pool = (o.kinds ?? DEFAULT_RANDOM_KINDS).filter((k) => k !== 'latency');
    if (pool.length === 0) return undefined;

    const key = `${method} ${path}${search}`;
    const n = this.#occurrences.get(key) ?? 0;
    this.#occurrences.set(key, n + 1);
    const random = mulberry32(hashString(`${o.seed}|${key}|${n}`));
    // Always three draws, so one decision never shifts another.
    const [hit, pick, variant] = [random(), random(), random()];
    if (hit >= o.rate) return undefined;
    const kind = pool[Math.floor(pick * pool.length)]!;
    return { kind, scripted: false, status: defaultStatus(kind, variant) };
  }
}

function defaultStatus(kind: FaultKind, variant: number): number | undefined {
  switch (kind) {
    case '5xx-before':
      return variant < 0.5 ? 502 : 503;
    case '5xx-after':
      return variant < 0.5 ? 500 : 502;
    case 'rate-limit':
      return 403;
    default:
      return undefined;
  }
}

function patternToRegExp(pattern: string): RegExp {
  const path = pattern.replace(/^\/api\/v3(?=\/)/, '');
  const source = path
    .split(/(\*|\{[^}]*\})/)
    .map((part) => (part === '*' || /^\{[^}]*\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/** A small, well-known 32-bit PRNG: same seed, same sequence, on every platform. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, to turn a request key into a PRNG seed. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
