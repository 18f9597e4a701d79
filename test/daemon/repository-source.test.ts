// The daemon reading its desired state from a repository through the REST API, in-process against the simulator
// over real HTTP: a moved ref is applied, an unmoved one costs one 304 per poll, an invalid commit stalls with a
// located error, and the drift issue is opened once, updated, and closed on recovery.
import { afterEach, describe, expect, it } from 'vitest';
import { createIssueReporter } from '../../src/daemon/report-issue-github.js';
import { createApiSource } from '../../src/daemon/source-api.js';
import type { Simulator } from '../../src/sim/server.js';
import { lastSeq, requestLine, requestsAfter, simulator } from '../helpers/harness.js';
import { eventually, memoryLogger, startDaemon, type DaemonTestOptions, type TestDaemon } from './helpers.js';

const REPO = 'platform/ghes-config';
const ALERTS = 'platform/ghes-alerts';
const HOOKS_FILE = 'config/webhooks.yml';
const webhooks = (...urls: string[]) =>
  `version: 1\nwebhooks:\n${urls.map((url) => `  - url: ${url}\n    events: [user]\n`).join('')}`;

const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function withConfigRepository(): Promise<Simulator> {
  const sim = await simulator();
  sim.state.addRepository({
    full_name: REPO,
    files: { [HOOKS_FILE]: { executable: false, content: webhooks('https://hooks.example.com/a') } },
  });
  return sim;
}

async function daemon(sim: Simulator, options: DaemonTestOptions & { pollMs?: number } = {}): Promise<TestDaemon> {
  const source = createApiSource({
    repository: `${REPO}/config`,
    apiUrl: sim.url,
    token: sim.userToken!,
    pollIntervalMs: options.pollMs ?? 50,
    retryDelayMs: 1,
  });
  return startDaemon(sim, '', { source, ...options }, (cleanup) => stops.push(cleanup));
}

/** `ghes_gitops_source_fetch_total{result="unchanged"}`, from /metrics. */
async function unchangedFetches(d: TestDaemon): Promise<number> {
  const text = (await d.get('/metrics')).text;
  const m = /^ghes_gitops_source_fetch_total\{result="unchanged"\} (\d+)$/m.exec(text);
  return m ? Number(m[1]) : 0;
}

describe('serve --repo: the desired state from a repository through the API', () => {
  it('applies a new commit once the ref moves, and reports that revision as applied', async () => {
    const sim = await withConfigRepository();
    const d = await daemon(sim);
    await eventually(() => sim.state.webhooks().length === 1);
    const first = sim.state.resolveCommit(REPO, 'main') as { sha: string };
    await eventually(async () => (await d.status()).lastAppliedRevision === `main@sha1:${first.sha}`);

    const moved = sim.state.commitFiles(REPO, {
      [HOOKS_FILE]: webhooks('https://hooks.example.com/a', 'https://hooks.example.com/b'),
    });
    await eventually(() => sim.state.webhooks().length === 2);
    await eventually(async () => (await d.status()).lastAppliedRevision === `main@sha1:${moved}`);
    expect((await d.status()).runs[0]).toMatchObject({ trigger: 'revision', outcome: 'applied' });
  });

  it('spends exactly one conditional request, a 304, per poll while the ref does not move', async () => {
    const sim = await withConfigRepository();
    const d = await daemon(sim);
    await eventually(async () => (await d.status()).runs.length === 1);
    await eventually(async () => (await unchangedFetches(d)) >= 1);

    const seq = lastSeq(sim);
    const before = await unchangedFetches(d);
    await eventually(async () => (await unchangedFetches(d)) >= before + 5);
    const after = await unchangedFetches(d);
    // Every request in between is the poll's conditional request, answered 304; nothing else is read.
    const sent = requestsAfter(sim, seq).filter((e) => e.endedAt !== null);
    expect(new Set(sent.map((e) => `${requestLine(e)}: ${e.status}`))).toEqual(
      new Set([`GET /repos/${REPO}/commits/main: 304`]),
    );
    // One per poll: as many 304s as polls that found nothing new (give or take the poll in flight at each end).
    expect(Math.abs(sent.length - (after - before))).toBeLessThanOrEqual(1);
  });

  it('stalls on an invalid commit with the error located in the repository, without retrying it', async () => {
    const sim = await withConfigRepository();
    const d = await daemon(sim, { intervalMs: 100, retryMinMs: 50 });
    await eventually(() => sim.state.webhooks().length === 1);

    const bad = sim.state.commitFiles(REPO, {
      [HOOKS_FILE]: `${webhooks('https://hooks.example.com/a')}    active: maybe\n`,
    });
    await eventually(async () => (await d.status()).stalledRevision === `main@sha1:${bad}`);
    const stalled = (await d.status()).conditions.find((c) => c.type === 'Stalled');
    expect(stalled).toMatchObject({ status: 'True' });
    expect(stalled!.message).toContain(`${REPO}@${bad.slice(0, 7)}:${HOOKS_FILE}:5:13`);

    expect(stalled!.reason).toBe('ConfigurationError');

    // Several intervals later, still the one attempt at that commit: no retry storm, nothing sent to the instance.
    const runs = (await d.status()).runs.length;
    const seq = lastSeq(sim);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await d.status()).runs).toHaveLength(runs);
    expect((await d.status()).runs[0]).toMatchObject({ outcome: 'stalled' });
    expect(requestsAfter(sim, seq).filter((e) => !e.path.includes(`/repos/${REPO}/commits/`))).toEqual([]);
    expect(sim.state.webhooks()).toHaveLength(1);
  });

  it('opens one issue, updates it while the problem lasts, and closes it when back in sync', async () => {
    const sim = await withConfigRepository();
    const logs: string[] = [];
    const reporter = createIssueReporter({
      repository: ALERTS,
      apiUrl: sim.url,
      token: sim.userToken!,
      instanceApiUrl: sim.url,
      log: memoryLogger(logs),
      retryDelayMs: 1,
    });
    const d = await daemon(sim, { reporter });
    await eventually(() => sim.state.webhooks().length === 1);
    await eventually(async () => (await d.status()).runs.length >= 1);
    expect(sim.state.issues.list(ALERTS, { state: 'all' })).toEqual([]);

    const first = sim.state.commitFiles(REPO, { [HOOKS_FILE]: 'version: 1\nwebhooks: {}\n' });
    await eventually(() => sim.state.issues.list(ALERTS).length === 1);
    const opened = sim.state.issues.get(ALERTS, 1)!;
    expect(opened.title).toMatch(/is stalled/);
    expect(opened.body).toContain(`${REPO}@${first.slice(0, 7)}:${HOOKS_FILE}`);

    const second = sim.state.commitFiles(REPO, { [HOOKS_FILE]: 'version: 7\n' });
    await eventually(() => sim.state.issues.get(ALERTS, 1)!.body!.includes(second.slice(0, 7)));

    sim.state.commitFiles(REPO, { [HOOKS_FILE]: webhooks('https://hooks.example.com/a') });
    await eventually(() => sim.state.issues.get(ALERTS, 1)!.state === 'closed');
    expect(sim.state.issueComments.list(ALERTS, 1).map((c) => c.body)).toEqual([
      expect.stringMatching(/^\*\*Back in sync\*\* at revision/),
    ]);
    // One issue all along: created once, edited in place.
    expect(sim.state.issues.list(ALERTS, { state: 'all' })).toHaveLength(1);
    expect(sim.requests.filter('POST', `/repos/${ALERTS}/issues`)).toHaveLength(1);
    expect(logs.join('\n')).not.toContain(sim.userToken!);
  });
});
