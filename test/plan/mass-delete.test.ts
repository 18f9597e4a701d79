// The mass-delete guard over real plans: a kind whose live objects the plan deletes all of, or more than half of.
import { describe, expect, it } from 'vitest';
import { checkMassDelete } from '../../src/plan/mass-delete.js';
import { createPlan } from '../../src/plan/plan.js';
import type { Plan } from '../../src/plan/types.js';
import { desiredState, observedState } from './state.js';

const R = 'org/hooks';

function planFor(desired: Record<string, unknown>, observed: Record<string, unknown>): Plan {
  return createPlan(desiredState(desired), observedState(observed), { syncSecrets: false });
}

describe('checkMassDelete', () => {
  const webhooks = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ id: 100 + i, url: `https://h${i}.example.com` }));
  const hooks = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ id: 10 + i, name: `h${i}`, script: `${i}.sh`, script_repository: R }));

  it('flags a kind whose every live object the plan deletes', () => {
    const plan = planFor({ prune: true }, { webhooks: webhooks(3) });
    expect(checkMassDelete(plan)).toEqual(['the plan deletes all 3 live global webhooks']);
  });

  it('flags more than half, per kind', () => {
    const plan = planFor(
      {
        prune: true,
        hooks: [{ name: 'h0', script: '0.sh', script_repository: R }],
        webhooks: [{ url: 'https://h0.example.com' }],
      },
      { hooks: hooks(3), webhooks: webhooks(2) },
    );
    expect(checkMassDelete(plan)).toEqual(['the plan deletes 2 of 3 live pre-receive hooks (more than half)']);
  });

  it('lets exactly half, and plans without deletes, through', () => {
    const plan = planFor({ prune: true, webhooks: [{ url: 'https://h0.example.com' }] }, { webhooks: webhooks(2) });
    expect(plan.summary.delete).toBe(1);
    expect(checkMassDelete(plan)).toEqual([]);
    expect(checkMassDelete(planFor({}, {}))).toEqual([]);
  });

  it('does not count the default environment as live', () => {
    const plan = planFor(
      { prune: true },
      {
        environments: [
          { id: 2, name: 'a', image_url: 'https://i.example.com/a.tgz' },
          { id: 3, name: 'b', image_url: 'https://i.example.com/b.tgz' },
        ],
      },
    );
    expect(plan.liveCounts.environment).toBe(2);
    expect(checkMassDelete(plan)).toEqual(['the plan deletes all 2 live pre-receive environments']);
  });
});
