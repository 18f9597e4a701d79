// What a run does, from the `mode` input, the event that started the workflow and the branch it is on. Pure.
// The one hard rule: nothing is ever applied from a pull request (safe-settings#378 applied on pull_request); and
// `mode: auto` applies only from the default branch (or `apply-branches`): what was reviewed and merged.
import { UserError } from '../errors.js';
import { notAppliedBecause, type BranchContext } from './branches.js';
import type { Mode } from './inputs.js';

export interface RunKind {
  /** plan: observe and report only; apply: change the instance. */
  action: 'plan' | 'apply';
  /** A scheduled run: a plan is a drift check, an apply is a drift correction. */
  drift: boolean;
  /** Why `mode: auto` plans where it would otherwise apply (a push to a branch that is not applied from). */
  notApplied?: string;
}

/** Events that run on code that is not merged yet: planning is all they may do. */
export const PULL_REQUEST_EVENTS: readonly string[] = [
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
  'merge_group',
];

/** `mode: auto`: which events apply. Everything else in auto mode is refused rather than guessed. */
const AUTO_APPLY_EVENTS: readonly string[] = ['push', 'workflow_dispatch', 'schedule'];

export function resolveRunKind(mode: Mode, eventName: string, branch: BranchContext): RunKind {
  const drift = eventName === 'schedule';
  if (PULL_REQUEST_EVENTS.includes(eventName)) {
    if (mode === 'apply') {
      throw new UserError(
        `refusing to apply on a \`${eventName}\` event: a pull request's configuration is not merged yet, and ` +
          'applying it would change the instance before review. Nothing was sent. Plan on pull requests ' +
          '(mode: auto or plan) and apply on push to the default branch.',
      );
    }
    return { action: 'plan', drift: false };
  }
  if (mode === 'plan') return { action: 'plan', drift };
  if (mode === 'apply') return { action: 'apply', drift };
  if (AUTO_APPLY_EVENTS.includes(eventName)) {
    // GitHub runs schedules on the default branch only; a push or a dispatch can be on any branch.
    const notApplied = drift ? undefined : notAppliedBecause(branch);
    return notApplied ? { action: 'plan', drift, notApplied } : { action: 'apply', drift };
  }
  const event = eventName === '' ? 'no event (GITHUB_EVENT_NAME is not set)' : `a \`${eventName}\` event`;
  throw new UserError(
    `mode: auto plans on pull requests and applies on push, workflow_dispatch and schedule; this run has ${event}. ` +
      'Set the `mode` input to plan or apply.',
  );
}

/** How the reports name what this run did. */
export function describeRunKind(kind: RunKind): string {
  if (kind.action === 'plan') return kind.drift ? 'drift check' : 'plan';
  return kind.drift ? 'drift correction' : 'apply';
}
