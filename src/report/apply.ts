// Pure renderers of an apply result: what was done, what failed and why, and what was never sent, so that after
// a failure or an interruption the reader knows the state the instance was left in.
import type { ApplyResult, OperationResult, OperationStatus } from '../apply/types.js';
import type { Plan } from '../plan/types.js';
import type { Findings } from './findings.js';
import { describeOperation, oneLine, painter } from './format.js';
import { DEFAULT_MAX_LENGTH, escapeHtml, fitSections, inlineCode } from './markdown.js';
import type { Section } from './markdown.js';
import { operationJson, planDocument } from './plan.js';

const STATUS_MARKS: Record<OperationStatus, string> = {
  succeeded: '✓',
  failed: '✗',
  skipped: '⊘ skipped:',
  not_started: '· not started:',
};

export function applyCountLine(result: ApplyResult): string {
  const c = result.counts;
  return `Apply: ${c.succeeded} succeeded, ${c.failed} failed, ${c.skipped} skipped, ${c.not_started} not started.`;
}

/** The sentence that says where the run left the instance; the reader's first question after anything but success. */
export function applyOutcome(result: ApplyResult): string {
  const { succeeded, failed, skipped, not_started: notStarted } = result.counts;
  const total = result.results.length;
  if (result.dryRun) return `Dry run: nothing was sent; ${total} operation${total === 1 ? '' : 's'} would run.`;
  if (result.interrupted) {
    return (
      `Interrupted: ${succeeded} of ${total} operations were done before the run stopped` +
      (failed > 0 ? ` and ${failed} failed` : '') +
      `; ${notStarted + skipped} were not sent. The live configuration is partly updated: ` +
      'run plan again to see what remains (every run starts from the live state).'
    );
  }
  if (failed > 0 || skipped > 0) {
    return (
      `Finished with errors: ${failed} failed and ${skipped} were skipped because an operation they depend on did not ` +
      `succeed; the other ${succeeded} were done. Fix the cause and apply again: only what still differs is sent.`
    );
  }
  return `Done: all ${total} operations succeeded.`;
}

function duration(result: OperationResult): string {
  return result.durationMs === undefined ? '' : ` (${(result.durationMs / 1000).toFixed(1)} s)`;
}

/**
 * What apply prints after the plan: one closing line when every operation succeeded (or on a dry run), since the
 * plan above already lists them; otherwise each operation's outcome first, so the reader knows what was done.
 */
export function renderApplyText(result: ApplyResult, options: { color: boolean }): string {
  const paint = painter(options.color);
  const outcome = applyOutcome(result);
  const clean = result.counts.succeeded === result.results.length && !result.interrupted;
  if (result.dryRun || clean) return paint('bold', outcome);
  const colours = { succeeded: 'green', failed: 'red', skipped: 'yellow', not_started: 'dim' } as const;
  const out = result.results.map((r) => {
    const line = `  ${paint(colours[r.status], `${STATUS_MARKS[r.status]} ${describeOperation(r.operation)}`)}`;
    return line + (r.error ? `: ${r.error}` : '') + (r.status === 'succeeded' ? paint('dim', duration(r)) : '');
  });
  out.push('', paint('red', outcome));
  return out.join('\n');
}

export interface ApplyMarkdownOptions {
  title?: string;
  /** Default 65,000: under GitHub's comment limit. */
  maxLength?: number;
}

export function renderApplyMarkdown(result: ApplyResult, options: ApplyMarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  const c = result.counts;
  const head =
    `### ${escapeHtml(options.title ?? 'ghes-gitops apply')}\n\n` +
    `**${escapeHtml(applyOutcome(result))}**\n\n` +
    `| Succeeded | Failed | Skipped | Not started |\n|---:|---:|---:|---:|\n` +
    `| ${c.succeeded} | ${c.failed} | ${c.skipped} | ${c.not_started} |\n\n`;
  const line = (r: OperationResult) =>
    `- ${STATUS_MARKS[r.status]} ${r.operation.action} ${r.operation.kind} ${inlineCode(r.operation.key)}` +
    (r.error ? `: ${escapeHtml(oneLine(r.error))}` : '') +
    '\n';
  const problems = result.results.filter((r) => r.status === 'failed' || r.status === 'skipped');
  const sections: Section[] = [];
  if (problems.length > 0) {
    sections.push({
      head: '**Failures**\n\n',
      items: problems.map(line),
      tail: '\n',
      omitted: (n) => `- … and ${n} more\n`,
    });
  }
  if (result.results.length > 0) {
    sections.push({
      head: `<details><summary>All operations (${result.results.length})</summary>\n\n`,
      items: result.results.map(line),
      tail: '\n</details>\n',
      omitted: (n) => `- … and ${n} more\n`,
    });
  }
  const tail = `\n${applyCountLine(result)}\n`;
  const body = fitSections(sections, maxLength - head.length - tail.length);
  const text = head + body.text + tail;
  return text.length <= maxLength ? text : text.slice(0, maxLength);
}

/**
 * `apply --format json`: always `{ plan, result }`, the result of a run with nothing to do included, so a reader
 * never has to tell two shapes apart. Each result names its operation in the plan's public shape.
 */
export function renderApplyJson(plan: Plan, result: ApplyResult, findings: Findings): string {
  const results = result.results.map(({ operation, ...outcome }) => ({
    operation: operationJson(operation),
    ...outcome,
  }));
  return JSON.stringify({ plan: planDocument(plan, findings), result: { ...result, results } }, null, 2);
}
