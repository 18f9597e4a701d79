// What a run does for each mode and event: table-driven, including every refusal.
import { describe, expect, it } from 'vitest';
import type { Mode } from '../../src/action/inputs.js';
import { describeRunKind, PULL_REQUEST_EVENTS, resolveRunKind as resolve } from '../../src/action/mode.js';
import { globMatches, notAppliedBecause, parseBranchPatterns, type BranchContext } from '../../src/action/branches.js';
import { UserError } from '../../src/errors.js';

const ON_MAIN: BranchContext = { ref: 'refs/heads/main', defaultBranch: 'main', applyBranches: [] };
const resolveRunKind = (mode: Mode, event: string, branch = ON_MAIN) => resolve(mode, event, branch);

describe('resolveRunKind', () => {
  it.each<[Mode, string, string]>([
    ['auto', 'pull_request', 'plan'],
    ['auto', 'pull_request_target', 'plan'],
    ['auto', 'merge_group', 'plan'],
    ['auto', 'push', 'apply'],
    ['auto', 'workflow_dispatch', 'apply'],
    ['auto', 'schedule', 'drift correction'],
    ['plan', 'pull_request', 'plan'],
    ['plan', 'push', 'plan'],
    ['plan', 'schedule', 'drift check'],
    ['plan', 'repository_dispatch', 'plan'],
    ['apply', 'push', 'apply'],
    ['apply', 'schedule', 'drift correction'],
    ['apply', 'repository_dispatch', 'apply'],
  ])('mode %s on %s: %s', (mode, event, expected) => {
    expect(describeRunKind(resolveRunKind(mode, event))).toBe(expected);
  });

  it.each(PULL_REQUEST_EVENTS)('never applies on %s', (event) => {
    expect(() => resolveRunKind('apply', event)).toThrow(UserError);
    expect(() => resolveRunKind('apply', event)).toThrow(
      new RegExp(`refusing to apply on a \`${event}\` event.*Nothing was sent`),
    );
    expect(resolveRunKind('auto', event).action).toBe('plan');
  });

  it('does not guess in auto mode on other events', () => {
    expect(() => resolveRunKind('auto', 'repository_dispatch')).toThrow(
      /this run has a `repository_dispatch` event\. Set the `mode` input to plan or apply/,
    );
    expect(() => resolveRunKind('auto', '')).toThrow(/GITHUB_EVENT_NAME is not set/);
  });
});

describe('which branches mode: auto applies from', () => {
  const on = (ref: string, applyBranches: string[] = [], defaultBranch: string | null = 'main'): BranchContext => ({
    ref,
    applyBranches,
    ...(defaultBranch !== null && { defaultBranch }),
  });

  it.each<[string, BranchContext, boolean]>([
    ['the default branch', on('refs/heads/main'), true],
    ['another default branch', on('refs/heads/trunk', [], 'trunk'), true],
    ['a feature branch', on('refs/heads/feature/x'), false],
    ['a branch an apply-branches pattern matches', on('refs/heads/release/2026-11', ['release/*']), true],
    ['a branch no pattern matches', on('refs/heads/release/a/b', ['release/*']), false],
    ['a deep branch ** matches', on('refs/heads/release/a/b', ['release/**']), true],
    ['a tag', on('refs/tags/v1'), false],
    ['no ref at all', on(''), false],
    ['a payload without the default branch', on('refs/heads/main', [], null), false],
  ])('push to %s', (_what, branch, applies) => {
    const kind = resolve('auto', 'push', branch);
    expect(kind.action).toBe(applies ? 'apply' : 'plan');
    expect(kind.notApplied === undefined).toBe(applies);
    expect(resolve('auto', 'workflow_dispatch', branch).action).toBe(applies ? 'apply' : 'plan');
  });

  it('says why it only plans, naming the branch, the default branch and the patterns', () => {
    expect(notAppliedBecause(on('refs/heads/feature/x', ['release/*']))).toBe(
      '`feature/x` is not the default branch (`main`) and matches no `apply-branches` pattern (`release/*`): ' +
        'mode: auto applies only what was reviewed and merged there. Add the branch to `apply-branches` to apply from it',
    );
    expect(notAppliedBecause(on('refs/tags/v1'))).toMatch(/`refs\/tags\/v1`, which is not a branch/);
  });

  it('leaves schedules (always on the default branch) and explicit modes alone', () => {
    expect(resolve('auto', 'schedule', on('refs/heads/feature/x')).action).toBe('apply');
    expect(resolve('apply', 'push', on('refs/heads/feature/x')).action).toBe('apply');
    expect(resolve('plan', 'push', on('refs/heads/main')).action).toBe('plan');
  });

  it('matches globs as GitHub branch filters do', () => {
    expect(globMatches('release/*', 'release/1')).toBe(true);
    expect(globMatches('release/*', 'release/1/2')).toBe(false);
    expect(globMatches('**', 'a/b/c')).toBe(true);
    expect(globMatches('v?.x', 'v1.x')).toBe(true);
    expect(globMatches('v?.x', 'v1-x')).toBe(false);
    expect(globMatches('a+b', 'a+b')).toBe(true);
    expect(parseBranchPatterns('release/*\n hotfix/** , \n')).toEqual(['release/*', 'hotfix/**']);
  });
});
