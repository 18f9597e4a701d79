// The plan renderers: what a terminal, a machine and a PR reader see, and that no secret reaches any of them.
import { describe, expect, it } from 'vitest';
import { createPlan } from '../../src/plan/plan.js';
import type { Plan } from '../../src/plan/types.js';
import { FULL_PLAN_NOTE, renderPlanJson, renderPlanMarkdown, renderPlanText } from '../../src/report/plan.js';
import { desiredState, observedState } from '../plan/state.js';
import { samplePlan, SECRET_VALUE } from './sample.js';

const ESC = '\x1b[';
const ANSI_CODE = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g');

describe('a webhook update that sends the configured secret again', () => {
  const plan = createPlan(
    desiredState({ webhooks: [{ url: 'https://audit.example.com/hook', secret: SECRET_VALUE, active: false }] }),
    observedState({ webhooks: [{ id: 5, url: 'https://audit.example.com/hook', has_secret: true }] }),
    { syncSecrets: false },
  );

  it('says so in every format, without the secret', () => {
    const text = renderPlanText(plan, { color: false });
    const markdown = renderPlanMarkdown(plan);
    const json = JSON.parse(renderPlanJson(plan)) as { operations: { changes: Record<string, unknown> }[] };
    expect(text).toMatch(/\n {6}secret: +\(sensitive, sent again\)\n/);
    expect(markdown).toMatch(/secret: +\(sensitive, sent again\)\n/);
    expect(json.operations[0]!.changes.secret).toEqual({ from: '(sensitive)', to: '(sensitive, sent again)' });
    for (const output of [text, markdown, JSON.stringify(json)]) expect(output).not.toContain(SECRET_VALUE);
  });
});

describe('blast radius of a new image and of downstream configuration taken away', () => {
  const hook = { script: 'g.sh', script_repository: 'org/hooks', environment: 'ruby', enforcement: 'enabled' };
  const plan = createPlan(
    desiredState({
      environments: [{ name: 'ruby', image_url: 'https://example.com/ruby-v2.tar.gz' }],
      hooks: [{ name: 'gate', ...hook, allow_downstream_configuration: false }],
    }),
    observedState({
      environments: [{ id: 2, name: 'ruby', image_url: 'https://example.com/ruby-v1.tar.gz' }],
      hooks: [{ id: 10, name: 'gate', ...hook, allow_downstream_configuration: true }],
    }),
    { syncSecrets: false },
  );

  it('is shown in every format', () => {
    const text = renderPlanText(plan, { color: false });
    const markdown = renderPlanMarkdown(plan);
    const json = renderPlanJson(plan);
    const image = 'instance-wide: hook "gate" runs in this environment';
    const downstream = 'organization and repository admins can no longer change this hook';
    expect(text).toContain(`⚠ blast radius: ${image}`);
    // The comment lists each warning once, under Warnings, naming its operation.
    expect(markdown).toContain(`⚠ update environment \`ruby\`: **${image}`);
    for (const output of [text, markdown]) expect(output).toContain(downstream);
    const operations = (JSON.parse(json) as { operations: { id: string; blastRadius?: string }[] }).operations;
    expect(operations.find((op) => op.id === 'environment:update:ruby')?.blastRadius).toContain(image);
    expect(operations.find((op) => op.id === 'hook:update:gate')?.blastRadius).toContain(downstream);
  });
});

describe('renderPlanText', () => {
  const text = renderPlanText(samplePlan(), { color: false });

  it('shows each action with its symbol under a header per kind', () => {
    expect(text).toContain('Pre-receive environments:\n  ~ update environment "node-20"  (renamed from "node")\n');
    expect(text).toContain('      name: "node" → "node-20"\n  + create environment "ruby"\n');
    expect(text).toContain('  ↓ download environment "ruby"  (new environment)');
    expect(text).toContain('Pre-receive hooks:\n');
    expect(text).toContain(
      '  - delete hook "old"  (pruned)\n      ⚠ blast radius: removes an enforced check from every repository',
    );
    expect(text).toContain('Global webhooks:\n');
    expect(text).toContain('      enforcement: "disabled" → "testing"');
  });

  it('shows warnings, and secrets only as (sensitive)', () => {
    expect(text).toContain('      ⚠ insecure_ssl: true: deliveries do not verify the TLS certificate of this URL');
    expect(text).toMatch(/secret: +\(sensitive\)\n/);
    expect(text).toContain('secret: (sensitive) → (none)');
    expect(text).not.toContain(SECRET_VALUE);
  });

  it('lists unmanaged objects and ends with the counts', () => {
    expect(text).toContain('Not managed (prune is off):\n  environment "legacy" (id 3)\n');
    expect(text.endsWith('\nPlan: 3 to create, 3 to update, 2 to delete, 1 to download.')).toBe(true);
    expect(text).not.toContain(ESC);
  });

  it('colours only when asked', () => {
    const coloured = renderPlanText(samplePlan(), { color: true });
    expect(coloured).toContain('\x1b[32m+ create environment "ruby"\x1b[0m');
    expect(coloured).toContain('\x1b[31m- delete hook "old"\x1b[0m');
    expect(coloured.replace(ANSI_CODE, '')).toBe(text);
  });

  it('says so when nothing changes', () => {
    const empty = createPlan(desiredState({}), observedState({}), { syncSecrets: false });
    expect(renderPlanText(empty, { color: false })).toBe(
      'No changes. The live configuration matches the desired state.',
    );
  });
});

describe('renderPlanJson', () => {
  const plan = samplePlan();
  const json = renderPlanJson(plan);
  const parsed = JSON.parse(json) as {
    formatVersion: number;
    operations: Record<string, unknown>[];
    unmanaged: unknown[];
    summary: Record<string, number>;
  };

  it('has the documented shape, without fields', () => {
    expect(parsed.formatVersion).toBe(1);
    expect(parsed.summary).toEqual({ create: 3, update: 3, delete: 2, download: 1 });
    expect(parsed.unmanaged).toEqual([{ kind: 'environment', key: 'legacy', id: 3 }]);
    expect(parsed.operations.map((op) => op.id)).toEqual(plan.operations.map((op) => op.id));
    for (const op of parsed.operations) {
      expect(
        Object.keys(op).every((k) =>
          [
            'id',
            'kind',
            'key',
            'action',
            'changes',
            'dependsOn',
            'reason',
            'reasonCode',
            'warnings',
            'warningCodes',
            'blastRadius',
            'blastRadiusCodes',
          ].includes(k),
        ),
      ).toBe(true);
    }
    const deleted = parsed.operations.find((op) => op.id === 'hook:delete:old')!;
    expect(deleted).toEqual({
      id: 'hook:delete:old',
      kind: 'hook',
      key: 'old',
      action: 'delete',
      changes: {},
      dependsOn: [],
      reason: 'pruned',
      reasonCode: 'pruned',
      warnings: [],
      warningCodes: [],
      blastRadius: 'removes an enforced check from every repository',
      blastRadiusCodes: ['blast-removed'],
    });
    expect(json).toContain('\n  "operations": [\n');
  });

  it('never includes a secret value', () => {
    expect(json).not.toContain(SECRET_VALUE);
    const created = parsed.operations.find((op) => op.id === 'webhook:create:https://audit.example.com/hook')!;
    expect((created.changes as Record<string, unknown>).secret).toEqual({ from: null, to: '(sensitive)' });
  });
});

/** A plan with `n` hook creates and `n` webhook creates, every one with a blast radius or a warning. */
function bigPlan(n: number): Plan {
  return createPlan(
    desiredState({
      hooks: Array.from({ length: n }, (_, i) => ({
        name: `hook-${i}`,
        script: `${i}.sh`,
        script_repository: 'org/hooks',
        enforcement: 'enabled',
      })),
      webhooks: Array.from({ length: n }, (_, i) => ({
        url: `https://w.example.com/${i}`,
        insecure_ssl: true,
        secret: 's',
      })),
    }),
    observedState({ environments: [{ id: 2, name: 'legacy', image_url: 'x' }] }),
    { syncSecrets: false },
  );
}

describe('renderPlanMarkdown', () => {
  it('opens with the counts per action, then a collapsible section per kind', () => {
    const md = renderPlanMarkdown(samplePlan(), { title: 'Plan for ghes.example.com' });
    expect(md.startsWith('### Plan for ghes.example.com\n\n| | Create | Update | Delete | Download |\n')).toBe(true);
    expect(md).toContain('| Pre-receive hooks | 1 | 1 | 1 | 0 |\n');
    expect(md).toContain('| **Total** | 3 | 3 | 2 | 1 |\n');
    expect(md).toContain(
      '<details><summary>Pre-receive environments: 1 to create, 1 to update, 1 to download</summary>\n\n```diff\n! update environment "node-20"  (renamed from "node")\n',
    );
    expect(md).toContain('- delete webhook "https://gone.example.com"  (pruned)\n');
    expect(md).toContain('! update hook "size"\n!   enforcement: "disabled" → "testing"\n');
    expect(md).toContain(
      '<summary>Not managed (prune is off): 1 live object left alone</summary>\n\n- environment `legacy` (id 3)\n',
    );
    expect(md).not.toContain(SECRET_VALUE);
    expect(md).not.toContain(FULL_PLAN_NOTE);
  });

  it('lists warnings and blast radius outside the collapsed sections', () => {
    const md = renderPlanMarkdown(samplePlan(), {});
    const firstDetails = md.indexOf('<details>');
    const blast = md.indexOf('- ⚠ delete hook `old`: **removes an enforced check from every repository**');
    expect(blast).toBeGreaterThan(0);
    expect(blast).toBeLessThan(firstDetails);
    const insecure = md.indexOf('- ⚠ webhook `https://audit.example.com/hook`: insecure_ssl: true');
    // Blast radius before ordinary warnings, though the webhook comes first in execution order.
    expect(insecure).toBeGreaterThan(blast);
    expect(insecure).toBeLessThan(firstDetails);
  });

  it('says so when nothing changes, and keeps the footer last', () => {
    const empty = createPlan(desiredState({}), observedState({}), { syncSecrets: false });
    const md = renderPlanMarkdown(empty, { footer: '<!-- ghes-gitops:plan -->' });
    expect(md).toBe(
      '### ghes-gitops plan\n\nNo changes. The live configuration matches the desired state.\n\n<!-- ghes-gitops:plan -->\n',
    );
  });

  it('keeps a name with backticks inside its code block', () => {
    const plan = createPlan(
      desiredState({ hooks: [{ name: 'evil```name', script: 'a.sh', script_repository: 'o/r' }] }),
      observedState({}),
      { syncSecrets: false },
    );
    const md = renderPlanMarkdown(plan, {});
    expect(md).toContain('\n````diff\n+ create hook "evil```name"\n');
    expect(md).toContain('\n````\n\n</details>');
  });

  it.each([
    [1_500, undefined],
    [2_000, 65_000],
    [800, 10_000],
    [1_500, 2_000],
  ])('stays under the limit with %i operations per kind (maxLength %s)', (n, maxLength) => {
    const plan = bigPlan(n);
    const full = renderPlanMarkdown(plan, { maxLength: 100_000_000 });
    expect(full.length).toBeGreaterThan(maxLength ?? 65_000);
    const md = renderPlanMarkdown(plan, { maxLength, footer: '<!-- marker -->' });
    expect(md.length).toBeLessThanOrEqual(maxLength ?? 65_000);
    expect(md).toContain(`> ${FULL_PLAN_NOTE}`);
    expect(md.endsWith('<!-- marker -->\n')).toBe(true);
    expect(md).toContain('| **Total** |');
    // Every kind keeps its section and a closed code block; the rest is counted, not silently dropped.
    expect(md).toContain('<summary>Pre-receive hooks: ');
    expect(md).toContain('<summary>Global webhooks: ');
    expect(md.match(/```diff\n/g)?.length).toBe(2);
    expect(md.match(/\n```\n\n<\/details>/g)?.length).toBe(2);
    expect(md).toMatch(/# … \d+ more operations not shown\n/);
  });

  it('shares the space between kinds, so a huge kind does not hide a small one', () => {
    const plan = createPlan(
      desiredState({
        environments: [{ name: 'small', image_url: 'x' }],
        webhooks: Array.from({ length: 3000 }, (_, i) => ({ url: `https://w.example.com/${i}` })),
      }),
      observedState({}),
      { syncSecrets: false },
    );
    const md = renderPlanMarkdown(plan, {});
    expect(md.length).toBeLessThanOrEqual(65_000);
    expect(md).toContain('+ create environment "small"\n');
    expect(md).toContain('# download environment "small"');
  });
});
