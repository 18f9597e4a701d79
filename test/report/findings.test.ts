// What a reviewer sees beside the operations: refusals first, each warning once with every object it concerns,
// in the text, the JSON and the pull-request comment; and a 200-hook change that fits one comment whole.
import { describe, expect, it } from 'vitest';
import { planCommentBody } from '../../src/action/comment.js';
import type { Finding } from '../../src/errors.js';
import { createPlan } from '../../src/plan/plan.js';
import { groupWarnings, type Findings } from '../../src/report/findings.js';
import { FULL_PLAN_NOTE, renderPlanJson, renderPlanMarkdown, renderPlanText } from '../../src/report/plan.js';
import { desiredState, observedState } from '../plan/state.js';

const BLAST = 'instance-wide: every push to every repository runs this hook and is rejected when it fails';
const TARGET = { apiUrl: 'https://ghes.example.com/api/v3', config: 'ghes-gitops.yml' };

/** `n` hooks switched to enabled, and one webhook with insecure_ssl (changed) and one (unchanged). */
function enablingPlan(n: number) {
  return createPlan(
    desiredState({
      hooks: Array.from({ length: n }, (_, i) => ({
        name: `hook-${i}`,
        script: `${i}.sh`,
        script_repository: 'org/hooks',
        enforcement: 'enabled',
      })),
      webhooks: [{ url: 'https://new.example.com', insecure_ssl: true }],
    }),
    observedState({
      hooks: Array.from({ length: n }, (_, i) => ({
        id: i + 1,
        name: `hook-${i}`,
        script: `${i}.sh`,
        script_repository: 'org/hooks',
      })),
    }),
    { syncSecrets: false },
  );
}

const insecure = (url: string, line: number): Finding<'insecure-ssl'> => ({
  severity: 'warning',
  code: 'insecure-ssl',
  subject: `webhook "${url}"`,
  message: 'insecure_ssl: true: deliveries do not verify the TLS certificate of this URL',
  location: { file: 'ghes-gitops.yml', line, column: 5 },
  hint: 'set `insecure_ssl: false`',
});

const findings: Findings = {
  errors: [
    {
      severity: 'error',
      code: 'script-not-found',
      message: 'hook "hook-3": script 3.sh not found on the default branch (main) of org/hooks',
      location: { file: 'ghes-gitops.yml', line: 14, column: 5 },
      hint: 'push the script there, or fix `script`',
    },
    {
      severity: 'error',
      code: 'mass-delete',
      message: 'the plan deletes all 2 live global webhooks: apply refuses a mass delete',
    },
  ],
  // One about a webhook the plan creates (its operation says the same), one about an unchanged webhook.
  warnings: [insecure('https://new.example.com', 30), insecure('https://kept.example.com', 40)],
};

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('warnings are grouped', () => {
  const plan = enablingPlan(40);

  it('one group per message, blast radius first, each object once', () => {
    const groups = groupWarnings(plan, findings);
    expect(groups.map((g) => [g.blast, g.subjects.length])).toEqual([
      [true, 40],
      [false, 2],
    ]);
    expect(groups[1]!.subjects).toEqual(['webhook "https://new.example.com"', 'webhook "https://kept.example.com"']);
  });

  it('text: the instance-wide sentence once, with the list of hooks', () => {
    const text = renderPlanText(plan, { color: false, findings });
    expect(count(text, BLAST)).toBe(1);
    expect(text).toContain(
      `Warnings:\n  ⚠ 40 hooks: blast radius: ${BLAST}:\n      update hook "hook-0", update hook "hook-1"`,
    );
    expect(text).toContain('      ⚠ blast radius: see Warnings (40 hooks)');
    expect(count(text, 'deliveries do not verify')).toBe(1);
    expect(text).toContain('  ⚠ 2 webhooks: insecure_ssl: true');
  });

  it('a warning about one operation stays beside it', () => {
    const text = renderPlanText(enablingPlan(1), { color: false });
    expect(text).toContain(
      `  ~ update hook "hook-0"\n      enforcement: "disabled" → "enabled"\n      ⚠ blast radius: ${BLAST}`,
    );
    expect(text).not.toContain('Warnings:');
  });

  it('the pull-request comment never says the same warning twice', () => {
    const body = planCommentBody(plan, TARGET);
    const items = body.split('\n').filter((line) => line.startsWith('- ⚠'));
    expect(new Set(items).size).toBe(items.length);
    expect(count(body, BLAST)).toBe(1);
    expect(body).toContain(`- ⚠ **40 hooks to update: ${BLAST}**: \`hook-0\`, \`hook-1\`, `);
    const withFindings = renderPlanMarkdown(plan, { findings });
    expect(count(withFindings, 'deliveries do not verify')).toBe(1);
    expect(withFindings).toContain(
      '- ⚠ 2 webhooks: insecure_ssl: true: deliveries do not verify the TLS certificate of this URL: `https://new.example.com`, `https://kept.example.com`',
    );
  });
});

describe('what apply would refuse', () => {
  const plan = enablingPlan(5);

  it('text ends with the refusals, each located, with its hint', () => {
    const text = renderPlanText(plan, { color: false, findings });
    const tail = text.slice(text.indexOf('Plan: '));
    expect(tail).toContain('✗ Apply would refuse this plan (2 problems); nothing can be applied until they are fixed:');
    expect(tail).toContain(
      '  ghes-gitops.yml:14:5: hook "hook-3": script 3.sh not found on the default branch (main) of org/hooks\n      hint: push the script there',
    );
    expect(tail).toContain('  the plan deletes all 2 live global webhooks: apply refuses a mass delete');
  });

  it('JSON has errors and warnings with their locations', () => {
    const json = JSON.parse(renderPlanJson(plan, findings)) as { errors: unknown[]; warnings: unknown[] };
    expect(json.errors).toEqual([
      {
        code: 'script-not-found',
        message: 'hook "hook-3": script 3.sh not found on the default branch (main) of org/hooks',
        location: { file: 'ghes-gitops.yml', line: 14, column: 5 },
        hint: 'push the script there, or fix `script`',
      },
      { code: 'mass-delete', message: 'the plan deletes all 2 live global webhooks: apply refuses a mass delete' },
    ]);
    expect(json.warnings).toContainEqual({
      code: 'insecure-ssl',
      message: 'insecure_ssl: true: deliveries do not verify the TLS certificate of this URL',
      subject: 'webhook "https://kept.example.com"',
      location: { file: 'ghes-gitops.yml', line: 40, column: 5 },
      hint: 'set `insecure_ssl: false`',
    });
    expect(JSON.parse(renderPlanJson(plan))).toMatchObject({ errors: [], warnings: [] });
  });

  it('the comment says so first, before the warnings and the operations', () => {
    const md = renderPlanMarkdown(plan, { findings });
    const refusal = md.indexOf('**⛔ Apply would refuse this plan (2 problems)');
    expect(refusal).toBeGreaterThan(md.indexOf('| **Total** |'));
    expect(refusal).toBeLessThan(md.indexOf('**Warnings**'));
    expect(md).toContain(
      '- `ghes-gitops.yml:14:5`: hook "hook-3": script 3.sh not found on the default branch (main) of org/hooks _(push the script there, or fix `script`)_\n',
    );
  });
});

describe('a 200-hook change fits one comment', () => {
  it.each([
    ['created', {}],
    ['enabled', 'live'],
  ])('200 hooks %s: every one shown, nothing cut', (_what, live) => {
    const hooks = Array.from({ length: 200 }, (_, i) => ({
      name: `Check commit messages for team ${i}`,
      script: `scripts/teams/team-${i}/check_commit_messages.sh`,
      script_repository: 'platform-engineering/pre-receive-hooks',
      enforcement: 'enabled',
    }));
    const plan = createPlan(
      desiredState({ hooks }),
      observedState(
        live === 'live' ? { hooks: hooks.map((h, i) => ({ ...h, id: i + 1, enforcement: 'disabled' })) } : {},
      ),
      { syncSecrets: false },
    );
    expect(plan.operations).toHaveLength(200);
    const body = planCommentBody(plan, TARGET, {
      sha: 'abcdef1234567890',
      runUrl: 'https://github.example.com/o/r/actions/runs/1',
    });
    expect(body.length).toBeLessThanOrEqual(65_000);
    expect(body).not.toContain(FULL_PLAN_NOTE);
    expect(body).not.toContain('not shown');
    for (const hook of hooks) expect(body).toContain(`hook "${hook.name}"`);
    expect(count(body, BLAST)).toBe(1);
  });
});
