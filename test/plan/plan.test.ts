// Planner behaviour outside the fixture table: the refusal error, plan metadata, and a plan over 10,000 live objects.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { createPlan, PlanRefusedError } from '../../src/plan/plan.js';
import { hasChanges, type Plan } from '../../src/plan/types.js';
import { expectPlanInvariants } from './invariants.js';
import { desiredState, observedState } from './state.js';

const R = 'org/hooks';

function planFor(desired: Record<string, unknown>, observed: Record<string, unknown>): Plan {
  return createPlan(desiredState(desired), observedState(observed), { syncSecrets: false });
}

describe('PlanRefusedError', () => {
  it('is a UserError that carries every reason with its location', () => {
    const attempt = () =>
      planFor(
        {
          hooks: [{ name: 'a', script: 'a.sh', script_repository: R, environment: 'nope' }],
          webhooks: [{ url: 'https://x', secret: '********' }],
        },
        {},
      );
    expect(attempt).toThrow(PlanRefusedError);
    try {
      attempt();
    } catch (error) {
      const refused = error as PlanRefusedError;
      expect(refused).toBeInstanceOf(UserError);
      expect(refused.exitCode).toBe(1);
      expect(refused.reasons.map((r) => r.location?.line)).toEqual([10_000, 20_000]);
      expect(refused.message).toContain('The plan was refused (2 problems); nothing was sent.');
    }
  });
});

describe('plan metadata', () => {
  it('has changes exactly when it has an operation (hasChanges, behind every exit code, output and drift)', () => {
    expect(hasChanges(planFor({}, {}))).toBe(false);
    expect(hasChanges(planFor({ webhooks: [{ url: 'https://h.example.com' }] }, {}))).toBe(true);
  });

  it('keys environment ids by lower-cased live name, plus default for the built-in one', () => {
    const plan = planFor(
      {},
      {
        environments: [
          { id: 9, name: 'Default', image_url: 'githubenterprise://internal', default_environment: true },
          { id: 2, name: 'Ruby', image_url: 'x' },
        ],
      },
    );
    expect(plan.environmentIds).toEqual({ ruby: 2, default: 9 });
    expect(plan.formatVersion).toBe(1);
  });

  it('reports warnings beside operations that need them', () => {
    const plan = planFor(
      { prune: true },
      {
        environments: [
          { id: 2, name: 'busy', image_url: 'https://i.example.com/b.tgz', hooks_count: 1, download: 'in_progress' },
        ],
      },
    );
    expect(plan.operations.map((op) => op.id)).toEqual(['environment:delete:busy']);
    expect(plan.operations[0]!.warnings).toEqual([
      {
        code: 'delete-while-downloading',
        message: 'a download is in progress; GHES refuses to delete the environment until it finishes',
      },
      {
        code: 'hooks-count-mismatch',
        message: 'GHES counts 1 hooks on this environment but lists 0; it refuses the delete while any remain',
      },
    ]);
  });
});

describe('a plan over 10,000 live objects', () => {
  // 1,000 environments, 4,500 hooks and 4,500 webhooks live; the config updates, renames, moves, creates and prunes.
  const pad = (i: number) => String(i).padStart(4, '0');
  const observed = {
    environments: Array.from({ length: 1000 }, (_, i) => ({
      id: 2 + i,
      name: `env-${pad(i)}`,
      image_url: `https://e/${i}`,
    })),
    hooks: Array.from({ length: 4500 }, (_, i) => ({
      id: 10_000 + i,
      name: `hook-${pad(i)}`,
      script: `${i}.sh`,
      script_repository: R,
      environment: `env-${pad(i % 1000)}`,
    })),
    webhooks: Array.from({ length: 4500 }, (_, i) => ({ id: 20_000 + i, url: `https://w/${i}`, has_secret: true })),
  };
  const desired = {
    prune: true,
    environments: [
      ...Array.from({ length: 900 }, (_, i) => ({
        name: i >= 100 && i < 200 ? `renamed-${pad(i)}` : `env-${pad(i)}`,
        previous_names: i >= 100 && i < 200 ? [`env-${pad(i)}`] : [],
        image_url: i < 100 ? `https://e/${i}/v2` : `https://e/${i}`,
      })),
      ...Array.from({ length: 100 }, (_, i) => ({ name: `new-${pad(i)}`, image_url: `https://n/${i}` })),
    ],
    hooks: [
      ...Array.from({ length: 4000 }, (_, i) => {
        const env = i % 1000;
        return {
          name: `hook-${pad(i)}`,
          script: `${i}.sh`,
          script_repository: R,
          environment: env >= 900 ? 'Default' : env >= 100 && env < 200 ? `renamed-${pad(env)}` : `env-${pad(env)}`,
          enforcement: i % 10 === 0 ? 'enabled' : 'disabled',
        };
      }),
      ...Array.from({ length: 500 }, (_, i) => ({
        name: `new-hook-${pad(i)}`,
        script: `new-${i}.sh`,
        script_repository: R,
        environment: `new-${pad(i % 100)}`,
      })),
    ],
    webhooks: [
      ...Array.from({ length: 4000 }, (_, i) => ({
        url: `https://w/${i}`,
        secret: 's',
        events: i % 5 === 0 ? ['user'] : undefined,
      })),
      ...Array.from({ length: 500 }, (_, i) => ({ url: `https://w/new/${i}`, secret: 's' })),
    ],
  };

  it('plans every change, in a valid order', () => {
    const d = desiredState(desired);
    const plan = createPlan(d, observedState(observed), { syncSecrets: false });
    expect(plan.liveCounts).toEqual({ environment: 1000, hook: 4500, webhook: 4500 });
    // creates: 100 envs, 500 hooks, 500 webhooks; updates: 200 envs, 400 enforced + 400 moved to Default
    // (overlapping on 40), 800 webhooks; deletes: 100 envs, 500 hooks, 500 webhooks; downloads: 100 new + 100 changed.
    expect(plan.summary).toEqual({ create: 1100, update: 200 + 760 + 800, delete: 1100, download: 200 });
    expectPlanInvariants(plan, d);
    const deleteEnv = plan.operations.find((op) => op.id === 'environment:delete:env-0950')!;
    expect(deleteEnv.dependsOn).toEqual([
      'hook:update:hook-0950',
      'hook:update:hook-1950',
      'hook:update:hook-2950',
      'hook:update:hook-3950',
    ]);
  });
});
