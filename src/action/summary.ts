// The job summary of a run, as markdown: what was planned, applied or corrected, for which instance and config.
// Pure. The summary holds the full plan when it can; GitHub accepts up to 1 MiB per step, so a plan beyond that
// is shortened there too and points to the JSON plan file instead.
import type { ApplyResult } from '../apply/types.js';
import { hasChanges, type Plan } from '../plan/types.js';
import { renderApplyMarkdown } from '../report/apply.js';
import { codeFence, escapeHtml, inlineCode } from '../report/markdown.js';
import type { Findings } from '../report/findings.js';
import { FULL_PLAN_NOTE, renderPlanMarkdown } from '../report/plan.js';
import { instanceName } from '../report/markdown.js';
import { normalizeConfigPath, type CommentTarget } from './comment.js';
import { describeRunKind, type RunKind } from './mode.js';

/** GitHub's limit for one step's summary is 1 MiB; stay a little below it. */
export const SUMMARY_MAX_BYTES = 1_000_000;
const PLAN_FILE_NOTE =
  'The plan is too long to show in full here; the full plan is in the JSON file that the `plan-file` output names.';

export interface SummaryContext {
  kind: RunKind;
  target: CommentTarget;
  eventName: string;
  /** The plan's review: what apply would refuse, and the warnings. */
  findings?: Findings;
}

export function summaryHeading(context: SummaryContext): string {
  const event = context.eventName ? ` · event ${inlineCode(context.eventName)}` : '';
  return (
    `## ghes-gitops ${describeRunKind(context.kind)}\n\n` +
    `${inlineCode(instanceName(context.target.apiUrl))} · config ${inlineCode(normalizeConfigPath(context.target.config))}` +
    `${event}\n\n`
  );
}

function planSection(plan: Plan, title: string, maxLength: number, findings?: Findings): string {
  return renderPlanMarkdown(plan, { title, maxLength, ...(findings && { findings }) }).replace(
    `> ${FULL_PLAN_NOTE}`,
    `> ${PLAN_FILE_NOTE}`,
  );
}

/** A plan run: on a schedule it is a detect-only drift check. */
export function planSummary(plan: Plan, context: SummaryContext, maxLength = 600_000): string {
  const changes = plan.operations.length;
  const notApplied = context.kind.notApplied
    ? `**Planned, not applied**: ${escapeHtml(context.kind.notApplied)}.\n\n`
    : '';
  const lead = context.kind.drift
    ? hasChanges(plan)
      ? `**Drift found**: the live configuration differs from the desired state (${changes} operation${changes === 1 ? '' : 's'} would bring it back). Nothing was changed: this run only plans.\n\n`
      : '**No drift**: the live configuration matches the desired state.\n\n'
    : '';
  return summaryHeading(context) + notApplied + lead + planSection(plan, 'Plan', maxLength, context.findings);
}

/** An apply run (a drift correction on a schedule): the outcome first, then the plan it carried out. */
export function applySummary(
  plan: Plan,
  result: ApplyResult | undefined,
  context: SummaryContext,
  maxLength = 600_000,
): string {
  const heading = summaryHeading(context);
  if (result === undefined || !hasChanges(plan)) {
    const lead = context.kind.drift
      ? '**No drift**: the live configuration matches the desired state; nothing was changed.\n\n'
      : '**Nothing to apply**: the live configuration matches the desired state.\n\n';
    return heading + lead + planSection(plan, 'Plan', maxLength, context.findings);
  }
  const failed = result.counts.failed + result.counts.skipped + result.counts.not_started > 0;
  const n = plan.operations.length;
  const lead = context.kind.drift
    ? failed
      ? `**Drift found; correcting it did not fully succeed.** See the failures below.\n\n`
      : `**Drift corrected**: the live configuration had drifted from the desired state; ${n} operation${n === 1 ? '' : 's'} brought it back, as listed below.\n\n`
    : '';
  const planTitle = context.kind.drift ? 'What was corrected' : 'The plan that was applied';
  return (
    heading +
    lead +
    renderApplyMarkdown(result, { title: 'Apply', maxLength: Math.floor(maxLength / 3) }) +
    '\n' +
    planSection(plan, planTitle, maxLength - Math.floor(maxLength / 3), context.findings)
  );
}

/** Why the run failed, for the summary; the message is already free of secrets. */
export function failureSection(message: string): string {
  const limit = 100_000;
  const text = message.length > limit ? `${message.slice(0, limit)}\n… (cut; the log has it all)` : message;
  const fence = codeFence(text.split('\n'));
  return `### ${escapeHtml('ghes-gitops failed')}\n\n${fence}\n${text}\n${fence}\n`;
}

/** Renders with a shrinking budget until the summary fits GitHub's byte limit. */
export function fitSummary(render: (maxLength: number) => string, maxBytes = SUMMARY_MAX_BYTES): string {
  let maxLength = maxBytes;
  let text = render(maxLength);
  while (Buffer.byteLength(text, 'utf8') > maxBytes && maxLength > 1000) {
    maxLength = Math.floor(maxLength / 2);
    text = render(maxLength);
  }
  return text;
}
