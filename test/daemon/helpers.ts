// The daemon in-process against a simulator: the same Reconciler and Manager `serve` builds, on a free loopback
// port, with short waits; stopped after the test. Requests go over real HTTP both ways.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { LocalPathSource } from '../../src/daemon/local-source.js';
import { Manager } from '../../src/daemon/manager.js';
import { DaemonMetrics } from '../../src/daemon/metrics.js';
import type { PassSettings } from '../../src/daemon/pass.js';
import { Reconciler, type ReconcilerOptions } from '../../src/daemon/reconciler.js';
import type { DesiredStateSource } from '../../src/daemon/source.js';
import type { WebhookSettings } from '../../src/daemon/webhook.js';
import { Redactor, type Logger } from '../../src/redact.js';
import { connect } from '../../src/reconcile.js';
import type { Simulator } from '../../src/sim/server.js';

export interface TestDaemon {
  manager: Manager;
  reconciler: Reconciler;
  metrics: DaemonMetrics;
  logs: string[];
  get(path: string): Promise<{ status: number; text: string }>;
  status(): Promise<StatusJson>;
}

export interface StatusJson {
  ready: boolean;
  lastAppliedRevision: string | null;
  lastAttemptedRevision: string | null;
  stalledRevision: string | null;
  nextRunAt: string | null;
  conditions: { type: string; status: string; reason: string; message: string }[];
  lastPlan: { summary: Record<string, number>; operations: { id: string; changes: unknown }[] } | null;
  runs: { trigger: string; outcome: string; reason: string; message: string }[];
}

export interface DaemonTestOptions {
  settings?: Partial<PassSettings>;
  intervalMs?: number;
  retryMinMs?: number;
  webhook?: WebhookSettings;
  env?: Record<string, string | undefined>;
  source?: DesiredStateSource;
  shutdownTimeoutMs?: number;
  reporter?: ReconcilerOptions['reporter'];
}

/** A logger that keeps every line, for assertions (and for the "never printed" checks). */
export function memoryLogger(lines: string[]): Logger {
  return {
    debug: (m) => lines.push(`debug: ${m}`),
    info: (m) => lines.push(`info: ${m}`),
    warn: (m) => lines.push(`warn: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
  };
}

export function buildReconciler(
  sim: Simulator,
  source: DesiredStateSource,
  options: DaemonTestOptions = {},
  logs: string[] = [],
): { reconciler: Reconciler; metrics: DaemonMetrics } {
  const metrics = new DaemonMetrics();
  const redactor = new Redactor().add(sim.adminToken);
  const log = memoryLogger(logs);
  const api = connect(
    { apiUrl: sim.url, token: sim.adminToken },
    { retryDelayMs: 1, onResponse: (method, status) => metrics.apiResponse(method, status) },
  );
  const reconciler = new Reconciler({
    source,
    api,
    settings: {
      mode: 'apply',
      syncSecrets: false,
      concurrency: 4,
      downloadTimeoutMs: 10_000,
      downloadPollMs: 10,
      allowMassDelete: false,
      skipPreflight: true,
      ...options.settings,
    },
    intervalMs: options.intervalMs ?? 3_600_000,
    retryMinMs: options.retryMinMs ?? 30_000,
    env: options.env ?? {},
    redactor,
    log,
    metrics,
    ...(options.reporter && { reporter: options.reporter }),
  });
  return { reconciler, metrics };
}

export async function startDaemon(
  sim: Simulator,
  configPath: string,
  options: DaemonTestOptions,
  onFinished: (cleanup: () => Promise<void>) => void,
): Promise<TestDaemon> {
  const logs: string[] = [];
  const source = options.source ?? (await LocalPathSource.create(configPath));
  const { reconciler, metrics } = buildReconciler(sim, source, options, logs);
  const manager = await Manager.start({
    reconciler,
    metrics,
    listen: { host: '127.0.0.1', port: 0 },
    ...(options.webhook && { webhook: options.webhook }),
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 5_000,
    log: memoryLogger(logs),
  });
  onFinished(async () => {
    await manager.stop();
  });
  const get = async (path: string) => {
    const response = await fetch(`${manager.url}${path}`);
    return { status: response.status, text: await response.text() };
  };
  return {
    manager,
    reconciler,
    metrics,
    logs,
    get,
    status: async () => JSON.parse((await get('/status')).text) as StatusJson,
  };
}

/** Polls `check` until it returns true, or fails after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) expect.fail(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Makes `dir` look like a git work tree at `commit` (what local-source reads; no git binary needed). */
export function fakeCheckout(dir: string, commit: string): void {
  mkdirSync(join(dir, '.git', 'refs', 'heads'), { recursive: true });
  writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  writeFileSync(join(dir, '.git', 'refs', 'heads', 'main'), `${commit}\n`);
}
