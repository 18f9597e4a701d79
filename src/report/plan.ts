// Pure renderers of a Plan: terraform-like text for a terminal, JSON for machines, markdown for PR comments and
// job summaries. None of them prints a secret: field values named `secret` always show as "(sensitive)".
import { KINDS } from '../config/types.js';
import type { Kind } from '../config/types.js';
import type { Action, Operation, Plan } from '../plan/types.js';
import {
  ACTION_SYMBOLS,
  countLabel,
  describeOperation,
  describeUnmanaged,
  groupByKind,
  KIND_TITLES,
  NO_CHANGES,
  oneLine,
  operationDetails,
  painter,
  planSummaryLine,
  UNMANAGED_TITLE,
} from './format.js';
import type { Colour, LineStyle } from './format.js';
import { codeFence, DEFAULT_MAX_LENGTH, escapeHtml, fitSections, inlineCode } from './markdown.js';
import type { Section } from './markdown.js';
import { countActions, describeNestedOverride, nestOverrides, OVERRIDES_TITLE } from './overrides.js';

// ---------------------------------------------------------------------------------------------------------------
// Text

const ACTION_COLOURS: Record<Action, Colour> = { create: 'green', update: 'yellow', delete: 'red', download: 'cyan' };
const LINE_COLOURS: Record<LineStyle, Colour | undefined> = {
  field: undefined,
  warning: 'yellow',
  blast: 'red',
};

export function renderPlanText(plan: Plan, options: { color: boolean }): string {
  const paint = painter(options.color);
  const out: string[] = [];
  for (const [kind, operations] of groupByKind(plan.operations)) {
    if (operations.length === 0) continue;
    out.push(paint('bold', `${KIND_TITLES[kind]}:`));
    for (const entry of nestOverrides(operations)) {
      if ('hook' in entry) {
        out.push(`  ${paint('dim', `hook ${JSON.stringify(entry.hook)}:`)}`);
        continue;
      }
      const { op, nested } = entry;
      const indent = nested ? '    ' : '  ';
      const what = op.kind === 'override' && nested ? describeNestedOverride(op) : describeOperation(op);
      const title = `${indent}${paint(ACTION_COLOURS[op.action], `${ACTION_SYMBOLS[op.action]} ${what}`)}`;
      out.push(op.reason ? `${title}  ${paint('dim', `(${oneLine(op.reason)})`)}` : title);
      for (const line of operationDetails(op)) {
        const colour = LINE_COLOURS[line.style];
        out.push(`${indent}    ${colour ? paint(colour, line.text) : line.text}`);
      }
    }
    out.push('');
  }
  if (plan.unmanaged.length > 0) {
    out.push(paint('bold', `${UNMANAGED_TITLE}:`));
    for (const object of plan.unmanaged) out.push(`  ${describeUnmanaged(object)}`);
    out.push('');
  }
  for (const warning of plan.warnings) out.push(paint('yellow', `⚠ ${warning}`));
  if (plan.warnings.length > 0) out.push('');
  out.push(plan.operations.length > 0 ? paint('bold', planSummaryLine(plan.summary)) : NO_CHANGES);
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// JSON

/** What `plan --format json` prints: the plan's public shape, without `fields` (which hold the values apply sends). */
export function renderPlanJson(plan: Plan): string {
  const document = {
    formatVersion: plan.formatVersion,
    operations: plan.operations.map((op) => ({
      id: op.id,
      kind: op.kind,
      key: op.key,
      ...(op.kind === 'override' && { hook: op.hook, scope: op.scope, target: op.target }),
      action: op.action,
      changes: op.changes,
      dependsOn: op.dependsOn,
      ...(op.reason !== undefined && { reason: op.reason }),
      warnings: op.warnings,
      ...(op.blastRadius !== undefined && { blastRadius: op.blastRadius }),
    })),
    unmanaged: plan.unmanaged,
    summary: plan.summary,
    warnings: plan.warnings,
  };
  return JSON.stringify(document, null, 2);
}

// ---------------------------------------------------------------------------------------------------------------
// Markdown

export const FULL_PLAN_NOTE = 'The full plan is in the job summary.';

/** In the diff block: `!` lines show as changed, `#` lines as comments. */
const DIFF_MARKERS: Record<Action, string> = { create: '+', update: '!', delete: '-', download: '#' };

export interface PlanMarkdownOptions {
  title?: string;
  /** Default 65,000: under GitHub's comment limit. */
  maxLength?: number;
  /** Appended last, never cut (e.g. a hidden marker that finds the comment again). */
  footer?: string;
}

export function renderPlanMarkdown(plan: Plan, options: PlanMarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  const head =
    `### ${escapeHtml(options.title ?? 'ghes-gitops plan')}\n\n` +
    (plan.operations.length > 0
      ? `${countsTable(plan)}\n**${planSummaryLine(plan.summary)}**\n\n`
      : `${NO_CHANGES}\n\n`);
  const footer = options.footer ? `${options.footer}\n` : '';
  const sections = [warningsSection(plan), ...kindSections(plan), unmanagedSection(plan)].filter(
    (section): section is Section => section !== undefined,
  );

  const note = `> ${FULL_PLAN_NOTE}\n\n`;
  const budget = maxLength - head.length - footer.length - note.length;
  const body = fitSections(sections, budget);
  const text = head + body.text + (body.truncated ? note : '') + footer;
  // Only a title or footer longer than the limit itself gets here; cut rather than have GitHub refuse the comment.
  return text.length <= maxLength ? text : text.slice(0, Math.max(0, maxLength - note.length)) + note;
}

function countsTable(plan: Plan): string {
  const counts = new Map<Kind, Record<Action, number>>(
    KINDS.map((kind) => [kind, { create: 0, update: 0, delete: 0, download: 0 }]),
  );
  const overrides = plan.operations.filter((op) => op.kind === 'override');
  for (const op of plan.operations) if (op.kind !== 'override') counts.get(op.kind)![op.action] += 1;
  const row = (label: string, c: Record<Action, number>) =>
    `| ${label} | ${c.create} | ${c.update} | ${c.delete} | ${c.download} |\n`;
  return (
    '| | Create | Update | Delete | Download |\n|---|---:|---:|---:|---:|\n' +
    KINDS.map((kind) => row(KIND_TITLES[kind], counts.get(kind)!)).join('') +
    (overrides.length > 0 ? row(OVERRIDES_TITLE, countActions(overrides)) : '') +
    row('**Total**', plan.summary)
  );
}

function warningsSection(plan: Plan): Section | undefined {
  // Blast radius first: an instance-wide change is what a reviewer most needs to see before approving.
  const items: string[] = [];
  for (const op of plan.operations) {
    if (op.blastRadius)
      items.push(`- ⚠ ${op.action} ${op.kind} ${inlineCode(op.key)}: **${escapeHtml(op.blastRadius)}**\n`);
  }
  for (const op of plan.operations) {
    for (const warning of op.warnings)
      items.push(`- ⚠ ${op.action} ${op.kind} ${inlineCode(op.key)}: ${escapeHtml(warning)}\n`);
  }
  for (const warning of plan.warnings) items.push(`- ⚠ ${escapeHtml(warning)}\n`);
  if (items.length === 0) return undefined;
  return {
    head: '**Warnings**\n\n',
    items,
    tail: '\n',
    omitted: (n) => `- … and ${countLabel(n, 'more warning')}\n`,
  };
}

function kindSections(plan: Plan): Section[] {
  const sections: Section[] = [];
  for (const [kind, operations] of groupByKind(plan.operations)) {
    if (operations.length === 0) continue;
    const items = nestOverrides(operations).map((entry) =>
      'hook' in entry ? `# hook ${JSON.stringify(entry.hook)}:\n` : diffLines(entry.op, entry.nested),
    );
    const fence = codeFence(items);
    const overrides = operations.filter((op) => op.kind === 'override');
    const own = operations.filter((op) => op.kind !== 'override');
    const counts = [
      ...(own.length > 0 ? [kindCounts(own)] : []),
      ...(overrides.length > 0 ? [`overrides: ${kindCounts(overrides)}`] : []),
    ].join('; ');
    sections.push({
      head: `<details><summary>${KIND_TITLES[kind]}: ${counts}</summary>\n\n${fence}diff\n`,
      items,
      tail: `${fence}\n\n</details>\n\n`,
      omitted: (n) => `# … ${countLabel(n, 'more operation')} not shown\n`,
    });
  }
  return sections;
}

function kindCounts(operations: readonly Operation[]): string {
  const counts: Record<Action, number> = { create: 0, update: 0, delete: 0, download: 0 };
  for (const op of operations) counts[op.action] += 1;
  return (Object.keys(counts) as Action[])
    .filter((action) => counts[action] > 0)
    .map((action) => `${counts[action]} to ${action}`)
    .join(', ');
}

function diffLines(op: Operation, nested = false): string {
  const marker = DIFF_MARKERS[op.action];
  const indent = nested ? '  ' : '';
  const what = op.kind === 'override' && nested ? describeNestedOverride(op) : describeOperation(op);
  const title = `${marker} ${indent}${what}${op.reason ? `  (${op.reason})` : ''}`;
  const details = operationDetails(op).map((line) => `${marker}     ${indent}${line.text}`);
  return [title, ...details].map(oneLine).join('\n') + '\n';
}

function unmanagedSection(plan: Plan): Section | undefined {
  if (plan.unmanaged.length === 0) return undefined;
  return {
    head: `<details><summary>${UNMANAGED_TITLE}: ${countLabel(plan.unmanaged.length, 'live object')} left alone</summary>\n\n`,
    items: plan.unmanaged.map((o) => `- ${o.kind} ${inlineCode(o.key)} (id ${o.id})\n`),
    tail: '\n</details>\n\n',
    omitted: (n) => `- … and ${n} more\n`,
  };
}
