// Located diagnostics (a bad config, a refused plan) as workflow annotations on the file and line at fault.
// GitHub shows at most 10 error annotations per step, and the step's failure message is one of them: so at most
// 9 diagnostics are annotated and the failure message says how many more there are. The log lists them all.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../errors.js';

/** GitHub's cap on error (and, separately, warning) annotations per step. */
export const MAX_ANNOTATIONS_PER_STEP = 10;

export interface Annotation {
  level: 'error' | 'warning';
  message: string;
  properties: { title: string; file?: string; startLine?: number; startColumn?: number };
}

export interface AnnotationPlan {
  annotations: Annotation[];
  /** Error diagnostics not annotated. */
  omittedErrors: number;
  errors: number;
}

/** `instances/prod/hooks.yml`: relative to the workspace, forward slashes, as annotations want it. */
export function workspacePath(file: string, workspace: string, cwd = process.cwd()): string {
  const absolute = isAbsolute(file) ? file : resolve(cwd, file);
  const path = relative(workspace, absolute);
  return (path === '' ? '.' : path).split(sep).join('/');
}

/**
 * The annotations for `diagnostics`: errors first, at most MAX - 1 of them (the failure message is the last
 * error annotation), and at most MAX warnings.
 */
export function annotationsFor(diagnostics: readonly Diagnostic[], title: string, workspace: string): AnnotationPlan {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  const shownErrors = errors.slice(0, MAX_ANNOTATIONS_PER_STEP - 1);
  const annotation = (d: Diagnostic): Annotation => ({
    level: d.severity,
    message: `${d.subject ? `${d.subject}: ` : ''}${d.message}${d.hint ? `\nhint: ${d.hint}` : ''}`,
    properties: {
      title,
      ...(d.location && {
        file: workspacePath(d.location.file, workspace),
        startLine: d.location.line,
        startColumn: d.location.column,
      }),
    },
  });
  return {
    annotations: [...shownErrors, ...warnings.slice(0, MAX_ANNOTATIONS_PER_STEP)].map(annotation),
    omittedErrors: errors.length - shownErrors.length,
    errors: errors.length,
  };
}

/** The step's failure message after the annotations: the count, and "and N more" when some were not annotated. */
export function failureSummary(plan: AnnotationPlan, singular: string, plural: string): string {
  const more = plan.omittedErrors > 0 ? `, and ${plan.omittedErrors} more not annotated (the log lists them all)` : '';
  return `${plan.errors} ${plan.errors === 1 ? singular : plural}${more}. Nothing was sent.`;
}
