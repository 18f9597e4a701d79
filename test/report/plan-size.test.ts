// The text plan costs in proportion to the plan: a warning that a thousand operations share is counted once for
// them all, not once beside each (which made a 5,000-hook plan take 44 s to print).
import { describe, expect, it, vi } from 'vitest';
import { createPlan } from '../../src/plan/plan.js';
import type * as findings from '../../src/report/findings.js';
import { subjectsLabel } from '../../src/report/findings.js';
import { renderPlanText } from '../../src/report/plan.js';
import { desiredState, observedState } from '../plan/state.js';

vi.mock('../../src/report/findings.js', async (original) => {
  const actual = await original<typeof findings>();
  return { ...actual, subjectsLabel: vi.fn(actual.subjectsLabel) };
});

describe('a warning many operations share', () => {
  it('is labelled once for the plan, not once per operation', () => {
    const hooks = Array.from({ length: 1000 }, (_, i) => ({
      name: `hook-${i}`,
      script: `s${i}.sh`,
      script_repository: 'DevIT/hooks',
      environment: 'Default',
      enforcement: 'enabled',
    }));
    const plan = createPlan(desiredState({ hooks }), observedState({}), { syncSecrets: false });
    expect(plan.operations).toHaveLength(1000);

    const text = renderPlanText(plan, { color: false });
    // Every create points to the one blast-radius group below, which names all 1000.
    expect(text.match(/see Warnings \(1000 hooks\)/g)).toHaveLength(1000);
    expect(vi.mocked(subjectsLabel).mock.calls.length).toBeLessThanOrEqual(10);
  });
});
