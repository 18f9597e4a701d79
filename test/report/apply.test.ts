// The apply renderers: every operation's outcome, failures with their errors, and after an interruption what was
// done and what was not.
import { describe, expect, it } from 'vitest';
import type { ApplyResult, OperationResult, OperationStatus } from '../../src/apply/types.js';
import { renderApplyMarkdown, renderApplyText } from '../../src/report/apply.js';
import { samplePlan, SECRET_VALUE } from './sample.js';

function result(statuses: OperationStatus[], extra: Partial<ApplyResult> = {}): ApplyResult {
  const operations = samplePlan().operations;
  const results: OperationResult[] = statuses.map((status, i) => ({
    operation: operations[i]!,
    status,
    ...(status === 'failed' && { error: 'PATCH /admin/pre-receive-hooks/10: 422 Validation Failed' }),
    ...(status === 'skipped' && { error: `depends on ${operations[0]!.id}, which failed` }),
    ...(status === 'succeeded' && { durationMs: 1234 }),
  }));
  const counts: Record<OperationStatus, number> = { succeeded: 0, failed: 0, skipped: 0, not_started: 0 };
  for (const r of results) counts[r.status] += 1;
  return { results, counts, dryRun: false, interrupted: false, ...extra };
}

describe('renderApplyText', () => {
  it('marks each operation and ends with the counts', () => {
    const text = renderApplyText(result(['succeeded', 'failed', 'skipped', 'not_started']), { color: false });
    const lines = text.split('\n');
    expect(lines[0]).toBe('  ✓ update environment "node-20" (1.2 s)');
    expect(lines[1]).toBe('  ✗ create environment "ruby": PATCH /admin/pre-receive-hooks/10: 422 Validation Failed');
    expect(lines[2]).toBe(
      '  ⊘ skipped: download environment "ruby": depends on environment:update:node-20, which failed',
    );
    expect(lines[3]).toBe('  · not started: create webhook "https://audit.example.com/hook"');
    // One closing line, not an outcome and then the counts again.
    expect(lines.at(-1)).toMatch(/^Finished with errors: 1 failed and 1 were skipped/);
    expect(text).not.toContain('Apply: ');
    expect(text).not.toContain('\x1b[');
  });

  it('says what was done and what was not after an interruption', () => {
    const text = renderApplyText(
      result(['succeeded', 'succeeded', 'not_started', 'not_started'], { interrupted: true }),
      {
        color: false,
      },
    );
    expect(text).toContain(
      'Interrupted: 2 of 4 operations were done before the run stopped; 2 were not sent. The live configuration is partly updated',
    );
    expect(text).toContain('run plan again to see what remains');
  });

  it('reports a dry run and a clean run in one line: the plan printed above already lists the operations', () => {
    const dry = renderApplyText(result(['not_started', 'not_started'], { dryRun: true }), { color: false });
    expect(dry).toBe('Dry run: nothing was sent; 2 operations would run.');
    expect(renderApplyText(result(['succeeded', 'succeeded']), { color: false })).toBe(
      'Done: all 2 operations succeeded.',
    );
    expect(renderApplyText(result(['succeeded']), { color: true })).toBe(
      '\x1b[1mDone: all 1 operations succeeded.\x1b[0m',
    );
  });
});

describe('renderApplyMarkdown', () => {
  it('shows the outcome, the counts, failures outside the collapsed list, and no secret', () => {
    const md = renderApplyMarkdown(result(['succeeded', 'failed', 'skipped', 'not_started', 'succeeded']));
    expect(md).toContain('| Succeeded | Failed | Skipped | Not started |\n|---:|---:|---:|---:|\n| 2 | 1 | 1 | 1 |\n');
    const failures = md.indexOf('**Failures**');
    const details = md.indexOf('<details><summary>All operations (5)</summary>');
    expect(failures).toBeGreaterThan(0);
    expect(details).toBeGreaterThan(failures);
    expect(md.slice(failures, details)).toContain(
      '- ✗ create environment `ruby`: PATCH /admin/pre-receive-hooks/10: 422 Validation Failed\n',
    );
    expect(md.slice(details)).toContain('- · not started: create webhook `https://audit.example.com/hook`\n');
    expect(md.trimEnd().endsWith('Apply: 2 succeeded, 1 failed, 1 skipped, 1 not started.')).toBe(true);
    expect(md).not.toContain(SECRET_VALUE);
  });

  it('stays under the limit with thousands of results', () => {
    const base = result(['failed']);
    const many: OperationResult[] = Array.from({ length: 3000 }, (_, i) => ({
      ...base.results[0]!,
      error: `error number ${i}: ${'x'.repeat(100)}`,
    }));
    const big: ApplyResult = {
      ...base,
      results: many,
      counts: { succeeded: 0, failed: 3000, skipped: 0, not_started: 0 },
    };
    const md = renderApplyMarkdown(big, { maxLength: 20_000 });
    expect(md.length).toBeLessThanOrEqual(20_000);
    expect(md).toContain('| 0 | 3000 | 0 | 0 |');
    expect(md).toMatch(/- … and \d+ more\n/);
    expect(md).toContain('Apply: 0 succeeded, 3000 failed');
  });
});
