// Overrides in every plan format: under the hook they belong to, with the hook named when only its overrides
// change, an organization's blast radius beside it, and the target spelled out for machines in JSON.
import { describe, expect, it } from 'vitest';
import type { DesiredOverride } from '../../src/config/types.js';
import type { ObservedHookAtTarget } from '../../src/github/types.js';
import { createPlan } from '../../src/plan/plan.js';
import { renderExport } from '../../src/report/export.js';
import { renderPlanJson, renderPlanMarkdown, renderPlanText } from '../../src/report/plan.js';
import { desiredState, observedState } from '../plan/state.js';

const at = { file: 'ghes.yml', line: 3, column: 7 };
const override = (scope: DesiredOverride['scope'], target: string, enforcement: DesiredOverride['enforcement']) => ({
  scope,
  target,
  enforcement,
  location: at,
});
const seen = (id: number, enforcement: string, overridden: boolean, level: ObservedHookAtTarget['configuredAt']) => ({
  id,
  name: id === 1 ? 'Check Commits' : 'Other',
  enforcement,
  overridden,
  configuredAt: level,
});

function samplePlan() {
  const hook = { script_repository: 'DevIT/hooks', allow_downstream_configuration: true };
  const desired = desiredState({
    hooks: [
      { ...hook, name: 'Check Commits', script: 'a.sh', enforcement: 'enabled' },
      { ...hook, name: 'Other', script: 'b.sh', enforcement: 'disabled' },
    ],
  });
  desired.hooks[0]!.organizations = [override('organization', 'acme', 'disabled')];
  desired.hooks[0]!.repositories = [override('repository', 'acme/monorepo', 'inherit')];
  desired.hooks[1]!.organizations = [override('organization', 'legacy', 'testing')];
  const observed = observedState({
    hooks: [
      { ...hook, id: 1, name: 'Check Commits', script: 'a.sh', enforcement: 'testing' },
      { ...hook, id: 2, name: 'Other', script: 'b.sh', enforcement: 'disabled' },
    ],
  });
  observed.overrides = {
    organizations: [
      { scope: 'organization', name: 'acme', hooks: [seen(1, 'testing', false, { level: 'global' })] },
      {
        scope: 'organization',
        name: 'legacy',
        hooks: [seen(2, 'disabled', true, { level: 'organization', name: 'legacy' })],
      },
    ],
    repositories: [
      {
        scope: 'repository',
        name: 'acme/monorepo',
        hooks: [seen(1, 'enabled', true, { level: 'repository', name: 'acme/monorepo' })],
      },
    ],
  };
  return createPlan(desired, observed, { syncSecrets: false });
}

describe('overrides in the plan formats', () => {
  it('text: nested under their hook, with a line naming a hook that has only override changes', () => {
    const text = renderPlanText(samplePlan(), { color: false });
    expect(text).toBe(
      [
        'Pre-receive hooks:',
        '  ~ update hook "Check Commits"',
        '      enforcement: "testing" → "enabled"',
        '      ⚠ blast radius: instance-wide: every push to every repository runs this hook and is rejected when it fails',
        '    + create override in organization "acme"  (now inherits "testing" from the hook)',
        '        enforcement: "disabled"',
        '        ⚠ blast radius: organization-wide: every repository in acme without an override of its own runs with "disabled"',
        '    - delete override in repository "acme/monorepo"  (inherit: the repository follows the level above again)',
        '        enforcement: "enabled" → (none)',
        '  hook "Other":',
        '    ~ update override in organization "legacy"',
        '        enforcement: "disabled" → "testing"',
        '        ⚠ blast radius: organization-wide: every repository in legacy without an override of its own runs with "testing"',
        '',
        'Plan: 1 to create, 2 to update, 1 to delete, 0 to download.',
      ].join('\n'),
    );
  });

  it('markdown: a counts row of their own, nested diff lines, blast radius among the warnings', () => {
    const markdown = renderPlanMarkdown(samplePlan());
    expect(markdown).toContain('| Hook overrides | 1 | 1 | 1 | 0 |\n| **Total** | 1 | 2 | 1 | 0 |');
    expect(markdown).toContain(
      '<summary>Pre-receive hooks: 1 to update; overrides: 1 to create, 1 to update, 1 to delete</summary>',
    );
    expect(markdown).toContain('! update hook "Check Commits"\n!   enforcement: "testing" → "enabled"\n');
    expect(markdown).toContain('+   create override in organization "acme"  (now inherits "testing" from the hook)\n');
    expect(markdown).toContain('# hook "Other":\n!   update override in organization "legacy"\n');
    expect(markdown).toContain(
      '- ⚠ create override `Check Commits @ acme`: **organization-wide: every repository in acme without an override of its own runs with "disabled"**',
    );
  });

  it('JSON: kind override with the hook, scope and target spelled out', () => {
    const document = JSON.parse(renderPlanJson(samplePlan())) as { operations: Record<string, unknown>[] };
    expect(document.operations.filter((op) => op.kind === 'override')).toEqual([
      expect.objectContaining({
        id: 'override:create:Check Commits @ acme',
        key: 'Check Commits @ acme',
        hook: 'Check Commits',
        scope: 'organization',
        target: 'acme',
        action: 'create',
        changes: { enforcement: { from: null, to: 'disabled' } },
        dependsOn: [],
      }),
      expect.objectContaining({ id: 'override:delete:Check Commits @ acme/monorepo', scope: 'repository' }),
      expect.objectContaining({ id: 'override:update:Other @ legacy', hook: 'Other', target: 'legacy' }),
    ]);
  });

  it('a plan without overrides renders as before (no extra row)', () => {
    const plan = createPlan(desiredState({}), observedState({}), { syncSecrets: false });
    expect(renderPlanMarkdown(plan)).not.toContain('Hook overrides');
  });
});

describe('overrides in the export', () => {
  const hook = { script_repository: 'DevIT/hooks', allow_downstream_configuration: true };
  const observed = observedState({
    hooks: [
      { ...hook, id: 1, name: 'Check Commits', script: 'a.sh', enforcement: 'testing' },
      { id: 2, name: 'Other', script: 'b.sh', script_repository: 'DevIT/hooks', enforcement: 'enabled' },
    ],
  });
  observed.overrides = {
    organizations: [
      {
        scope: 'organization',
        name: 'legacy',
        hooks: [
          {
            ...seen(1, 'disabled', true, { level: 'organization', name: 'legacy' }),
            allow_downstream_configuration: false,
          },
          // Shown as overridden although the hook forbids it: a config could not declare that.
          seen(2, 'disabled', true, { level: 'organization', name: 'legacy' }),
        ],
      },
    ],
    repositories: [
      {
        scope: 'repository',
        name: 'legacy/app',
        hooks: [seen(1, 'enabled', true, { level: 'repository', name: 'legacy/app' })],
      },
      {
        scope: 'repository',
        name: 'acme/web',
        hooks: [seen(1, 'testing', false, { level: 'global' }), seen(2, 'enabled', false, { level: 'global' })],
      },
    ],
  };

  it('writes what a config can declare, and says what it leaves out', () => {
    const yaml = renderExport(observed);
    expect(yaml).toContain(
      [
        '  # repository legacy/app shows an override of this hook that a level above does not allow, so it is left out;',
        '  # remove it there, or allow downstream configuration and add it here.',
        '  - name: Check Commits',
      ].join('\n'),
    );
    expect(yaml).toContain(
      [
        '    allow_downstream_configuration: true',
        '    organizations:',
        '      legacy: { enforcement: disabled, allow_downstream_configuration: false }',
        '  # organization legacy shows',
      ].join('\n'),
    );
    expect(yaml).toContain('# organization legacy shows an override of this hook that a level above does not allow');
    expect(yaml).not.toContain('acme/web');
    expect(yaml).not.toContain('legacy/app: enabled');
  });

  it('without targets read, writes no override keys at all', () => {
    expect(renderExport({ ...observed, overrides: undefined })).not.toMatch(/organizations:|repositories:/);
  });
});
