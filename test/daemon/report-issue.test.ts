// The drift issue over real HTTP against the simulator: opened once, updated only when what it says changes,
// closed with a comment on recovery, reopened (never a second one), found again by its marker after a restart.
import { describe, expect, it } from 'vitest';
import {
  createIssueReporter,
  issueBody,
  issueMarker,
  parseReportRepository,
} from '../../src/daemon/report-issue-github.js';
import type { InstanceCondition } from '../../src/daemon/report-issue.js';
import type { Logger } from '../../src/redact.js';
import type { Simulator } from '../../src/sim/server.js';
import { lastSeq, requestLine, requestsAfter, simulator } from '../helpers/harness.js';

const REPO = 'ops/ghes-alerts';
const INSTANCE = 'https://ghes.example.com/api/v3';

type Reported = Exclude<InstanceCondition, { state: 'in-sync' }>;

const drifted = (details = '- update hook `Check Commits`: enforcement'): Reported => ({
  state: 'drifted',
  revision: 'main@sha1:0123456789abcdef0123456789abcdef01234567',
  summary: '1 operation would change the instance (plan mode)',
  details,
});
const inSync: InstanceCondition = { state: 'in-sync', revision: 'main@sha1:0123456789abcdef0123456789abcdef01234567' };

function reporterFor(sim: Simulator, logged: string[] = [], token = sim.userToken!) {
  const log: Logger = {
    debug: () => {},
    info: (m) => logged.push(`info: ${m}`),
    warn: (m) => logged.push(`warn: ${m}`),
    error: (m) => logged.push(`error: ${m}`),
  };
  return createIssueReporter({
    repository: REPO,
    apiUrl: sim.url,
    token,
    instanceApiUrl: INSTANCE,
    log,
    retryDelayMs: 1,
  });
}

function sent(sim: Simulator, after: number): string[] {
  return requestsAfter(sim, after).map(requestLine);
}

describe('the drift issue', () => {
  it('is opened once, edited only when what it says changes, closed with a comment, reopened after', async () => {
    const sim = await simulator();
    const logged: string[] = [];
    const reporter = reporterFor(sim, logged);

    await reporter.update(drifted());
    const issues = sim.state.issues.list(REPO, { state: 'all' });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      number: 1,
      title: 'ghes-gitops: ghes.example.com/api/v3 has drifted from its desired state',
      user: 'ghes-user',
    });
    expect(issues[0]!.body).toContain('**Drifted** at revision `main@sha1:0123456789abcdef0123456789abcdef01234567`');
    expect(issues[0]!.body).toContain(issueMarker(INSTANCE));
    expect(logged).toEqual([expect.stringMatching(/^info: report issue: opened .*\/ops\/ghes-alerts\/issues\/1$/)]);

    // The same condition again: not one request.
    let seq = lastSeq(sim);
    await reporter.update(drifted());
    expect(sent(sim, seq)).toEqual([]);

    // Other details, then another state: one edit each.
    seq = lastSeq(sim);
    await reporter.update(drifted('- delete webhook `https://old.example.com`'));
    await reporter.update({ ...drifted(), state: 'failed', summary: 'POST /admin/hooks failed: 500' });
    expect(sent(sim, seq)).toEqual([`PATCH /repos/${REPO}/issues/1`, `PATCH /repos/${REPO}/issues/1`]);
    expect(sim.state.issues.get(REPO, 1)?.title).toBe('ghes-gitops: ghes.example.com/api/v3 failed to reconcile');

    seq = lastSeq(sim);
    await reporter.update(inSync);
    await reporter.update(inSync);
    expect(sent(sim, seq)).toEqual([`POST /repos/${REPO}/issues/1/comments`, `PATCH /repos/${REPO}/issues/1`]);
    expect(sim.state.issues.get(REPO, 1)).toMatchObject({ state: 'closed', state_reason: 'completed' });
    expect(sim.state.issueComments.list(REPO, 1).map((c) => c.body)).toEqual([
      '**Back in sync** at revision `main@sha1:0123456789abcdef0123456789abcdef01234567`. Closing; this issue reopens if it drifts again.',
    ]);

    await reporter.update({ ...drifted(), state: 'stalled', summary: 'the desired state is invalid' });
    expect(sim.state.issues.list(REPO, { state: 'all' })).toHaveLength(1);
    expect(sim.state.issues.get(REPO, 1)).toMatchObject({ state: 'open', title: expect.stringMatching(/is stalled/) });
    expect(sim.state.issueComments.list(REPO, 1).at(-1)?.body).toBe('**Stalled again**: the desired state is invalid');
  });

  it("after a restart, finds its issue by the marker among its own account's issues only", async () => {
    const sim = await simulator();
    // Someone else quoting the marker, and our account's issue for another instance: neither is ours.
    sim.state.issues.create(REPO, { title: 'copy', body: `quoting ${issueMarker(INSTANCE)}` }, 'octocat');
    sim.state.issues.create(
      REPO,
      { title: 'other', body: issueBody('https://other.example.com/api/v3', drifted()) },
      'ghes-user',
    );
    await reporterFor(sim).update(drifted());
    expect(sim.state.issues.list(REPO, { state: 'all' })).toHaveLength(3);

    const seq = lastSeq(sim);
    const restarted = reporterFor(sim);
    await restarted.update(drifted());
    // One look for the issue (and who we are), and nothing to change.
    expect(sent(sim, seq)).toEqual(['GET /user', `GET /repos/${REPO}/issues`]);
    await restarted.update(inSync);
    expect(sim.state.issues.get(REPO, 3)?.state).toBe('closed');
    expect(sim.state.issues.get(REPO, 1)?.state).toBe('open');
  });

  it("works with a GitHub App's installation token, which GitHub refuses GET /user", async () => {
    const APP_TOKEN = 'ghs_app-installation-token';
    const sim = await simulator({ userTokens: [APP_TOKEN], logins: { [APP_TOKEN]: 'ghes-gitops[bot]' } });
    // A person quoting the marker, and another app's issue for another instance: neither is ours.
    sim.state.issues.create(REPO, { title: 'copy', body: `quoting ${issueMarker(INSTANCE)}` }, 'octocat');
    sim.state.issues.create(
      REPO,
      { title: 'other', body: issueBody('https://other.example.com/api/v3', drifted()) },
      'other-app[bot]',
    );
    const logged: string[] = [];
    await reporterFor(sim, logged, APP_TOKEN).update(drifted());
    expect(logged).toEqual([expect.stringMatching(/^info: report issue: opened .*\/issues\/3$/)]);
    expect(sim.state.issues.get(REPO, 3)).toMatchObject({ user: 'ghes-gitops[bot]', state: 'open' });

    // After a restart it finds its own issue again, and from then on keeps to its account.
    const restarted = reporterFor(sim, logged, APP_TOKEN);
    await restarted.update(inSync);
    expect(sim.state.issues.get(REPO, 3)?.state).toBe('closed');
    await restarted.update(drifted());
    expect(sim.state.issues.list(REPO, { state: 'all' })).toHaveLength(3);
    expect(sim.state.issues.get(REPO, 3)?.state).toBe('open');
    expect(sim.state.issues.get(REPO, 1)?.state).toBe('open');
    expect(logged.filter((line) => line.startsWith('warn'))).toEqual([]);
  });

  it('never opens a second issue when the answer to the create was lost', async () => {
    const sim = await simulator();
    const logged: string[] = [];
    const reporter = reporterFor(sim, logged);
    // The issue is created, then the connection drops before the answer arrives.
    sim.injectFault({ method: 'POST', pathPattern: `/repos/${REPO}/issues` }, 'reset-after', 1);
    await expect(reporter.update(drifted())).resolves.toBeUndefined();
    expect(logged.at(-1)).toMatch(/^warn: report issue in ops\/ghes-alerts: POST .*outcome unknown/);

    await reporter.update(drifted());
    expect(sim.state.issues.list(REPO, { state: 'all' })).toHaveLength(1);
    expect(sim.requests.filter('POST', `/repos/${REPO}/issues`)).toHaveLength(1);
  });

  it('never posts or logs the token, even when the details carry it', async () => {
    const sim = await simulator();
    const logged: string[] = [];
    const reporter = reporterFor(sim, logged);
    await reporter.update(drifted(`leaked ${sim.userToken!} here`));
    expect(sim.state.issues.get(REPO, 1)?.body).toContain('leaked *** here');
    sim.injectFault({ method: 'PATCH', pathPattern: `/repos/${REPO}/issues/1` }, '5xx-before', 10);
    await reporter.update(drifted('other'));
    expect(logged.join('\n')).not.toContain(sim.userToken!);
    const bodies = sim.requests.entries.map((e) => JSON.stringify(e.body ?? ''));
    expect(bodies.join('\n')).not.toContain(sim.userToken!);
  });

  it("keeps the body under GitHub's limit", () => {
    const body = issueBody(INSTANCE, drifted('x'.repeat(100_000)));
    expect(body.length).toBeLessThanOrEqual(65_000);
    expect(body).toContain('cut to fit');
    expect(body.endsWith(`${issueMarker(INSTANCE)}\n`)).toBe(true);
  });

  it('refuses a --report-issue that is not OWNER/REPO', () => {
    expect(parseReportRepository('ops/alerts')).toEqual({ owner: 'ops', repo: 'alerts' });
    expect(() => parseReportRepository('ops')).toThrow(/invalid --report-issue "ops": expected OWNER\/REPO/);
  });
});
