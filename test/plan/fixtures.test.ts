// Table-driven planner tests: each file in test/fixtures/plan holds a desired state, an observed state, options,
// and either the operations expected in order or the refusal messages expected in order.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/errors.js';
import { createPlan, PlanRefusedError } from '../../src/plan/plan.js';
import type { Plan, PlanOptions } from '../../src/plan/types.js';
import { expectPlanInvariants, shuffled } from './invariants.js';
import { desiredState, observedState } from './state.js';

interface ExpectedOperation {
  id: string;
  /** Exactly; [] when omitted. */
  dependsOn?: string[];
  /** Exactly the keys of `changes`. */
  changedFields?: string[];
  /** A subset of `changes`. */
  changes?: Record<string, unknown>;
  /** null: no reason / no blast radius. */
  reason?: string | null;
  blastRadius?: string | null;
  /** Substrings, one per warning. */
  warnings?: string[];
  liveId?: number;
}

interface Fixture {
  file: string;
  description: string;
  desired: Record<string, unknown>;
  observed: Record<string, unknown>;
  options?: Partial<PlanOptions>;
  expect: {
    operations?: ExpectedOperation[];
    /** Matched against the plan (toMatchObject). */
    plan?: Record<string, unknown>;
    planWarnings?: string[];
    /** Substrings of the formatted diagnostics, one per reason, in order. */
    refused?: string[];
  };
}

const dir = fileURLToPath(new URL('../fixtures/plan/', import.meta.url));
const fixtures: Fixture[] = readdirSync(dir)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({ file, ...(JSON.parse(readFileSync(dir + file, 'utf8')) as Omit<Fixture, 'file'>) }));

function plan(fixture: Fixture): Plan {
  return createPlan(desiredState(fixture.desired), observedState(fixture.observed), {
    syncSecrets: false,
    ...fixture.options,
  });
}

function refusal(fixture: Fixture): PlanRefusedError {
  try {
    plan(fixture);
  } catch (error) {
    if (error instanceof PlanRefusedError) return error;
    throw error;
  }
  throw new Error(`${fixture.file}: expected a refusal, got a plan`);
}

it('finds the fixtures', () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(25);
});

describe.each(fixtures)('$file', (fixture) => {
  const { refused, operations = [], planWarnings = [] } = fixture.expect;

  if (refused) {
    it(`refuses: ${fixture.description}`, () => {
      const error = refusal(fixture);
      const messages = error.reasons.map(formatDiagnostic);
      expect(messages).toHaveLength(refused.length);
      refused.forEach((expected, i) => expect(messages[i]).toContain(expected));
      expect(error.message).toMatch(/nothing was sent\.$/);
    });
    return;
  }

  it(`plans: ${fixture.description}`, () => {
    const result = plan(fixture);
    expect(result.operations.map((op) => op.id)).toEqual(operations.map((op) => op.id));
    operations.forEach((expected, i) => {
      const op = result.operations[i]!;
      expect(op.dependsOn, `${op.id} dependsOn`).toEqual(expected.dependsOn ?? []);
      if (expected.changedFields) expect(Object.keys(op.changes).sort(), op.id).toEqual(expected.changedFields);
      if (expected.changes) expect(op.changes, op.id).toMatchObject(expected.changes);
      if (expected.reason !== undefined) expect(op.reason, `${op.id} reason`).toBe(expected.reason ?? undefined);
      if (expected.blastRadius !== undefined) expect(op.blastRadius, op.id).toBe(expected.blastRadius ?? undefined);
      if (expected.liveId !== undefined) expect('liveId' in op ? op.liveId : undefined, op.id).toBe(expected.liveId);
      if (expected.warnings) {
        expect(op.warnings, op.id).toHaveLength(expected.warnings.length);
        expected.warnings.forEach((w, j) => expect(op.warnings[j]?.message).toContain(w));
      }
    });
    if (fixture.expect.plan) expect(result).toMatchObject(fixture.expect.plan);
    expect(result.warnings).toHaveLength(planWarnings.length);
    planWarnings.forEach((w, j) => expect(result.warnings[j]?.message).toContain(w));
    expectPlanInvariants(result, desiredState(fixture.desired));
  });

  it('gives the same plan for shuffled inputs', () => {
    const desired = desiredState(fixture.desired);
    const observed = observedState(fixture.observed);
    const options = { syncSecrets: false, ...fixture.options };
    const run = (seed: number) => {
      try {
        return createPlan(
          {
            ...desired,
            environments: shuffled(desired.environments, seed),
            hooks: shuffled(desired.hooks, seed + 1),
            webhooks: shuffled(desired.webhooks, seed + 2),
          },
          {
            environments: shuffled(observed.environments, seed + 3),
            hooks: shuffled(observed.hooks, seed + 4),
            webhooks: shuffled(observed.webhooks, seed + 5),
          },
          options,
        );
      } catch (error) {
        return error instanceof PlanRefusedError ? error.reasons : error;
      }
    };
    const first = run(1);
    for (const seed of [7, 42, 1234]) expect(run(seed)).toEqual(first);
  });
});
