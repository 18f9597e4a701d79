// The Action's run() in process (in-process.ts), from the sources, against the simulator over loopback: what a
// step does per event, what it reports (outputs, summary, annotations, the pull-request comment), how it fails, how
// a signal stops it, and that no secret shows anywhere. action.test.ts runs the bundle as a runner does.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { COMMENT_MAX_LENGTH, GITHUB_COMMENT_LIMIT } from '../../src/action/comment.js';
import { FULL_PLAN_NOTE } from '../../src/report/plan.js';
import {
  ADMIN_TOKEN,
  adminMutations,
  adminRequests,
  comments,
  CONFIG,
  fixtures,
  GITHUB_TOKEN,
  HEAD_SHA,
  PR_NUMBER,
  pullRequestPayload,
  REPOSITORY,
  SECRET_ENV,
  WEBHOOK_SECRET,
  type OnFinished,
} from './harness.js';
import { FakeProcess } from '../helpers/fake-process.js';
import { everythingShown, lines, runInProcess, type InProcessStep } from './in-process.js';

vi.mock('@actions/core', () => import('./fake-core.js'));

const HOOK_ENABLED = CONFIG.replace('enforcement: testing', 'enforcement: enabled');

async function setup(onFinished: OnFinished, files: Record<string, string> = { 'ghes-gitops.yml': CONFIG }) {
  const fx = fixtures(onFinished);
  return { fx, sim: await fx.simulator(), ws: await fx.workspace(files) };
}

function liveHooks(sim: Awaited<ReturnType<typeof setup>>['sim']) {
  return sim.state.snapshot().hooks.map((h) => ({ name: h.name, enforcement: h.enforcement }));
}

describe.concurrent('pull_request', () => {
  it('posts one sticky comment, updates it on the next run, and applies nothing', async ({ onTestFinished }) => {
    const { fx, sim, ws } = await setup(onTestFinished);

    const first = await runInProcess({ fx, sim, ws, event: 'pull_request', env: SECRET_ENV });
    expect(first.failed).toBeUndefined();
    expect(first.code).toBe(0);
    expect(first.outputs).toMatchObject({ 'has-changes': 'true', creates: '2', updates: '0', deletes: '0' });
    expect(comments(sim)).toHaveLength(1);
    const [comment] = comments(sim);
    expect(comment!.body).toContain('Plan: 2 to create, 0 to update, 0 to delete, 0 to download.');
    expect(comment!.body).toMatch(/<!-- ghes-gitops:plan api=127\.0\.0\.1:\d+\/api\/v3 config=ghes-gitops\.yml -->/);
    expect(lines(first, 'info')).toContainEqual(expect.stringMatching(/^created the plan comment: http/));
    expect(first.summary).toContain('## ghes-gitops plan');

    await ws.write('ghes-gitops.yml', HOOK_ENABLED);
    const second = await runInProcess({ fx, sim, ws, event: 'pull_request', env: SECRET_ENV });
    expect(second.code).toBe(0);
    expect(comments(sim)).toHaveLength(1);
    expect(comments(sim)[0]!.id).toBe(comment!.id);
    expect(comments(sim)[0]!.body).toContain('"enabled"');
    expect(sim.requests.filter('PATCH', `/repos/${REPOSITORY}/issues/comments/${comment!.id}`)).toHaveLength(1);
    expect(adminMutations(sim)).toEqual([]);
  });

  it('finds its comment past the first page of a busy pull request', async ({ onTestFinished }) => {
    const { fx, sim, ws } = await setup(onTestFinished);
    for (let i = 0; i < 120; i++)
      sim.state.issueComments.create(REPOSITORY, PR_NUMBER, `review remark ${i}`, 'octocat');
    expect((await runInProcess({ fx, sim, ws, event: 'pull_request', env: SECRET_ENV })).code).toBe(0);
    for (let i = 0; i < 120; i++) sim.state.issueComments.create(REPOSITORY, PR_NUMBER, `more talk ${i}`, 'octocat');

    expect((await runInProcess({ fx, sim, ws, event: 'pull_request', env: SECRET_ENV })).code).toBe(0);
    const ours = comments(sim).filter((c) => c.body.includes('<!-- ghes-gitops:plan'));
    expect(ours).toHaveLength(1);
    expect(ours[0]!.id).toBe(121);
    // It was found on page 2 of 3, so page 3 was never needed.
    const pages = sim.requests
      .filter('GET', `/repos/${REPOSITORY}/issues/${PR_NUMBER}/comments`)
      .map((r) => r.query.page ?? '1');
    expect(pages.slice(-2)).toEqual(['1', '2']);
  });

  it("never edits another account's comment that carries the marker; edits only its own", async ({
    onTestFinished,
  }) => {
    const { fx, sim, ws } = await setup(onTestFinished);
    expect((await runInProcess({ fx, sim, ws, event: 'pull_request', env: SECRET_ENV })).code).toBe(0);
    const ours = comments(sim)[0]!;
    expect(ours.user).toBe('github-actions[bot]');
    // A reviewer pastes our comment, marker and all, into one of their own; ours is gone (deleted by hand).
    sim.state.issueComments.clear();
    const pasted = sim.state.issueComments.create(REPOSITORY, PR_NUMBER, `I disagree:\n\n${ours.body}`, 'mallory');
    expect((await runInProcess({ fx, sim, ws, event: 'pull_request', env: SECRET_ENV })).code).toBe(0);
    const after = comments(sim);
    expect(after).toHaveLength(2);
    expect(after[0]).toEqual(pasted);
    expect(after[1]!.user).toBe('github-actions[bot]');

    // The next run finds its own comment again, past the pasted one, and edits it in place.
    await ws.write('ghes-gitops.yml', HOOK_ENABLED);
    expect((await runInProcess({ fx, sim, ws, event: 'pull_request', env: SECRET_ENV })).code).toBe(0);
    expect(comments(sim)).toHaveLength(2);
    expect(comments(sim)[0]).toEqual(pasted);
    expect(comments(sim)[1]!.id).toBe(after[1]!.id);
    expect(comments(sim)[1]!.body).toContain('"enabled"');
  });

  it('keeps one comment per target instance and config', async ({ onTestFinished }) => {
    const { fx, sim, ws } = await setup(onTestFinished, {
      'instances/a/ghes-gitops.yml': CONFIG,
      'instances/b/ghes-gitops.yml': CONFIG,
    });
    for (const config of ['instances/a/', 'instances/b/', 'instances/a/']) {
      const step = await runInProcess({ fx, sim, ws, event: 'pull_request', env: SECRET_ENV, inputs: { config } });
      expect(step.code).toBe(0);
    }
    expect(comments(sim).map((c) => /config=(\S+)/.exec(c.body)?.[1])).toEqual(['instances/a', 'instances/b']);
  });

  it('posts no comment with comment: false', async ({ onTestFinished }) => {
    const { fx, sim, ws } = await setup(onTestFinished);
    const step = await runInProcess({
      fx,
      sim,
      ws,
      event: 'pull_request',
      env: SECRET_ENV,
      inputs: { comment: 'false' },
    });
    expect(step.code).toBe(0);
    expect(step.summary).toContain('Plan: 2 to create');
    expect(sim.requests.filter(undefined, /\/issues\//)).toEqual([]);
  });

  it('warns, without failing, when the comment cannot be posted', async ({ onTestFinished }) => {
    const { fx, sim, ws } = await setup(onTestFinished);
    const step = await runInProcess({
      fx,
      sim,
      ws,
      event: 'pull_request',
      env: SECRET_ENV,
      inputs: { 'github-token': 'ghs_notKnownToTheServer' },
    });
    expect(step.code).toBe(0);
    expect(lines(step, 'warning')).toContainEqual(
      expect.stringMatching(/^could not post the plan comment on pull request #42: /),
    );
    expect(comments(sim)).toEqual([]);
  });

  it('refuses mode: apply, sending nothing', async ({ onTestFinished }) => {
    const { fx, sim, ws } = await setup(onTestFinished);
    const step = await runInProcess({ fx, sim, ws, event: 'pull_request', env: SECRET_ENV, inputs: { mode: 'apply' } });
    expect(step.code).toBe(1);
    expect(step.failed).toMatch(/^refusing to apply on a `pull_request` event/);
    expect(adminRequests(sim)).toEqual([]);
    expect(comments(sim)).toEqual([]);
  });

  it('replaces the plan in the comment when a later commit cannot be planned', async ({ onTestFinished }) => {
    const { fx, sim, ws } = await setup(onTestFinished);
    expect((await runInProcess({ fx, sim, ws, event: 'pull_request', env: SECRET_ENV })).code).toBe(0);
    await ws.write('ghes-gitops.yml', CONFIG.replace('enforcement: testing', 'enforcement: sometimes'));
    const step = await runInProcess({ fx, sim, ws, event: 'pull_request', env: SECRET_ENV });
    expect(step.code).toBe(1);
    expect(comments(sim)).toHaveLength(1);
    expect(comments(sim)[0]!.body).toContain('**The plan failed**');
    expect(comments(sim)[0]!.body).toContain('enforcement');
    expect(comments(sim)[0]!.body).not.toContain('Plan: 2 to create');
  });

  it('posts a plan of 1,500 hooks as one comment under the limit, pointing to the job summary', async ({
    onTestFinished,
  }) => {
    const hooks = Array.from(
      { length: 1500 },
      (_, i) =>
        `  - name: hook-${String(i).padStart(4, '0')}\n    script: scripts/check-${i}.sh\n` +
        `    script_repository: DevIT/hooks\n    environment: Default\n    enforcement: enabled\n`,
    ).join('');
    const { fx, sim, ws } = await setup(onTestFinished, { 'ghes-gitops.yml': `version: 1\nhooks:\n${hooks}` });
    // The scripts do not exist: the size of the comment is the point here, not preflight.
    const step = await runInProcess({ fx, sim, ws, event: 'pull_request', inputs: { 'skip-preflight': 'true' } });
    expect(step.code).toBe(0);
    expect(step.outputs.creates).toBe('1500');
    expect(comments(sim)).toHaveLength(1);
    const body = comments(sim)[0]!.body;
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_LENGTH);
    expect(body.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(body.length).toBeGreaterThan(COMMENT_MAX_LENGTH - 5000); // filled, not cut short
    expect(body).toContain(FULL_PLAN_NOTE);
    expect(body).toContain('| **Total** | 1500 | 0 | 0 | 0 |');
    expect(body).toMatch(/# … \d+ more operations not shown/);
    expect(body.trimEnd()).toMatch(/<!-- ghes-gitops:plan api=\S+ config=ghes-gitops\.yml -->$/);
    // The job summary holds the whole plan.
    expect(step.summary).toContain('hook-1499');
    expect(step.summary).not.toContain(FULL_PLAN_NOTE);
    expect(adminMutations(sim)).toEqual([]);
  });
});

describe.concurrent('push', () => {
  it('applies: the live state matches the config afterwards; a rerun has nothing to apply', async ({
    onTestFinished,
  }) => {
    const { fx, sim, ws } = await setup(onTestFinished);
    const step = await runInProcess({ fx, sim, ws, event: 'push', env: SECRET_ENV });
    expect(step.failed).toBeUndefined();
    expect(step.code).toBe(0);
    expect(step.outputs).toMatchObject({ 'has-changes': 'true', creates: '2' });
    expect(liveHooks(sim)).toEqual([{ name: 'Check Commits', enforcement: 'testing' }]);
    expect(sim.state.snapshot().webhooks[0]!.secret).toBe(WEBHOOK_SECRET);
    expect(step.summary).toContain('## ghes-gitops apply');
    expect(step.summary).toContain('Done: all 2 operations succeeded.');
    expect(comments(sim)).toEqual([]);
    const plan = JSON.parse(readFileSync(step.outputs['plan-file']!, 'utf8')) as { summary: unknown };
    expect(plan.summary).toEqual({ create: 2, update: 0, delete: 0, download: 0 });

    const again = await runInProcess({ fx, sim, ws, event: 'push', env: SECRET_ENV });
    expect(again.code).toBe(0);
    expect(again.outputs['has-changes']).toBe('false');
    expect(again.summary).toContain('Nothing to apply');
  });

  it('fails the step when an operation fails, after writing outputs and the summary', async ({ onTestFinished }) => {
    const { fx, sim, ws } = await setup(onTestFinished);
    sim.injectFault({ method: 'POST', pathPattern: '/admin/hooks' }, '5xx-before', 20, { status: 422 });
    const step = await runInProcess({ fx, sim, ws, event: 'push', env: SECRET_ENV });
    expect(step.code).toBe(1);
    expect(step.outputs['has-changes']).toBe('true');
    expect(step.summary).toContain('**Failures**');
    expect(step.failed).toMatch(/^1 operation\(s\) failed/);
    expect(step.failures).toHaveLength(1);
  });
});

describe.concurrent('plans that apply would refuse', () => {
  it('a pull request with a missing hook script: the plan is shown with the problem, and the check fails', async ({
    onTestFinished,
  }) => {
    const { fx, sim, ws } = await setup(onTestFinished, {
      'ghes-gitops.yml': CONFIG.replace('scripts/commit_check.sh', 'scripts/missing.sh'),
    });
    const step = await runInProcess({ fx, sim, ws, event: 'pull_request', env: SECRET_ENV });
    expect(step.code).toBe(1);
    expect(step.outputs).toMatchObject({ 'has-changes': 'true', creates: '2' });
    const annotation = step.log.find((line) => line.properties?.title === 'ghes-gitops: apply would refuse this plan');
    expect(annotation).toMatchObject({
      level: 'error',
      message: expect.stringMatching(/^hook "Check Commits": script scripts\/missing\.sh not found/) as string,
      properties: { file: 'ghes-gitops.yml', startLine: 3, startColumn: 5 },
    });
    expect(step.failed).toBe('1 problem apply would refuse. Nothing was sent.');
    // The comment is the plan, with the refusal first: not replaced by a bare error message.
    const [comment] = comments(sim);
    expect(comment!.body).toContain('**⛔ Apply would refuse this plan (1 problem)');
    expect(comment!.body).toContain('Plan: 2 to create, 0 to update, 0 to delete, 0 to download.');
    expect(step.summary).toContain('**⛔ Apply would refuse this plan (1 problem)');
    const planFile = JSON.parse(readFileSync(step.outputs['plan-file']!, 'utf8')) as { errors: unknown[] };
    expect(planFile.errors).toHaveLength(1);
    expect(adminMutations(sim)).toEqual([]);

    // skip-preflight applies to the plan as to apply.
    const skipped = await runInProcess({
      fx,
      sim,
      ws,
      event: 'pull_request',
      env: SECRET_ENV,
      inputs: { 'skip-preflight': 'true' },
    });
    expect(skipped.code).toBe(0);
    expect(comments(sim)[0]!.body).not.toContain('Apply would refuse');
    expect(comments(sim)[0]!.body).toContain('hook scripts were not checked (skip-preflight)');
  });

  it('a pull request that prunes most webhooks fails review unless allow-mass-delete is set', async ({
    onTestFinished,
  }) => {
    const { fx, sim, ws } = await setup(onTestFinished, {
      'ghes-gitops.yml': 'version: 1\nprune: { webhooks: true }\n',
    });
    sim.state.createWebhook({ url: 'https://old-1.example.com/hook', events: ['user'] });
    sim.state.createWebhook({ url: 'https://old-2.example.com/hook', events: ['user'] });
    const refused = await runInProcess({ fx, sim, ws, event: 'pull_request' });
    expect(refused.code).toBe(1);
    expect(lines(refused, 'error')).toContainEqual(
      expect.stringMatching(
        /^the plan deletes all 2 live global webhooks: apply refuses a mass delete\nhint: .*set `allow-mass-delete: true`/,
      ),
    );
    expect(comments(sim)[0]!.body).toContain(
      'the plan deletes all 2 live global webhooks: apply refuses a mass delete',
    );
    const allowed = await runInProcess({ fx, sim, ws, event: 'pull_request', inputs: { 'allow-mass-delete': 'true' } });
    expect(allowed.code).toBe(0);
    expect(comments(sim)[0]!.body).toContain('allowed (allow-mass-delete)');
    expect(adminMutations(sim)).toEqual([]);
  });

  it('annotates insecure_ssl and a plain-text secret as warnings on their lines', async ({ onTestFinished }) => {
    const config = CONFIG.replace(
      'secret: ${AUDIT_HOOK_SECRET}',
      'secret: plain-text-secret-value\n    insecure_ssl: true',
    );
    const { fx, sim, ws } = await setup(onTestFinished, { 'ghes-gitops.yml': config });
    const step = await runInProcess({ fx, sim, ws, event: 'pull_request' });
    expect(step.code).toBe(0);
    const warnings = step.log.filter((line) => line.properties?.title === 'ghes-gitops: warning');
    expect(warnings.map((w) => [w.message.split('\n')[0], w.properties?.startLine])).toEqual([
      [
        'webhook "https://audit.example.com/ghes": secret is written in the config in plain text, so everyone who can read the repository knows it',
        11,
      ],
      [
        'webhook "https://audit.example.com/ghes": insecure_ssl: true: deliveries do not verify the TLS certificate of this URL',
        12,
      ],
    ]);
    const body = comments(sim)[0]!.body;
    expect(body.split('insecure_ssl: true: deliveries').length - 1).toBe(1);
    expect(body).toContain('secret is written in the config in plain text');
    expect(body).not.toContain('plain-text-secret-value');
  });
});

describe.concurrent('apply only what was reviewed', () => {
  it('a push to another branch plans, says why, and changes nothing; apply-branches lets it apply', async ({
    onTestFinished,
  }) => {
    const { fx, sim, ws } = await setup(onTestFinished);
    const feature = { ref: 'refs/heads/feature/x', repository: { default_branch: 'main' } };
    const env = { ...SECRET_ENV, GITHUB_REF: 'refs/heads/feature/x' };
    const planned = await runInProcess({ fx, sim, ws, event: 'push', payload: feature, env });
    expect(planned.code).toBe(0);
    expect(lines(planned, 'notice')).toContainEqual(
      expect.stringMatching(/^Planned, not applied: `feature\/x` is not the default branch \(`main`\)/),
    );
    expect(planned.summary).toContain('## ghes-gitops plan');
    expect(planned.summary).toContain('**Planned, not applied**: `feature/x` is not the default branch (`main`)');
    expect(planned.outputs).toMatchObject({ 'has-changes': 'true', creates: '2' });
    const dispatched = await runInProcess({ fx, sim, ws, event: 'workflow_dispatch', payload: feature, env });
    expect(dispatched.code).toBe(0);
    expect(adminMutations(sim)).toEqual([]);

    const inputs = { 'apply-branches': 'release/*\nfeature/*' };
    const allowed = await runInProcess({ fx, sim, ws, event: 'push', payload: feature, env, inputs });
    expect(allowed.code).toBe(0);
    expect(allowed.summary).toContain('## ghes-gitops apply');
    expect(liveHooks(sim)).toEqual([{ name: 'Check Commits', enforcement: 'testing' }]);
  });

  it('comments the result on the pull request that was merged, once per commit', async ({ onTestFinished }) => {
    const { fx, sim, ws } = await setup(onTestFinished);
    sim.state.pullRequests.merged(REPOSITORY, 7, HEAD_SHA);
    sim.state.pullRequests.open(REPOSITORY, 8, [HEAD_SHA]);
    const step = await runInProcess({ fx, sim, ws, event: 'push', env: SECRET_ENV });
    expect(step.code).toBe(0);
    expect(comments(sim, 8)).toEqual([]);
    expect(comments(sim, 7)).toHaveLength(1);
    const body = comments(sim, 7)[0]!.body;
    expect(body).toMatch(/^### ghes-gitops apply: 127\.0\.0\.1:\d+\/api\/v3 · ghes-gitops\.yml\n/);
    expect(body).toContain('**Done: all 2 operations succeeded.**');
    expect(body).toContain('- ✓ create hook `Check Commits`');
    expect(body).toContain(`Applied from ${HEAD_SHA.slice(0, 7)} after the merge`);
    expect(body).not.toContain(WEBHOOK_SECRET);

    // A rerun of the same commit edits that comment; what failed is said there too.
    await ws.write('ghes-gitops.yml', CONFIG.replace('scripts/commit_check.sh', 'scripts/missing.sh'));
    const failed = await runInProcess({ fx, sim, ws, event: 'push', env: SECRET_ENV });
    expect(failed.code).toBe(1);
    expect(comments(sim, 7)).toHaveLength(1);
    expect(comments(sim, 7)[0]!.body).toContain('**The apply failed before changing anything, or stopped**');
    expect(comments(sim, 7)[0]!.body).toContain('script scripts/missing.sh not found');
  });

  it('a push with no merged pull request behind it gets no comment, and no failure', async ({ onTestFinished }) => {
    const { fx, sim, ws } = await setup(onTestFinished);
    const step = await runInProcess({ fx, sim, ws, event: 'push', env: SECRET_ENV });
    expect(step.code).toBe(0);
    expect(lines(step, 'info')).toContain(`no merged pull request contains ${HEAD_SHA.slice(0, 7)}: no apply comment`);
    expect(lines(step, 'warning')).toEqual([]);
  });

  it('a pull request from a fork, which gets no secrets, is skipped with a notice and a summary', async ({
    onTestFinished,
  }) => {
    const { fx, sim, ws } = await setup(onTestFinished);
    const payload = pullRequestPayload(PR_NUMBER, true);
    const step = await runInProcess({ fx, sim, ws, event: 'pull_request', payload, inputs: { token: '' } });
    expect(step.code).toBe(0);
    expect(lines(step, 'notice')).toContainEqual(expect.stringMatching(/^Skipped: pull request #42 comes from a fork/));
    expect(step.summary).toContain('**Skipped**: pull request #42 comes from a fork');
    expect(adminRequests(sim)).toEqual([]);

    // The same without a token on a pull request from this repository is a mistake in the workflow.
    const own = await runInProcess({ fx, sim, ws, event: 'pull_request', inputs: { token: '' } });
    expect(own.code).toBe(1);
    expect(own.failed).toMatch(/the `token` input is required/);
  });
});

describe.concurrent('refused applies', () => {
  it('refuses a mass delete unless allow-mass-delete is set, showing the plan in the summary', async ({
    onTestFinished,
  }) => {
    const { fx, sim, ws } = await setup(onTestFinished, {
      'ghes-gitops.yml': 'version: 1\nprune: { webhooks: true }\n',
    });
    sim.state.createWebhook({ url: 'https://old-1.example.com/hook', events: ['user'] });
    sim.state.createWebhook({ url: 'https://old-2.example.com/hook', events: ['user'] });

    const refused = await runInProcess({ fx, sim, ws, event: 'push' });
    expect(refused.code).toBe(1);
    expect(refused.failed).toMatch(
      /^refusing to apply: the plan deletes all 2 live global webhooks.*set `allow-mass-delete: true`/,
    );
    expect(refused.outputs).toMatchObject({ 'has-changes': 'true', deletes: '2' });
    expect(refused.summary).toContain('Plan: 0 to create, 0 to update, 2 to delete, 0 to download.');
    expect(refused.summary).toContain('ghes-gitops failed');
    expect(adminMutations(sim)).toEqual([]);

    const allowed = await runInProcess({ fx, sim, ws, event: 'push', inputs: { 'allow-mass-delete': 'true' } });
    expect(allowed.code).toBe(0);
    expect(sim.state.snapshot().webhooks).toEqual([]);
  });

  it('annotates a missing hook script (preflight) and sends nothing; skip-preflight applies anyway', async ({
    onTestFinished,
  }) => {
    const { fx, sim, ws } = await setup(onTestFinished, {
      'ghes-gitops.yml': CONFIG.replace('scripts/commit_check.sh', 'scripts/missing.sh'),
    });
    const refused = await runInProcess({ fx, sim, ws, event: 'push', env: SECRET_ENV });
    expect(refused.code).toBe(1);
    const annotation = refused.log.find((line) => line.properties?.title === 'ghes-gitops: preflight');
    expect(annotation).toMatchObject({ level: 'error', properties: { file: 'ghes-gitops.yml' } });
    expect(annotation!.properties!.startLine).toBeGreaterThan(0);
    expect(refused.failed).toMatch(/set `skip-preflight: true`/);
    expect(adminMutations(sim)).toEqual([]);

    const skipped = await runInProcess({
      fx,
      sim,
      ws,
      event: 'push',
      env: SECRET_ENV,
      inputs: { 'skip-preflight': 'true' },
    });
    expect(skipped.code).toBe(0);
    expect(lines(skipped, 'warning')).toContain('skip-preflight: hook scripts are not checked before they are used');
    expect(liveHooks(sim)).toEqual([{ name: 'Check Commits', enforcement: 'testing' }]);
  });
});

describe.concurrent('schedule', () => {
  it('corrects drift and reports what it corrected; without drift has-changes is false', async ({ onTestFinished }) => {
    const { fx, sim, ws } = await setup(onTestFinished);
    expect((await runInProcess({ fx, sim, ws, event: 'push', env: SECRET_ENV })).code).toBe(0);

    // Someone switches the hook off in the admin UI.
    const hook = sim.state.snapshot().hooks[0]!;
    sim.state.updateHook(hook.id, { enforcement: 'disabled' });
    sim.requests.clear();

    const drift = await runInProcess({ fx, sim, ws, event: 'schedule', env: SECRET_ENV });
    expect(drift.code).toBe(0);
    expect(drift.outputs).toMatchObject({ 'has-changes': 'true', updates: '1', creates: '0' });
    expect(liveHooks(sim)).toEqual([{ name: 'Check Commits', enforcement: 'testing' }]);
    expect(drift.summary).toContain('## ghes-gitops drift correction');
    expect(drift.summary).toContain('**Drift corrected**');
    expect(drift.summary).toContain('enforcement: "disabled" → "testing"');
    expect(sim.requests.filter('PATCH', `/admin/pre-receive-hooks/${hook.id}`)).toHaveLength(1);

    const quiet = await runInProcess({ fx, sim, ws, event: 'schedule', env: SECRET_ENV });
    expect(quiet.code).toBe(0);
    expect(quiet.outputs['has-changes']).toBe('false');
    expect(quiet.outputs.updates).toBe('0');
    expect(quiet.summary).toContain('**No drift**');
  });

  it('with mode: plan and fail-on-changes, detects drift, changes nothing and fails after reporting', async ({
    onTestFinished,
  }) => {
    const { fx, sim, ws } = await setup(onTestFinished);
    const inputs = { mode: 'plan', 'fail-on-changes': 'true' };
    const step = await runInProcess({ fx, sim, ws, event: 'schedule', env: SECRET_ENV, inputs });
    expect(step.code).toBe(1);
    expect(step.outputs['has-changes']).toBe('true');
    expect(step.summary).toContain('## ghes-gitops drift check');
    expect(step.summary).toContain('**Drift found**');
    expect(step.failed).toMatch(/^2 changes found and fail-on-changes is set/);
    expect(adminMutations(sim)).toEqual([]);

    // Once the live state matches, the same step passes.
    expect((await runInProcess({ fx, sim, ws, event: 'push', env: SECRET_ENV })).code).toBe(0);
    const clean = await runInProcess({ fx, sim, ws, event: 'schedule', env: SECRET_ENV, inputs });
    expect(clean.failed).toBeUndefined();
    expect(clean.code).toBe(0);
  });

  it('on a pull request, fail-on-changes fails the step but keeps the plan in the comment', async ({
    onTestFinished,
  }) => {
    const { fx, sim, ws } = await setup(onTestFinished);
    const inputs = { 'fail-on-changes': 'true' };
    const step = await runInProcess({ fx, sim, ws, event: 'pull_request', env: SECRET_ENV, inputs });
    expect(step.code).toBe(1);
    expect(step.failed).toMatch(/^2 changes found and fail-on-changes is set/);
    expect(comments(sim)[0]!.body).toContain('Plan: 2 to create');
  });
});

describe.concurrent('a broken config', () => {
  it('annotates the file and line, fails the step and sends nothing to the admin API', async ({ onTestFinished }) => {
    const { fx, sim, ws } = await setup(onTestFinished, {
      'config/ghes-gitops.yml': CONFIG.replace('enforcement: testing', 'enforcement: sometimes'),
    });
    const step = await runInProcess({
      fx,
      sim,
      ws,
      event: 'push',
      env: SECRET_ENV,
      inputs: { config: 'config/ghes-gitops.yml' },
    });
    expect(step.code).toBe(1);
    const annotation = step.log.find((line) => line.properties?.file !== undefined);
    expect(annotation).toMatchObject({
      level: 'error',
      properties: { title: 'ghes-gitops: configuration error', file: 'config/ghes-gitops.yml', startLine: 7 },
    });
    expect(annotation!.message).toMatch(/enforcement/);
    expect(step.failed).toBe('1 error in the configuration. Nothing was sent.');
    expect(adminRequests(sim)).toEqual([]);
    expect(step.summary).toContain('## ghes-gitops apply');
    expect(step.summary).toContain('ghes-gitops failed');
    expect(step.outputs).toEqual({});
  });

  it('annotates at most 9 diagnostics and says how many more there are', async ({ onTestFinished }) => {
    const hooks = Array.from(
      { length: 12 },
      (_, i) =>
        `  - name: h${i}\n    script: s${i}.sh\n    script_repository: DevIT/hooks\n    environment: Default\n` +
        `    enforcement: bogus\n`,
    ).join('');
    const { fx, sim, ws } = await setup(onTestFinished, { 'ghes-gitops.yml': `version: 1\nhooks:\n${hooks}` });
    const step = await runInProcess({ fx, sim, ws, event: 'push' });
    expect(step.code).toBe(1);
    const annotated = step.log.filter((line) => line.properties?.file === 'ghes-gitops.yml');
    expect(annotated).toHaveLength(9);
    expect(lines(step, 'error')).toHaveLength(10);
    expect(step.failed).toBe(
      '12 errors in the configuration, and 3 more not annotated (the log lists them all). Nothing was sent.',
    );
    expect(adminRequests(sim)).toEqual([]);
  });
});

describe.concurrent('secrets', () => {
  function leaks(step: InProcessStep, extra: string[] = []): string[] {
    const shown = [everythingShown(step), ...extra].join('\n');
    return [ADMIN_TOKEN, GITHUB_TOKEN, WEBHOOK_SECRET].filter((secret) => shown.includes(secret));
  }

  it('never shows the tokens or a webhook secret, and asks the runner to mask each', async ({ onTestFinished }) => {
    const { fx, sim, ws } = await setup(onTestFinished);
    const runs = [
      await runInProcess({ fx, sim, ws, event: 'pull_request', env: SECRET_ENV }),
      await runInProcess({ fx, sim, ws, event: 'push', env: SECRET_ENV }),
    ];
    sim.state.updateWebhook(sim.state.snapshot().webhooks[0]!.id, { active: false });
    const inputs = { 'sync-secrets': 'true' };
    runs.push(await runInProcess({ fx, sim, ws, event: 'schedule', env: SECRET_ENV, inputs }));
    // A failure path, with the token in an error: the API rejects it.
    const revoked = { token: `${ADMIN_TOKEN}-revoked` };
    runs.push(await runInProcess({ fx, sim, ws, event: 'push', env: SECRET_ENV, inputs: revoked }));

    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 1]);
    for (const step of runs) {
      expect(
        leaks(
          step,
          comments(sim).map((c) => c.body),
        ),
      ).toEqual([]);
      expect(step.masked).toContain(GITHUB_TOKEN);
    }
    for (const step of runs.slice(0, 3)) expect(step.masked).toContain(ADMIN_TOKEN);
    expect(runs[3]!.masked).toContain(revoked.token);
    expect(runs[0]!.masked).toContain(WEBHOOK_SECRET);
    expect(runs[3]!.failed).toMatch(/^authentication failed/);
    expect(sim.state.snapshot().webhooks[0]!.secret).toBe(WEBHOOK_SECRET);
  });

  it('redacts a secret even where the config puts it in plain text by mistake', async ({ onTestFinished }) => {
    // The hook name holds the secret value: only the Redactor stands between it and every output.
    const { fx, sim, ws } = await setup(onTestFinished, {
      'ghes-gitops.yml': CONFIG.replace('name: Check Commits', `name: ${WEBHOOK_SECRET}`),
    });
    const step = await runInProcess({ fx, sim, ws, event: 'pull_request', env: SECRET_ENV });
    expect(step.code).toBe(0);
    expect(
      leaks(
        step,
        comments(sim).map((c) => c.body),
      ),
    ).toEqual([]);
    expect(comments(sim)[0]!.body).toContain('***');
    expect(step.summary).toContain('***');
  });
});

describe.concurrent('a signal during apply', () => {
  // Every request takes 50 ms, so the run is still going when the signal comes.
  const WEBHOOKS = Array.from({ length: 8 }, (_, i) => `  - url: https://receiver-${i}.example.com/in\n`).join('');

  it.for([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s: starts nothing new, lets what is in flight finish, reports, and exits %i',
    async ([signal, code], { onTestFinished }) => {
      const fx = fixtures(onTestFinished);
      const sim = await fx.simulator({ faults: { seed: 1, latencyMs: 50 } });
      const ws = await fx.workspace({ 'ghes-gitops.yml': `version: 1\nwebhooks:\n${WEBHOOKS}` });
      const host = new FakeProcess();
      const pending = runInProcess({ fx, sim, ws, event: 'push', inputs: { concurrency: '1' }, host });
      // Interrupt once the second operation has succeeded.
      await vi.waitUntil(() => sim.state.webhooks().length >= 2, { timeout: 10_000, interval: 5 });
      host.kill(signal);
      const step = await pending;

      expect(step.code).toBe(code);
      expect(host.exits).toEqual([]);
      expect(lines(step, 'warning')).toContainEqual(expect.stringMatching(`^${signal}: starting no new operation`));
      expect(step.failed).toMatch(new RegExp(`^interrupted \\(${signal}\\)`));
      const done = sim.state.webhooks().length;
      expect(done).toBeGreaterThanOrEqual(2);
      expect(done).toBeLessThan(8);
      expect(step.summary).toMatch(new RegExp(`Interrupted: ${done} of 8 operations were done`));
      expect(sim.requests.inFlight).toBe(0);
      // Nothing listens any more: the signals' default handling is back.
      expect(host.listening()).toBe(0);
    },
  );

  it('a second signal exits at once', async ({ onTestFinished }) => {
    const fx = fixtures(onTestFinished);
    const sim = await fx.simulator({ faults: { seed: 1, latencyMs: 50 } });
    const ws = await fx.workspace({ 'ghes-gitops.yml': `version: 1\nwebhooks:\n${WEBHOOKS}` });
    const host = new FakeProcess();
    const pending = runInProcess({ fx, sim, ws, event: 'push', inputs: { concurrency: '1' }, host });
    await vi.waitUntil(() => sim.state.webhooks().length >= 1, { timeout: 10_000, interval: 5 });
    host.kill('SIGINT');
    host.kill('SIGTERM');
    expect(host.exits).toEqual([143]);
    await pending;
  });
});
