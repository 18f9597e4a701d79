// The bundled Action end to end, as a runner runs it (see harness.ts), against the simulator over loopback.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMENT_MAX_LENGTH, GITHUB_COMMENT_LIMIT } from '../../src/action/comment.js';
import { FULL_PLAN_NOTE } from '../../src/report/plan.js';
import {
  ADMIN_TOKEN,
  adminMutations,
  adminRequests,
  comments,
  CONFIG,
  GITHUB_TOKEN,
  PR_NUMBER,
  REPOSITORY,
  runStep,
  SECRET_ENV,
  simulator,
  WEBHOOK_SECRET,
  workspace,
  type StepRun,
} from './harness.js';

const HOOK_ENABLED = CONFIG.replace('enforcement: testing', 'enforcement: enabled');

function liveHooks(sim: Awaited<ReturnType<typeof simulator>>) {
  return sim.state.snapshot().hooks.map((h) => ({ name: h.name, enforcement: h.enforcement }));
}

describe('pull_request', () => {
  it('posts one sticky comment, updates it on the next run, and applies nothing', async () => {
    const sim = await simulator();
    const ws = await workspace({ 'ghes-gitops.yml': CONFIG });

    const first = await runStep({ sim, ws, event: 'pull_request', env: SECRET_ENV });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.outputs).toMatchObject({ 'has-changes': 'true', creates: '2', updates: '0', deletes: '0' });
    const [comment] = comments(sim);
    expect(comments(sim)).toHaveLength(1);
    expect(comment!.body).toContain('Plan: 2 to create, 0 to update, 0 to delete, 0 to download.');
    expect(comment!.body).toContain('<details><summary>Pre-receive hooks: 1 to create</summary>');
    expect(comment!.body).toMatch(/<!-- ghes-gitops:plan api=127\.0\.0\.1:\d+\/api\/v3 config=ghes-gitops\.yml -->/);
    expect(first.summary).toContain('## ghes-gitops plan');

    // The next push to the pull request changes the plan: the same comment is edited in place.
    await ws.write('ghes-gitops.yml', HOOK_ENABLED);
    const second = await runStep({ sim, ws, event: 'pull_request', env: SECRET_ENV });
    expect(second.code).toBe(0);
    expect(comments(sim)).toHaveLength(1);
    expect(comments(sim)[0]!.id).toBe(comment!.id);
    expect(comments(sim)[0]!.body).toContain('"enabled"');
    expect(sim.requests.filter('PATCH', `/repos/${REPOSITORY}/issues/comments/${comment!.id}`)).toHaveLength(1);

    expect(adminMutations(sim)).toEqual([]);
    expect(sim.state.snapshot().hooks).toEqual([]);
    expect(sim.state.snapshot().webhooks).toEqual([]);
  });

  it('finds its comment past the first page of a busy pull request', async () => {
    const sim = await simulator();
    const ws = await workspace({ 'ghes-gitops.yml': CONFIG });
    for (let i = 0; i < 120; i++)
      sim.state.issueComments.create(REPOSITORY, PR_NUMBER, `review remark ${i}`, 'octocat');
    expect((await runStep({ sim, ws, event: 'pull_request', env: SECRET_ENV })).code).toBe(0);
    for (let i = 0; i < 120; i++) sim.state.issueComments.create(REPOSITORY, PR_NUMBER, `more talk ${i}`, 'octocat');

    expect((await runStep({ sim, ws, event: 'pull_request', env: SECRET_ENV })).code).toBe(0);
    const ours = comments(sim).filter((c) => c.body.includes('<!-- ghes-gitops:plan'));
    expect(ours).toHaveLength(1);
    expect(ours[0]!.id).toBe(121);
    // It was found on page 2 of 3, so page 3 was never needed.
    const pages = sim.requests
      .filter('GET', `/repos/${REPOSITORY}/issues/${PR_NUMBER}/comments`)
      .map((r) => r.query.page ?? '1');
    expect(pages.slice(-2)).toEqual(['1', '2']);
  });

  it('keeps one comment per target instance and config', async () => {
    const sim = await simulator();
    const ws = await workspace({ 'instances/a/ghes-gitops.yml': CONFIG, 'instances/b/ghes-gitops.yml': CONFIG });
    for (const config of ['instances/a/', 'instances/b/', 'instances/a/']) {
      expect((await runStep({ sim, ws, event: 'pull_request', env: SECRET_ENV, inputs: { config } })).code).toBe(0);
    }
    expect(comments(sim).map((c) => /config=(\S+)/.exec(c.body)?.[1])).toEqual(['instances/a', 'instances/b']);
  });

  it('posts no comment with comment: false', async () => {
    const sim = await simulator();
    const ws = await workspace({ 'ghes-gitops.yml': CONFIG });
    const step = await runStep({ sim, ws, event: 'pull_request', env: SECRET_ENV, inputs: { comment: 'false' } });
    expect(step.code).toBe(0);
    expect(step.summary).toContain('Plan: 2 to create');
    expect(sim.requests.filter(undefined, /\/issues\//)).toEqual([]);
  });

  it('refuses mode: apply, sending nothing', async () => {
    const sim = await simulator();
    const ws = await workspace({ 'ghes-gitops.yml': CONFIG });
    const step = await runStep({ sim, ws, event: 'pull_request', env: SECRET_ENV, inputs: { mode: 'apply' } });
    expect(step.code).toBe(1);
    expect(step.stdout).toMatch(/::error::refusing to apply on a `pull_request` event/);
    expect(adminRequests(sim)).toEqual([]);
    expect(comments(sim)).toEqual([]);
  });

  it('replaces the plan in the comment when a later commit cannot be planned', async () => {
    const sim = await simulator();
    const ws = await workspace({ 'ghes-gitops.yml': CONFIG });
    expect((await runStep({ sim, ws, event: 'pull_request', env: SECRET_ENV })).code).toBe(0);
    await ws.write('ghes-gitops.yml', CONFIG.replace('enforcement: testing', 'enforcement: sometimes'));
    const step = await runStep({ sim, ws, event: 'pull_request', env: SECRET_ENV });
    expect(step.code).toBe(1);
    expect(comments(sim)).toHaveLength(1);
    expect(comments(sim)[0]!.body).toContain('**The plan failed**');
    expect(comments(sim)[0]!.body).toContain('enforcement');
    expect(comments(sim)[0]!.body).not.toContain('Plan: 2 to create');
  });

  it('posts a plan of 1,500 hooks as one comment under the limit, pointing to the job summary', async () => {
    const sim = await simulator();
    const hooks = Array.from(
      { length: 1500 },
      (_, i) =>
        `  - name: hook-${String(i).padStart(4, '0')}\n    script: scripts/check-${i}.sh\n` +
        `    script_repository: DevIT/hooks\n    environment: Default\n    enforcement: enabled\n`,
    ).join('');
    const ws = await workspace({ 'ghes-gitops.yml': `version: 1\nhooks:\n${hooks}` });
    const step = await runStep({ sim, ws, event: 'pull_request' });
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

describe('push', () => {
  it('applies: the live state matches the config afterwards', async () => {
    const sim = await simulator();
    const ws = await workspace({ 'ghes-gitops.yml': CONFIG });
    const step = await runStep({ sim, ws, event: 'push', env: SECRET_ENV });
    expect(step.stderr).toBe('');
    expect(step.code).toBe(0);
    expect(step.outputs).toMatchObject({ 'has-changes': 'true', creates: '2' });
    expect(liveHooks(sim)).toEqual([{ name: 'Check Commits', enforcement: 'testing' }]);
    const [webhook] = sim.state.snapshot().webhooks;
    expect(webhook).toMatchObject({ url: 'https://audit.example.com/ghes', content_type: 'json' });
    expect(webhook!.secret).toBe(WEBHOOK_SECRET);
    expect(step.summary).toContain('## ghes-gitops apply');
    expect(step.summary).toContain('Done: all 2 operations succeeded.');
    expect(comments(sim)).toEqual([]);

    const plan = JSON.parse(readFileSync(step.outputs['plan-file']!, 'utf8'));
    expect(plan.summary).toEqual({ create: 2, update: 0, delete: 0, download: 0 });

    const again = await runStep({ sim, ws, event: 'push', env: SECRET_ENV });
    expect(again.code).toBe(0);
    expect(again.outputs['has-changes']).toBe('false');
    expect(again.summary).toContain('Nothing to apply');
  });

  it('fails the step when an operation fails, after writing outputs and the summary', async () => {
    const sim = await simulator();
    sim.injectFault({ method: 'POST', pathPattern: '/admin/hooks' }, '5xx-before', 20, { status: 422 });
    const ws = await workspace({ 'ghes-gitops.yml': CONFIG });
    const step = await runStep({ sim, ws, event: 'push', env: SECRET_ENV });
    expect(step.code).toBe(1);
    expect(step.outputs['has-changes']).toBe('true');
    expect(step.summary).toContain('**Failures**');
    expect(step.stdout).toMatch(/::error::1 operation\(s\) failed/);
  });
});

describe('refused applies', () => {
  it('refuses a mass delete unless allow-mass-delete is set, showing the plan in the summary', async () => {
    const sim = await simulator();
    sim.state.createWebhook({ url: 'https://old-1.example.com/hook', events: ['user'] });
    sim.state.createWebhook({ url: 'https://old-2.example.com/hook', events: ['user'] });
    const ws = await workspace({ 'ghes-gitops.yml': 'version: 1\nprune: { webhooks: true }\n' });

    const refused = await runStep({ sim, ws, event: 'push' });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(
      /::error::refusing to apply: the plan deletes all 2 live global webhooks.*set `allow-mass-delete: true`/,
    );
    expect(refused.outputs).toMatchObject({ 'has-changes': 'true', deletes: '2' });
    expect(refused.summary).toContain('Plan: 0 to create, 0 to update, 2 to delete, 0 to download.');
    expect(refused.summary).toContain('ghes-gitops failed');
    expect(adminMutations(sim)).toEqual([]);

    const allowed = await runStep({ sim, ws, event: 'push', inputs: { 'allow-mass-delete': 'true' } });
    expect(allowed.code).toBe(0);
    expect(sim.state.snapshot().webhooks).toEqual([]);
  });

  it('annotates a missing hook script (preflight) and sends nothing; skip-preflight applies anyway', async () => {
    const sim = await simulator();
    const ws = await workspace({ 'ghes-gitops.yml': CONFIG.replace('scripts/commit_check.sh', 'scripts/missing.sh') });
    const refused = await runStep({ sim, ws, event: 'push', env: SECRET_ENV });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^::error title=ghes-gitops%3A preflight,file=ghes-gitops\.yml,line=\d+/m);
    expect(refused.stdout).toMatch(/set `skip-preflight: true`/);
    expect(adminMutations(sim)).toEqual([]);

    const skipped = await runStep({ sim, ws, event: 'push', env: SECRET_ENV, inputs: { 'skip-preflight': 'true' } });
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toContain('::warning::skip-preflight: hook scripts are not checked');
    expect(liveHooks(sim)).toEqual([{ name: 'Check Commits', enforcement: 'testing' }]);
  });
});

describe('schedule', () => {
  it('corrects drift and reports what it corrected; without drift has-changes is false', async () => {
    const sim = await simulator();
    const ws = await workspace({ 'ghes-gitops.yml': CONFIG });
    expect((await runStep({ sim, ws, event: 'push', env: SECRET_ENV })).code).toBe(0);

    // Someone switches the hook off in the admin UI.
    const hook = sim.state.snapshot().hooks[0]!;
    sim.state.updateHook(hook.id, { enforcement: 'disabled' });
    sim.requests.clear();

    const drift = await runStep({ sim, ws, event: 'schedule', env: SECRET_ENV });
    expect(drift.code).toBe(0);
    expect(drift.outputs).toMatchObject({ 'has-changes': 'true', updates: '1', creates: '0' });
    expect(liveHooks(sim)).toEqual([{ name: 'Check Commits', enforcement: 'testing' }]);
    expect(drift.summary).toContain('## ghes-gitops drift correction');
    expect(drift.summary).toContain('**Drift corrected**');
    expect(drift.summary).toContain('enforcement: "disabled" → "testing"');
    expect(sim.requests.filter('PATCH', `/admin/pre-receive-hooks/${hook.id}`)).toHaveLength(1);

    const quiet = await runStep({ sim, ws, event: 'schedule', env: SECRET_ENV });
    expect(quiet.code).toBe(0);
    expect(quiet.outputs['has-changes']).toBe('false');
    expect(quiet.outputs.updates).toBe('0');
    expect(quiet.summary).toContain('**No drift**');
  });

  it('with mode: plan and fail-on-changes, detects drift, changes nothing and fails after reporting', async () => {
    const sim = await simulator();
    const ws = await workspace({ 'ghes-gitops.yml': CONFIG });
    const step = await runStep({
      sim,
      ws,
      event: 'schedule',
      env: SECRET_ENV,
      inputs: { mode: 'plan', 'fail-on-changes': 'true' },
    });
    expect(step.code).toBe(1);
    expect(step.outputs['has-changes']).toBe('true');
    expect(step.summary).toContain('## ghes-gitops drift check');
    expect(step.summary).toContain('**Drift found**');
    expect(step.stdout).toMatch(/::error::2 changes found and fail-on-changes is set/);
    expect(adminMutations(sim)).toEqual([]);
  });
});

describe('a broken config', () => {
  it('annotates the file and line, fails the step and sends nothing to the admin API', async () => {
    const sim = await simulator();
    const ws = await workspace({
      'config/ghes-gitops.yml': CONFIG.replace('enforcement: testing', 'enforcement: sometimes'),
    });
    const step = await runStep({
      sim,
      ws,
      event: 'push',
      env: SECRET_ENV,
      inputs: { config: 'config/ghes-gitops.yml' },
    });
    expect(step.code).toBe(1);
    expect(step.stdout).toMatch(
      /^::error title=ghes-gitops%3A configuration error,file=config\/ghes-gitops\.yml,line=7,col=\d+::.*enforcement/m,
    );
    expect(step.stdout).toMatch(/^::error::1 error in the configuration\. Nothing was sent\.$/m);
    expect(adminRequests(sim)).toEqual([]);
    expect(step.summary).toContain('## ghes-gitops apply');
    expect(step.summary).toContain('ghes-gitops failed');
    expect(step.outputs).toEqual({});
  });

  it('annotates at most 9 diagnostics and says how many more there are', async () => {
    const sim = await simulator();
    const hooks = Array.from(
      { length: 12 },
      (_, i) =>
        `  - name: h${i}\n    script: s${i}.sh\n    script_repository: DevIT/hooks\n    environment: Default\n` +
        `    enforcement: bogus\n`,
    ).join('');
    const ws = await workspace({ 'ghes-gitops.yml': `version: 1\nhooks:\n${hooks}` });
    const step = await runStep({ sim, ws, event: 'push' });
    expect(step.code).toBe(1);
    const errors = step.stdout.split('\n').filter((line) => line.startsWith('::error'));
    expect(errors).toHaveLength(10);
    expect(errors.filter((line) => line.includes('file=ghes-gitops.yml'))).toHaveLength(9);
    expect(errors[9]).toBe(
      '::error::12 errors in the configuration, and 3 more not annotated (the log lists them all). Nothing was sent.',
    );
    expect(adminRequests(sim)).toEqual([]);
  });
});

describe('secrets', () => {
  function leaks(step: StepRun, extra: string[] = []): string[] {
    const places = {
      stdout: step.visibleStdout,
      stderr: step.stderr,
      summary: step.summary,
      outputs: JSON.stringify(step.outputs),
      planFile: step.outputs['plan-file'] ? readFileSync(step.outputs['plan-file'], 'utf8') : '',
      ...Object.fromEntries(extra.map((text, i) => [`extra${i}`, text])),
    };
    const found: string[] = [];
    for (const [where, text] of Object.entries(places)) {
      for (const secret of [ADMIN_TOKEN, GITHUB_TOKEN, WEBHOOK_SECRET]) if (text.includes(secret)) found.push(where);
    }
    return found;
  }

  it('never shows the tokens or a webhook secret, and asks the runner to mask each', async () => {
    const sim = await simulator();
    // A config that names the secret where it must not be: the error message must not echo it.
    const ws = await workspace({ 'ghes-gitops.yml': CONFIG });
    const runs = [
      await runStep({ sim, ws, event: 'pull_request', env: SECRET_ENV }),
      await runStep({ sim, ws, event: 'push', env: SECRET_ENV }),
    ];
    sim.state.updateWebhook(sim.state.snapshot().webhooks[0]!.id, { active: false });
    runs.push(await runStep({ sim, ws, event: 'schedule', env: SECRET_ENV, inputs: { 'sync-secrets': 'true' } }));
    // A failure path, with the secret in an error: the API rejects the token.
    runs.push(await runStep({ sim, ws, event: 'push', env: SECRET_ENV, inputs: { token: `${ADMIN_TOKEN}-revoked` } }));

    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 1]);
    for (const step of runs) {
      expect(
        leaks(
          step,
          comments(sim).map((c) => c.body),
        ),
      ).toEqual([]);
      expect(step.stdout).toContain(`::add-mask::${ADMIN_TOKEN}`);
      expect(step.stdout).toContain(`::add-mask::${GITHUB_TOKEN}`);
    }
    expect(runs[0]!.stdout).toContain(`::add-mask::${WEBHOOK_SECRET}`);
    expect(runs[3]!.stdout).toMatch(/::error::authentication failed/);
    // The webhook did get its secret: it was sent, just never shown.
    expect(sim.state.snapshot().webhooks[0]!.secret).toBe(WEBHOOK_SECRET);
  });

  it('redacts a secret even where the config puts it in plain text by mistake', async () => {
    const sim = await simulator();
    // The hook name holds the secret value: only the Redactor stands between it and every output.
    const ws = await workspace({
      'ghes-gitops.yml': CONFIG.replace('name: Check Commits', `name: ${WEBHOOK_SECRET}`),
    });
    const step = await runStep({ sim, ws, event: 'pull_request', env: SECRET_ENV });
    expect(step.code).toBe(0);
    expect(
      leaks(
        step,
        comments(sim).map((c) => c.body),
      ),
    ).toEqual([]);
    expect(comments(sim)[0]!.body).toContain('***');
  });
});
