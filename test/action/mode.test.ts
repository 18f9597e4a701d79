// What a run does for each mode and event: table-driven, including every refusal.
import { describe, expect, it } from 'vitest';
import type { Mode } from '../../src/action/inputs.js';
import { describeRunKind, PULL_REQUEST_EVENTS, resolveRunKind } from '../../src/action/mode.js';
import { UserError } from '../../src/errors.js';

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
