// The runner context: pull-request numbers from each kind of payload, and sensible fallbacks outside Actions.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pullRequestNumber, readRunnerContext } from '../../src/action/context.js';
import { fitSummary } from '../../src/action/summary.js';

const dir = mkdtempSync(join(tmpdir(), 'ghes-gitops-context-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function eventFile(payload: unknown): string {
  const path = join(dir, `event-${Math.random()}.json`);
  writeFileSync(path, JSON.stringify(payload));
  return path;
}

describe('pullRequestNumber', () => {
  it.each([
    [{ pull_request: { number: 7 } }, 7],
    [{ issue: { number: 8, pull_request: { url: 'x' } } }, 8],
    [{ issue: { number: 9 } }, undefined],
    [{ ref: 'refs/heads/main' }, undefined],
    [{ pull_request: { number: '7' } }, undefined],
  ])('%j → %s', (payload, number) => expect(pullRequestNumber(payload)).toBe(number));
});

describe('readRunnerContext', () => {
  it('reads the pull request, the head commit and the run link', () => {
    const context = readRunnerContext({
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventFile({ pull_request: { number: 12, head: { sha: 'abc' } } }),
      GITHUB_REPOSITORY: 'octo/admin',
      GITHUB_SERVER_URL: 'https://ghes.example.com',
      GITHUB_RUN_ID: '99',
      GITHUB_WORKSPACE: '/ws',
      RUNNER_TEMP: '/tmp/runner',
      GITHUB_SHA: 'merge',
    });
    expect(context).toEqual({
      eventName: 'pull_request',
      pullRequest: { owner: 'octo', repo: 'admin', number: 12, headSha: 'abc', fromFork: false },
      workspace: '/ws',
      runnerTemp: '/tmp/runner',
      runUrl: 'https://ghes.example.com/octo/admin/actions/runs/99',
      sha: 'merge',
      ref: '',
      repository: { owner: 'octo', repo: 'admin' },
    });
  });

  it('reads the ref and the default branch, and tells a pull request from a fork', () => {
    const push = readRunnerContext({
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: eventFile({ ref: 'refs/heads/trunk', repository: { default_branch: 'trunk' } }),
      GITHUB_REPOSITORY: 'octo/admin',
      GITHUB_REF: 'refs/heads/trunk',
    });
    expect(push).toMatchObject({ ref: 'refs/heads/trunk', defaultBranch: 'trunk' });
    const pr = (head: unknown) =>
      readRunnerContext({
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: eventFile({
          pull_request: { number: 3, head: { sha: 'h', repo: head }, base: { repo: { full_name: 'Octo/Admin' } } },
        }),
        GITHUB_REPOSITORY: 'octo/admin',
      }).pullRequest?.fromFork;
    expect(pr({ full_name: 'octo/admin', fork: true })).toBe(false);
    expect(pr({ full_name: 'someone/admin', fork: true })).toBe(true);
    expect(pr(null)).toBe(true);
  });

  it('has no pull request on push, and survives a missing or broken payload', () => {
    expect(readRunnerContext({ GITHUB_EVENT_NAME: 'push', GITHUB_REPOSITORY: 'o/r' }).pullRequest).toBeUndefined();
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{not json');
    expect(readRunnerContext({ GITHUB_EVENT_PATH: broken, GITHUB_REPOSITORY: 'o/r' }).pullRequest).toBeUndefined();
    const outside = readRunnerContext({});
    expect(outside.eventName).toBe('');
    expect(outside.workspace).toBe(process.cwd());
    expect(outside.runnerTemp).toBe(tmpdir());
  });
});

describe('fitSummary', () => {
  it('shrinks the budget until the summary fits the byte limit, counting multi-byte characters', () => {
    const budgets: number[] = [];
    const text = fitSummary((max) => {
      budgets.push(max);
      return '↓'.repeat(Math.min(max, 5000)); // 3 bytes each
    }, 6000);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(6000);
    expect(budgets).toEqual([6000, 3000, 1500]);
  });
});
