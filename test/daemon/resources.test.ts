// What a long-running process must not do: grow with each reconcile (memory, timers, sockets, listeners), or
// leave a change half-sent when told to stop. In-process, against the simulator over real HTTP.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalPathSource } from '../../src/daemon/local-source.js';
import { mutations, simulator, tempDir } from '../helpers/harness.js';
import { buildReconciler, eventually, startDaemon, type TestDaemon } from './helpers.js';

const CONFIG = `version: 1
environments:
  - name: slow
    image_url: https://files.example.com/slow.tar.gz
webhooks:
  - url: https://hooks.example.com/daemon
`;

const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

function configFile(): string {
  const path = join(tempDir(), 'ghes-gitops.yml');
  writeFileSync(path, CONFIG);
  return path;
}

/** A full collection, when V8 lets us ask for one (it does once --expose-gc is set, even at run time). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

describe('serve: resources', () => {
  it('leaves memory, timers and sockets flat over 300 reconciles in a row', async () => {
    // The simulator lives in this process too: keep its request log from growing with the runs.
    const sim = await simulator({ requestLogLimit: 50 });
    const source = await LocalPathSource.create(configFile());
    const { reconciler } = buildReconciler(sim, source);
    for (let i = 0; i < 30; i++) await reconciler.runOnce('signal');
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const resourcesBefore = activeResources();
    for (let i = 0; i < 300; i++) await reconciler.runOnce('signal');
    collectGarbage();
    const growth = process.memoryUsage().heapUsed - heapBefore;
    // A leak of a pass's plan or observed state (~10 KB here) would grow by 3 MB or more over 300 passes.
    expect(growth).toBeLessThan(2 * 1024 * 1024);
    const after = activeResources();
    expect(after.Timeout ?? 0).toBeLessThanOrEqual((resourcesBefore.Timeout ?? 0) + 1);
    expect(after.TCPSocketWrap ?? 0).toBeLessThanOrEqual((resourcesBefore.TCPSocketWrap ?? 0) + 4);
    expect(reconciler.status.document().runs).toHaveLength(10);
    await reconciler.stop(1000);
  }, 120_000);

  it('removes its signal listeners and closes its server when stopped', async () => {
    const sim = await simulator();
    const listeners = () => ['SIGTERM', 'SIGINT', 'SIGHUP'].map((s) => process.listenerCount(s));
    const before = listeners();
    const { Manager } = await import('../../src/daemon/manager.js');
    const source = await LocalPathSource.create(configFile());
    const { reconciler, metrics } = buildReconciler(sim, source);
    const manager = await Manager.start({
      reconciler,
      metrics,
      listen: { host: '127.0.0.1', port: 0 },
      shutdownTimeoutMs: 5000,
      log: { debug() {}, info() {}, warn() {}, error() {} },
      handleSignals: true,
    });
    expect(listeners()).toEqual(before.map((n) => n + 1));
    await eventually(() => reconciler.status.ready);
    expect(await manager.stop()).toBe(0);
    expect(listeners()).toEqual(before);
    await expect(fetch(`${manager.url}/healthz`)).rejects.toThrow();
  });
});

describe('serve: shutdown', () => {
  it('on SIGTERM during a slow apply: not ready at once, lets the operation in flight finish, starts nothing new, exits 0', async () => {
    const sim = await simulator({ downloadMs: 60_000 });
    // The environment's create is held until the test lets it go: SIGTERM lands while it is in flight, however
    // slowly a loaded machine runs the rest.
    let finishCreate!: () => void;
    const createHeld = new Promise<void>((resolve) => (finishCreate = resolve));
    sim.injectFault({ method: 'POST', pathPattern: '/admin/pre-receive-environments' }, 'latency', 1, {
      until: createHeld,
    });
    const d: TestDaemon = await startDaemon(sim, configFile(), { shutdownTimeoutMs: 5_000 }, (c) => stops.push(c));
    const creating = (path: string) => sim.requests.entries.find((e) => e.method === 'POST' && e.path.endsWith(path));
    // Both creates started before the signal: the environment's is held; the webhook's has arrived too, so every
    // request that arrives after the signal was sent after it.
    await eventually(
      () => creating('/pre-receive-environments')?.status === null && creating('/admin/hooks') !== undefined,
    );
    const lastBefore = sim.requests.entries.at(-1)!.seq;
    d.manager.signal('SIGTERM');
    expect((await d.get('/readyz')).status).toBe(503);
    expect(creating('/pre-receive-environments')!.status).toBeNull();
    finishCreate();
    // 0, not 1: the pass finished within the shutdown timeout, without waiting for the minute-long download.
    expect(await d.manager.finished).toBe(0);
    // The create in flight finished and was answered; nothing started after the signal (its download included).
    expect(sim.requests.entries.every((e) => e.status !== null)).toBe(true);
    expect(sim.requests.entries.filter((e) => e.seq > lastBefore && e.method !== 'GET')).toEqual([]);
    expect(mutations(sim)).toContain('POST /admin/pre-receive-environments');
    expect(mutations(sim).filter((line) => line.endsWith('/downloads'))).toEqual([]);
    expect(sim.state.findEnvironment('slow')).toBeDefined();
    expect(d.logs.some((line) => /interrupted/.test(line))).toBe(true);
  });
});
