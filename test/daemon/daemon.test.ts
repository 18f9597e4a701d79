// The daemon in-process against the simulator, over real HTTP both ways: first reconcile and readiness, drift
// correction, triggers (webhook, SIGHUP, collapse), the failure policy (backoff, stall), plan mode, status, metrics.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sign } from '@octokit/webhooks-methods';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalPathSource } from '../../src/daemon/local-source.js';
import { MAX_WEBHOOK_BODY_BYTES } from '../../src/daemon/webhook.js';
import type { InstanceCondition } from '../../src/daemon/report-issue.js';
import { lastSeq, mutations, requestsAfter, simulator, tempDir } from '../helpers/harness.js';
import { eventually, fakeCheckout, startDaemon, type DaemonTestOptions, type TestDaemon } from './helpers.js';
import type { Simulator } from '../../src/sim/server.js';

const WEBHOOK_URL = 'https://hooks.example.com/daemon';
const CONFIG = `version: 1
webhooks:
  - url: ${WEBHOOK_URL}
    events: [user, organization]
`;
const SECRET = 'push-hook-secret-value';
const COMMIT = 'a'.repeat(40);

const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function daemon(sim: Simulator, config: string, options: DaemonTestOptions = {}): Promise<TestDaemon> {
  return startDaemon(sim, config, options, (cleanup) => stops.push(cleanup));
}

function configFile(text = CONFIG, git?: string): string {
  const dir = tempDir();
  if (git) fakeCheckout(dir, git);
  const path = join(dir, 'ghes-gitops.yml');
  writeFileSync(path, text);
  return path;
}

async function postWebhook(d: TestDaemon, event: string, body: string, signature?: string) {
  const response = await fetch(`${d.manager.url}/hooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      ...(signature !== undefined && { 'x-hub-signature-256': signature }),
    },
    body,
  });
  return { status: response.status, text: await response.text() };
}

describe('serve: the reconcile loop', () => {
  it('applies on the first reconcile, then turns ready', async () => {
    const sim = await simulator({ faults: { seed: 1, latencyMs: 150 } });
    const d = await daemon(sim, configFile());
    // The first pass is still observing (each request takes 150 ms): not ready yet.
    expect((await d.get('/readyz')).status).toBe(503);
    expect((await d.get('/healthz')).status).toBe(200);
    // Ready once the instance was observed; the apply that follows is not waited for.
    await eventually(async () => (await d.get('/readyz')).status === 200);
    await eventually(async () => (await d.status()).runs.length === 1);
    expect(sim.state.webhooks().map((w) => w.url)).toEqual([WEBHOOK_URL]);
    const status = await d.status();
    expect(status.runs[0]).toMatchObject({ trigger: 'startup', outcome: 'applied' });
    expect(status.conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True' });
  });

  it('corrects drift made behind its back on the next pass', async () => {
    const sim = await simulator();
    const d = await daemon(sim, configFile(), { intervalMs: 100 });
    await eventually(() => sim.state.webhooks().length === 1);
    const before = sim.state.webhooks()[0]!;
    sim.state.deleteWebhook(before.id);
    await eventually(() => sim.state.webhooks().length === 1);
    expect(sim.state.webhooks()[0]!.id).not.toBe(before.id);
    const runs = (await d.status()).runs;
    expect(runs.some((r) => r.trigger === 'interval' && r.outcome === 'applied')).toBe(true);
  });

  it('never sends a change in --mode plan, and says what drifted', async () => {
    const sim = await simulator();
    const d = await daemon(sim, configFile(), { intervalMs: 50, settings: { mode: 'plan' } });
    await eventually(async () => (await d.status()).runs.length >= 3);
    expect(mutations(sim)).toEqual([]);
    const status = await d.status();
    expect(status.ready).toBe(true);
    expect(status.conditions.find((c) => c.type === 'Drifted')).toMatchObject({
      status: 'True',
      reason: 'DriftDetected',
      message: 'Plan: 1 to create, 0 to update, 0 to delete, 0 to download. Not applied (--mode plan).',
    });
    expect(status.conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False' });
    expect(status.lastPlan?.summary).toMatchObject({ create: 1 });
    const metrics = (await d.get('/metrics')).text;
    expect(metrics).toContain('ghes_gitops_drift{kind="webhook",action="create"} 1');
    expect(metrics).not.toMatch(/method="(POST|PATCH|DELETE)"/);
  });

  it('plans only while the desired state says suspend: true', async () => {
    const sim = await simulator();
    const d = await daemon(sim, configFile(`${CONFIG}suspend: true\n`));
    await eventually(async () => (await d.status()).runs.length >= 1);
    expect(mutations(sim)).toEqual([]);
    const status = await d.status();
    expect(status.conditions.find((c) => c.type === 'Suspended')).toMatchObject({ status: 'True' });
    expect((await d.get('/metrics')).text).toMatch(/^ghes_gitops_suspended 1$/m);
  });

  it('runs triggers that arrive during a pass as one follow-up', async () => {
    const sim = await simulator({ faults: { seed: 1, latencyMs: 100 } });
    const d = await daemon(sim, configFile());
    await eventually(() => sim.requests.inFlight > 0);
    for (let i = 0; i < 5; i++) d.reconciler.trigger('webhook');
    await eventually(async () => (await d.status()).runs.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const runs = (await d.status()).runs;
    expect(runs.map((r) => r.trigger)).toEqual(['webhook', 'startup']);
  });

  it('reconciles on SIGHUP, even a stalled revision', async () => {
    const sim = await simulator();
    const path = configFile('version: 1\nwebhooks: nope\n', COMMIT);
    const d = await daemon(sim, path, { intervalMs: 50 });
    await eventually(async () => (await d.status()).runs.length === 1);
    d.manager.signal('SIGHUP');
    await eventually(async () => (await d.status()).runs.length === 2);
    expect((await d.status()).runs[0]).toMatchObject({ trigger: 'signal', outcome: 'stalled' });
  });
});

describe('serve: the failure policy', () => {
  it('stalls on an invalid config: no retry storm, and /status says why', async () => {
    const sim = await simulator();
    const d = await daemon(sim, configFile('version: 1\nwebhooks:\n  - url: 12\n    bogus: true\n', COMMIT), {
      intervalMs: 20,
      retryMinMs: 20,
    });
    await eventually(async () => (await d.status()).runs.length === 1);
    // Many intervals later, still the one attempt: the revision did not change.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const status = await d.status();
    expect(status.runs).toHaveLength(1);
    expect(status.stalledRevision).toBe(`sha1:${COMMIT}`);
    const stalled = status.conditions.find((c) => c.type === 'Stalled')!;
    expect(stalled).toMatchObject({ status: 'True', reason: 'ConfigurationError' });
    expect(stalled.message).toMatch(/ghes-gitops\.yml:4:5: error: unknown key `bogus`/);
    expect(sim.requests.entries).toEqual([]);
    expect(status.ready).toBe(false);
  });

  it('reconciles a stalled checkout again once its commit moves', async () => {
    const sim = await simulator();
    const path = configFile('version: 1\nwebhooks: nope\n', COMMIT);
    const source = await LocalPathSource.create(path, { gitPollMs: 20 });
    const d = await daemon(sim, path, { source, intervalMs: 3_600_000 });
    await eventually(async () => (await d.status()).stalledRevision !== null);
    writeFileSync(path, CONFIG);
    fakeCheckout(join(path, '..'), 'b'.repeat(40));
    await eventually(() => sim.state.webhooks().length === 1);
    const status = await d.status();
    expect(status.runs[0]).toMatchObject({ trigger: 'revision', outcome: 'applied' });
    expect(status.lastAppliedRevision).toBe(`sha1:${'b'.repeat(40)}`);
    expect((await d.get('/metrics')).text).toMatch(/ghes_gitops_source_fetch_total\{result="changed"\} 1/);
  });

  it('retries a transient failure with a backoff from its first delay, then recovers', async () => {
    const sim = await simulator();
    // Every GET fails for the first pass (its five retries included), then the server is back.
    sim.injectFault({ method: 'GET', pathPattern: '/admin/hooks' }, '5xx-before', 6);
    const d = await daemon(sim, configFile(), { retryMinMs: 100, intervalMs: 3_600_000 });
    await eventually(async () => (await d.status()).runs.length >= 1);
    const failed = await d.status();
    expect(failed.runs[0]).toMatchObject({ outcome: 'failed', reason: 'ObserveFailed' });
    const wait = Date.parse(failed.nextRunAt!) - Date.now();
    expect(wait).toBeLessThan(1_000); // the backoff, not the hour-long interval
    await eventually(() => sim.state.webhooks().length === 1);
    const recovered = await d.status();
    expect(recovered.runs[0]).toMatchObject({ trigger: 'retry', outcome: 'applied' });
    expect(Date.parse(recovered.nextRunAt!) - Date.now()).toBeGreaterThan(3_000_000);
  });
});

describe('serve: POST /hooks/github', () => {
  const push = JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'acme/ghes-config' } });

  async function hooked(sim: Simulator) {
    const d = await daemon(sim, configFile(), {
      webhook: { secret: SECRET, repository: 'acme/ghes-config', ref: 'main' },
    });
    await eventually(async () => (await d.status()).runs.length === 1);
    return d;
  }

  it('starts a reconcile at once for a signed push to the configured repository and ref', async () => {
    const sim = await simulator();
    // The interval is an hour: a second run within the test can only be the push's, and its trigger says so.
    const d = await hooked(sim);
    const seq = lastSeq(sim);
    expect(await postWebhook(d, 'push', push, await sign(SECRET, push))).toMatchObject({ status: 202 });
    await eventually(async () => (await d.status()).runs.length === 2);
    expect((await d.status()).runs[0]).toMatchObject({ trigger: 'webhook', outcome: 'in-sync' });
    expect(requestsAfter(sim, seq).length).toBeGreaterThan(0);
    expect((await d.get('/metrics')).text).toContain(
      'ghes_gitops_webhook_requests_total{event="push",result="accepted"} 1',
    );
  });

  it('answers 401 to a bad or missing signature and starts nothing', async () => {
    const sim = await simulator();
    const d = await hooked(sim);
    const seq = lastSeq(sim);
    expect((await postWebhook(d, 'push', push, await sign('another secret', push))).status).toBe(401);
    expect((await postWebhook(d, 'push', push)).status).toBe(401);
    expect((await postWebhook(d, 'push', push, 'sha256=00')).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await d.status()).runs).toHaveLength(1);
    expect(requestsAfter(sim, seq)).toEqual([]);
  });

  it('answers ping 200, and ignores other events, repositories and refs with 202', async () => {
    const sim = await simulator();
    const d = await hooked(sim);
    const ping = '{"zen":"Keep it logically awesome."}';
    expect((await postWebhook(d, 'ping', ping, await sign(SECRET, ping))).status).toBe(200);
    const other = JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'acme/other' } });
    const branch = JSON.stringify({ ref: 'refs/heads/dev', repository: { full_name: 'acme/ghes-config' } });
    expect(await postWebhook(d, 'push', other, await sign(SECRET, other))).toMatchObject({
      status: 202,
      text: /another repository/,
    });
    expect(await postWebhook(d, 'push', branch, await sign(SECRET, branch))).toMatchObject({
      status: 202,
      text: /another ref/,
    });
    expect(await postWebhook(d, 'issues', push, await sign(SECRET, push))).toMatchObject({
      status: 202,
      text: /not a push/,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await d.status()).runs).toHaveLength(1);
  });

  it('refuses a body over 3 MiB with 413, before checking anything', async () => {
    const sim = await simulator();
    const d = await hooked(sim);
    const big = `{"pad":"${'x'.repeat(MAX_WEBHOOK_BODY_BYTES)}"}`;
    expect((await postWebhook(d, 'push', big, await sign(SECRET, big))).status).toBe(413);
    const justUnder = `{"pad":"${'x'.repeat(MAX_WEBHOOK_BODY_BYTES - 20)}"}`;
    expect((await postWebhook(d, 'push', justUnder, await sign(SECRET, justUnder))).status).toBe(202);
    expect((await d.get('/metrics')).text).toContain(
      'ghes_gitops_webhook_requests_total{event="push",result="too_large"} 1',
    );
  });

  it('is not served without a secret', async () => {
    const sim = await simulator();
    const d = await daemon(sim, configFile());
    expect((await postWebhook(d, 'push', push, await sign(SECRET, push))).status).toBe(404);
  });
});

describe('serve: status and metrics', () => {
  it('shows revisions, conditions, the last plan with secrets as (sensitive), and the last 10 runs', async () => {
    const sim = await simulator();
    const secretValue = 'webhook-secret-never-shown';
    const path = configFile(`${CONFIG}    secret: \${HOOK_SECRET}\n`, COMMIT);
    const d = await daemon(sim, path, { settings: { mode: 'plan' }, env: { HOOK_SECRET: secretValue } });
    for (let i = 0; i < 11; i++) await d.reconciler.runOnce('signal');
    const text = (await d.get('/status')).text;
    expect(text).not.toContain(secretValue);
    const status = await d.status();
    expect(status.runs).toHaveLength(10);
    expect(status.lastAttemptedRevision).toBe(`sha1:${COMMIT}`);
    expect(status.lastAppliedRevision).toBeNull();
    expect(status.conditions.map((c) => c.type)).toEqual(['Ready', 'Stalled', 'Drifted', 'Suspended']);
    expect(status.lastPlan?.operations[0]).toMatchObject({ id: `webhook:create:${WEBHOOK_URL}` });
    expect(JSON.stringify(status.lastPlan?.operations[0]?.changes)).toContain('(sensitive)');
    const metrics = (await d.get('/metrics')).text;
    expect(metrics).not.toContain(secretValue);
    expect(metrics).not.toContain('hooks.example.com');
  });

  it('exports every metric the issue lists, with low-cardinality labels', async () => {
    const sim = await simulator();
    const d = await daemon(sim, configFile(undefined, COMMIT));
    await eventually(async () => (await d.status()).runs.length === 1);
    await d.reconciler.runOnce('signal');
    const metrics = (await d.get('/metrics')).text;
    for (const name of [
      'process_cpu_user_seconds_total',
      'ghes_gitops_reconcile_total{result="success"} 1',
      'ghes_gitops_reconcile_total{result="noop"} 1',
      'ghes_gitops_reconcile_duration_seconds_count 2',
      'ghes_gitops_drift{kind="webhook",action="create"} 0',
      'ghes_gitops_operations_applied_total{kind="webhook",action="create",result="succeeded"} 1',
      'ghes_gitops_last_success_timestamp_seconds',
      'ghes_gitops_suspended 0',
      'ghes_gitops_source_fetch_total',
      'ghes_gitops_webhook_requests_total',
      'ghes_gitops_api_requests_total{method="GET",status="200"}',
      'ghes_gitops_api_requests_total{method="POST",status="201"} 1',
      `ghes_gitops_info{version="0.1.0",revision="sha1:${COMMIT}"} 1`,
    ]) {
      expect(metrics).toContain(name);
    }
    expect(metrics).not.toContain('hooks.example.com');
  });

  it('tells the issue reporter the condition after each reconcile', async () => {
    const sim = await simulator();
    const told: InstanceCondition[] = [];
    const d = await daemon(sim, configFile(), {
      settings: { mode: 'plan' },
      reporter: {
        update: (condition) => {
          told.push(condition);
          return Promise.resolve();
        },
      },
    });
    await eventually(() => told.length === 1);
    expect(told[0]).toMatchObject({ state: 'drifted', revision: '' });
    expect(told[0]?.state === 'drifted' && told[0].details).toContain(WEBHOOK_URL);
    await d.reconciler.runOnce('signal');
    expect(told).toHaveLength(2);
  });
});
