// What the figures were measured on: they mean little without the machine, and its load while measuring.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  os: string;
  /** 1-minute load average when the benchmark started and ended. */
  loadAtStart: number;
  loadAtEnd?: number;
  /** The speed probe before each scenario (after waiting for full speed: awaitFullSpeed), by scenario. */
  speed: Record<string, SpeedCheck>;
  /** The fastest speed probe of the run: the machine at full speed, as far as the run saw it. */
  fullSpeedProbeMs?: number;
  /** How long each scenario could wait for full speed. */
  maxWaitSeconds?: number;
  /** The share of CPU time the host took from this virtual machine during each scenario (stolenShare), by scenario. */
  stolen: Record<string, number>;
  /** Attempts of a scenario set aside because the machine ended them slowed (measureAtFullSpeed), by scenario. */
  setAside?: Record<string, SetAside[]>;
}

export function describeMachine(): Machine {
  let release = `${os.type()} ${os.release()}`;
  try {
    const match = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (match?.[1]) release = `${match[1]} (${os.type()} ${os.release()})`;
  } catch {
    // Not Linux: the kernel name is enough.
  }
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGb: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: release,
    loadAtStart: os.loadavg()[0] ?? NaN,
    speed: {},
    stolen: {},
  };
}

/** The machine's CPU time so far, in clock ticks: all of it, and what the host stole (Linux; zeros elsewhere). */
export function cpuTicks(): { total: number; steal: number } {
  try {
    const fields = /^cpu +(.+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]?.split(/\s+/).map(Number) ?? [];
    // user nice system idle iowait irq softirq steal (guest time is already counted in user).
    const counted = fields.slice(0, 8);
    return { total: counted.reduce((sum, n) => sum + n, 0), steal: fields[7] ?? 0 };
  } catch {
    return { total: 0, steal: 0 };
  }
}

/**
 * The share of the machine's CPU time that the host took for others between two cpuTicks() readings ("steal"): a
 * virtual machine's scenario measured while it was high ran on fewer cores than it has.
 */
export function stolenShare(before: { total: number; steal: number }, after = cpuTicks()): number {
  const total = after.total - before.total;
  return total > 0 ? (after.steal - before.steal) / total : NaN;
}

export function loadAverage(): number {
  return os.loadavg()[0] ?? NaN;
}

// Builds a list of 10,000 hook-like objects, then writes and reads it as JSON twice and matches a pattern against
// every name: the kind of work a plan does, at a fixed size (about 0.1 s of CPU at full speed).
const PROBE = `
const hooks = Array.from({ length: 10000 }, (_, i) => ({ id: i, name: 'hook-' + i, script: 'hooks/h' + i + '.sh',
  enforcement: i % 3 ? 'enabled' : 'testing', environment: { id: i % 300, name: 'env-' + (i % 300) } }));
const start = process.cpuUsage();
let matched = 0;
for (let round = 0; round < 2; round++) {
  for (const hook of JSON.parse(JSON.stringify(hooks))) if (/^hook-\\d*7$/.test(hook.name)) matched++;
}
const used = process.cpuUsage(start);
process.stdout.write(JSON.stringify({ ms: (used.user + used.system) / 1000, matched }));
`;

/**
 * How fast the machine ran a fixed piece of work just now, on every core at once (a client and the simulator both
 * work during a scenario): one fresh process per core, the slowest one's CPU milliseconds (lower is faster). The
 * host of a virtual machine may give it less than its cores at times: the load average does not show that, this
 * does, and a scenario measured while it was twice its usual value ran on a machine at half speed.
 */
export async function speedProbeMs(): Promise<number> {
  const one = () =>
    new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', PROBE], { env: { PATH: process.env.PATH } });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      child.once('error', reject);
      child.once('close', () => {
        const ms = Number((/"ms":([\d.]+)/.exec(out) ?? [])[1]);
        if (Number.isFinite(ms)) resolve(ms);
        else reject(new Error(`speed probe: no figure in ${JSON.stringify(out.slice(0, 200))}`));
      });
    });
  const runs = await Promise.all(Array.from({ length: os.availableParallelism() }, one));
  return Math.max(...runs);
}

/**
 * Where the fastest speed probe this machine has shown is kept between runs, with what it was measured on: a run
 * that starts while the host slows the machine down still knows its full speed. Not committed (node_modules).
 */
export const FULL_SPEED_FILE = join(
  import.meta.dirname,
  '..',
  '..',
  'node_modules',
  '.cache',
  'ghes-gitops',
  'bench-speed.json',
);

/** What a remembered probe is valid for: the same CPU, core count and Node.js. */
function machineKey(): string {
  return `${os.cpus()[0]?.model.trim() ?? 'unknown'} × ${os.availableParallelism()}, Node ${process.version}`;
}

/** The fastest probe remembered for this machine (Infinity when none is). */
export function rememberedFullSpeedMs(file = FULL_SPEED_FILE): number {
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { machine?: unknown; probeMs?: unknown };
    return saved.machine === machineKey() && typeof saved.probeMs === 'number' ? saved.probeMs : Infinity;
  } catch {
    return Infinity;
  }
}

/** Remembers `probeMs` when it is faster than what is remembered for this machine. */
export function rememberFullSpeed(probeMs: number, file = FULL_SPEED_FILE): void {
  if (!(probeMs < rememberedFullSpeedMs(file))) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ machine: machineKey(), probeMs })}\n`);
}

/** Within this factor of the fastest probe, the machine counts as running at full speed. */
export const FULL_SPEED_TOLERANCE = 1.25;
const PROBE_EVERY_MS = 15_000;

export interface SpeedCheck {
  /** The last probe before the scenario started. */
  probeMs: number;
  /** How long the scenario waited for the machine to reach full speed. */
  waitedMs: number;
  /** False when the wait ran out and the scenario ran on a slowed machine. */
  fullSpeed: boolean;
  /** The probe just after the scenario: the host may slow the machine down while a scenario runs. */
  afterMs?: number;
}

/** Whether a probe reads the machine at full speed: within FULL_SPEED_TOLERANCE of the fastest probe known. */
export function atFullSpeed(probeMs: number, fastestMs: number): boolean {
  return probeMs <= fastestMs * FULL_SPEED_TOLERANCE;
}

/**
 * Waits, up to `maxWaitMs`, until the machine runs at full speed: the speed probe within FULL_SPEED_TOLERANCE of the
 * fastest reading known (`fastest`: remembered, or of this run; updated). The host of this virtual machine halves its speed at
 * times, for minutes; figures timed then say nothing about the code. When the wait runs out the scenario runs
 * anyway, and the report says that it ran slowed.
 */
export async function awaitFullSpeed(
  fastest: { probeMs: number },
  maxWaitMs: number,
  log: (message: string) => void,
  probe: () => Promise<number> = speedProbeMs,
): Promise<SpeedCheck> {
  const started = performance.now();
  for (;;) {
    const probeMs = await probe();
    fastest.probeMs = Math.min(fastest.probeMs, probeMs);
    const waitedMs = performance.now() - started;
    if (atFullSpeed(probeMs, fastest.probeMs)) return { probeMs, waitedMs, fullSpeed: true };
    if (waitedMs + PROBE_EVERY_MS > maxWaitMs) return { probeMs, waitedMs, fullSpeed: false };
    log(
      `  the machine runs slowed (speed probe ${probeMs.toFixed(0)} ms, fastest ${fastest.probeMs.toFixed(0)} ms): waiting`,
    );
    await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
  }
}

/** How many times a scenario is measured at most: again while the machine ends it slowed (measureAtFullSpeed). */
export const MAX_ATTEMPTS = 3;

/** An attempt of a scenario that the machine ended slowed: the probes before and after it. */
export interface SetAside {
  probeMs: number;
  afterMs: number;
}

export interface Measured<T> {
  result: T;
  /** The probes of the attempt that counts: before it (after any wait) and after it. */
  check: SpeedCheck;
  /** The share of CPU the host took during that attempt (stolenShare). */
  stolen: number;
  /** The earlier attempts, set aside because the probe after them read the machine slowed. */
  setAside: SetAside[];
}

/**
 * Measures a scenario at full speed: waits for it (awaitFullSpeed), runs the scenario, then probes again. The host may
 * slow the machine down while a scenario runs, which no probe before it can see; an attempt that ends slowed is set
 * aside and the scenario measured again, `attempts` times in all. The probes alone decide, never the figures, and the
 * last attempt counts whatever its probes read (the report says when it ended slowed too).
 */
export async function measureAtFullSpeed<T>(
  run: () => Promise<T>,
  options: {
    fastest: { probeMs: number };
    maxWaitMs: number;
    attempts: number;
    log: (message: string) => void;
    probe?: () => Promise<number>;
  },
): Promise<Measured<T>> {
  const probe = options.probe ?? speedProbeMs;
  const setAside: SetAside[] = [];
  for (let attempt = 1; ; attempt++) {
    const check = await awaitFullSpeed(options.fastest, options.maxWaitMs, options.log, probe);
    const ticks = cpuTicks();
    const result = await run();
    const stolen = stolenShare(ticks);
    // A single reading may spike (one process of the probe delayed): a slowed machine reads slow twice running.
    check.afterMs = await probe();
    if (!atFullSpeed(check.afterMs, options.fastest.probeMs)) check.afterMs = Math.min(check.afterMs, await probe());
    if (atFullSpeed(check.afterMs, options.fastest.probeMs) || attempt >= options.attempts) {
      return { result, check, stolen, setAside };
    }
    setAside.push({ probeMs: check.probeMs, afterMs: check.afterMs });
    options.log(
      `  the machine slowed down during the scenario (speed probe ${check.afterMs.toFixed(0)} ms after it): measuring again`,
    );
  }
}
