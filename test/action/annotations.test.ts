// Located diagnostics as annotations: workspace-relative paths, GitHub's per-step cap, and the "and N more" count.
import { describe, expect, it } from 'vitest';
import { annotationsFor, failureSummary, workspacePath } from '../../src/action/annotations.js';
import type { Diagnostic } from '../../src/errors.js';

const error = (line: number, hint?: string): Diagnostic => ({
  severity: 'error',
  message: `problem on line ${line}`,
  location: { file: '/ws/instances/prod/hooks.yml', line, column: 3 },
  ...(hint && { hint }),
});

describe('annotationsFor', () => {
  it('annotates each diagnostic at its file, line and column, relative to the workspace', () => {
    const plan = annotationsFor([error(4, 'use enabled')], 'ghes-gitops: configuration error', '/ws');
    expect(plan).toEqual({
      annotations: [
        {
          level: 'error',
          message: 'problem on line 4\nhint: use enabled',
          properties: {
            title: 'ghes-gitops: configuration error',
            file: 'instances/prod/hooks.yml',
            startLine: 4,
            startColumn: 3,
          },
        },
      ],
      omittedErrors: 0,
      errors: 1,
    });
    expect(failureSummary(plan, 'error in the configuration', 'errors in the configuration')).toBe(
      '1 error in the configuration. Nothing was sent.',
    );
  });

  it.each([
    [9, 9, 0],
    [10, 9, 1],
    [25, 9, 16],
  ])('%d errors: %d annotated, %d more counted', (n, shown, omitted) => {
    const plan = annotationsFor(
      Array.from({ length: n }, (_, i) => error(i + 1)),
      't',
      '/ws',
    );
    expect(plan.annotations).toHaveLength(shown);
    expect(plan.omittedErrors).toBe(omitted);
    const message = failureSummary(plan, 'error', 'errors');
    if (omitted > 0)
      expect(message).toBe(
        `${n} errors, and ${omitted} more not annotated (the log lists them all). Nothing was sent.`,
      );
    else expect(message).toBe(`${n} errors. Nothing was sent.`);
  });

  it('annotates a diagnostic without a location with no file', () => {
    const plan = annotationsFor([{ severity: 'error', message: 'cannot read x.yml' }], 't', '/ws');
    expect(plan.annotations[0]!.properties).toEqual({ title: 't' });
  });

  it('keeps warnings apart from the error cap', () => {
    const warnings: Diagnostic[] = Array.from({ length: 3 }, (_, i) => ({ ...error(i), severity: 'warning' }));
    const plan = annotationsFor([...Array.from({ length: 12 }, (_, i) => error(i)), ...warnings], 't', '/ws');
    expect(plan.annotations.filter((a) => a.level === 'warning')).toHaveLength(3);
    expect(plan.errors).toBe(12);
  });
});

describe('workspacePath', () => {
  it.each([
    ['ghes-gitops.yml', '/ws', '/ws', 'ghes-gitops.yml'],
    ['/ws/a/b.yml', '/ws', '/elsewhere', 'a/b.yml'],
    ['b.yml', '/ws', '/ws/a', 'a/b.yml'],
  ])('%s (workspace %s, cwd %s) is %s', (file, ws, cwd, expected) => {
    expect(workspacePath(file, ws, cwd)).toBe(expected);
  });
});
