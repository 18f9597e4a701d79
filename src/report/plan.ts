// Pure renderers of a Plan: terraform-like text for a terminal, JSON for machines, markdown for PR comments and
// job summaries. None of them prints a secret: field values named `secret` always show as "(sensitive)".
import { KINDS } from '../config/types.js';
import type { Kind } from '../config/types.js';
import { hasChanges, type Action, type Operation, type Plan } from '../plan/types.js';
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
import type { Finding } from '../errors.js';
import type { ErrorCode, WarningCode } from '../finding-codes.js';
import {
  groupWarnings,
  NO_FINDINGS,
  refusalHeading,
  refusalLine,
  subjectsLabel,
  type Findings,
  type WarningGroup,
} from './findings.js';
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

export interface PlanTextOptions {
  color: boolean;
  /** The plan's review: what apply would refuse, and warnings beyond the plan's own. */
  findings?: Findings;
}

export function renderPlanText(plan: Plan, options: PlanTextOptions): string {
  const paint = painter(options.color);
  const findings = options.findings ?? NO_FINDINGS;
  const groups = groupWarnings(plan, findings);
  const shared = new Map(groups.map((group) => [`${group.blast ? 'blast' : 'warning'}\0${group.message}`, group]));
  // Once per group, not once per operation it covers: a warning shared by n operations would cost n² otherwise.
  const labels = new Map(groups.map((group) => [group, subjectsLabel(group)]));
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
        const group = line.message === undefined ? undefined : shared.get(`${line.style}\0${line.message}`);
        // Said once below for all of them, rather than the same sentence beside each.
        const text =
          group && !shownInline(group)
            ? `⚠ ${line.style === 'blast' ? 'blast radius' : 'warning'}: see Warnings (${labels.get(group)!})`
            : line.text;
        out.push(`${indent}    ${colour ? paint(colour, text) : text}`);
      }
    }
    out.push('');
  }
  if (plan.unmanaged.length > 0) {
    out.push(paint('bold', `${UNMANAGED_TITLE}:`));
    for (const object of plan.unmanaged) out.push(`  ${describeUnmanaged(object)}`);
    out.push('');
  }
  const below = groups.filter((group) => !shownInline(group));
  if (below.length > 0) {
    out.push(paint('bold', 'Warnings:'));
    for (const group of below)
      out.push(...warningText(group).map((line, i) => (i === 0 ? paint('yellow', line) : line)));
    out.push('');
  }
  out.push(hasChanges(plan) ? paint('bold', planSummaryLine(plan.summary)) : NO_CHANGES);
  if (findings.errors.length > 0) {
    out.push('', paint('red', `✗ ${refusalHeading(findings.errors)}:`));
    for (const error of findings.errors) {
      out.push(`  ${paint('red', refusalLine(error))}`);
      if (error.hint) out.push(`      hint: ${error.hint}`);
    }
  }
  return out.join('\n');
}

/** A warning said of one operation alone is shown beside it; any other, once in the Warnings block. */
function shownInline(group: WarningGroup): boolean {
  return group.operations.size === 1 && group.subjects.length === 1;
}

function warningText(group: WarningGroup): string[] {
  const [only] = group.subjects;
  if (group.subjects.length <= 1) {
    const lines = [`  ⚠ ${only ? `${only}: ` : ''}${group.blast ? 'blast radius: ' : ''}${group.message}`];
    if (group.hint) lines.push(`      hint: ${group.hint}`);
    return lines;
  }
  const lines = [`  ⚠ ${subjectsLabel(group)}: ${group.blast ? 'blast radius: ' : ''}${group.message}:`];
  let line = '';
  for (const subject of group.subjects) {
    const next = line ? `${line}, ${subject}` : subject;
    if (line && next.length > 100) {
      lines.push(`      ${line},`);
      line = subject;
    } else {
      line = next;
    }
  }
  lines.push(`      ${line}`);
  if (group.hint) lines.push(`      hint: ${group.hint}`);
  return lines;
}

// ---------------------------------------------------------------------------------------------------------------
// JSON

/** A finding as `plan --format json` prints it: its code, where, what, and what to do. */
function findingJson(diagnostic: Finding<ErrorCode | WarningCode>) {
  return {
    code: diagnostic.code,
    message: diagnostic.message,
    ...(diagnostic.subject !== undefined && { subject: diagnostic.subject }),
    ...(diagnostic.location && { location: diagnostic.location }),
    ...(diagnostic.hint !== undefined && { hint: diagnostic.hint }),
  };
}

/** An operation's public shape, in the plan and in apply's result: without `fields` (the values apply sends). */
export function operationJson(op: Operation) {
  return {
    id: op.id,
    kind: op.kind,
    key: op.key,
    ...(op.kind === 'override' && { hook: op.hook, scope: op.scope, target: op.target }),
    action: op.action,
    changes: op.changes,
    dependsOn: op.dependsOn,
    ...(op.reason !== undefined && { reason: op.reason }),
    ...(op.reasonCode !== undefined && { reasonCode: op.reasonCode }),
    // Text as before (formatVersion 1), and each warning's code at the same index.
    warnings: op.warnings.map((warning) => warning.message),
    warningCodes: op.warnings.map((warning) => warning.code),
    ...(op.blastRadius !== undefined && { blastRadius: op.blastRadius }),
    ...(op.blastRadiusCodes !== undefined && { blastRadiusCodes: op.blastRadiusCodes }),
  };
}

/**
 * What `plan --format json` prints: the plan's public shape and its review: `errors` (what apply would refuse;
 * non-empty means the plan fails review) and `warnings`.
 */
export function planDocument(plan: Plan, findings: Findings = NO_FINDINGS) {
  return {
    formatVersion: plan.formatVersion,
    operations: plan.operations.map(operationJson),
    unmanaged: plan.unmanaged,
    summary: plan.summary,
    errors: findings.errors.map(findingJson),
    warnings: [
      ...(plan.warnings ?? []).map((warning) => ({ code: warning.code, message: warning.message })),
      ...findings.warnings.map(findingJson),
    ],
  };
}

export function renderPlanJson(plan: Plan, findings: Findings = NO_FINDINGS): string {
  return JSON.stringify(planDocument(plan, findings), null, 2);
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
  /** The plan's review: what apply would refuse (shown first), and warnings beyond the plan's own. */
  findings?: Findings;
}

export function renderPlanMarkdown(plan: Plan, options: PlanMarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  const findings = options.findings ?? NO_FINDINGS;
  const head =
    `### ${escapeHtml(options.title ?? 'ghes-gitops plan')}\n\n` +
    (hasChanges(plan) ? `${countsTable(plan)}\n**${planSummaryLine(plan.summary)}**\n\n` : `${NO_CHANGES}\n\n`);
  const footer = options.footer ? `${options.footer}\n` : '';
  const sections = [
    refusalSection(findings),
    warningsSection(groupWarnings(plan, findings)),
    ...kindSections(plan),
    unmanagedSection(plan),
  ].filter((section): section is Section => section !== undefined);

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

/** First thing under the counts: a plan that apply would refuse must not be approved. */
function refusalSection(findings: Findings): Section | undefined {
  if (findings.errors.length === 0) return undefined;
  return {
    head: `**⛔ ${escapeHtml(refusalHeading(findings.errors))}:**\n\n`,
    items: findings.errors.map((error) => {
      const where = error.location
        ? `${inlineCode(`${error.location.file}:${error.location.line}:${error.location.column}`)}: `
        : '';
      const subject = error.subject ? `${subjectMarkdown(error.subject)}: ` : '';
      const hint = error.hint ? ` _(${escapeHtml(oneLine(error.hint))})_` : '';
      return `- ${where}${subject}${escapeHtml(oneLine(error.message))}${hint}\n`;
    }),
    tail: '\n',
    omitted: (n) => `- … and ${countLabel(n, 'more problem')} (the job log lists them all)\n`,
  };
}

/** `update hook "x"` → `update hook ` and `x`. */
function splitSubject(subject: string): { prefix: string; name: string } {
  const m = /^([a-z ]*)("(?:[^"\\]|\\.)*")$/.exec(subject);
  return m ? { prefix: m[1]!, name: JSON.parse(m[2]!) as string } : { prefix: '', name: subject };
}

/** (200, `create hook `) → `200 hooks to create`; (2, `webhook `) → `2 webhooks`. */
function countedPrefix(n: number, prefix: string): string {
  const words = prefix.trim().split(' ');
  const kind = words.pop()!;
  return `${countLabel(n, kind)}${words.length > 0 ? ` to ${words.join(' ')}` : ''}`;
}

/** `update hook "x"` → update hook `x`: the name as code, whatever it holds. */
function subjectMarkdown(subject: string): string {
  const { prefix, name } = splitSubject(subject);
  return prefix ? `${prefix}${inlineCode(name)}` : escapeHtml(subject);
}

function warningsSection(groups: readonly WarningGroup[]): Section | undefined {
  // Blast radius first (groupWarnings orders it so): an instance-wide change is what a reviewer most needs to see.
  if (groups.length === 0) return undefined;
  return {
    head: '**Warnings**\n\n',
    items: groups.map((group) => {
      const message = escapeHtml(group.message);
      const said = group.blast ? `**${message}**` : message;
      if (group.subjects.length === 0) return `- ⚠ ${said}\n`;
      if (group.subjects.length === 1) return `- ⚠ ${subjectMarkdown(group.subjects[0]!)}: ${said}\n`;
      // `200 hooks to create: …: a, b, c` rather than `create hook a, create hook b, …`, when they share the words.
      const [first, ...others] = group.subjects.map(splitSubject);
      const alike = first !== undefined && others.every((other) => other.prefix === first.prefix);
      const label = alike && first.prefix ? countedPrefix(group.subjects.length, first.prefix) : subjectsLabel(group);
      const headline = group.blast ? `**${label}: ${message}**` : `${label}: ${message}`;
      const names = alike
        ? group.subjects.map((subject) => inlineCode(splitSubject(subject).name))
        : group.subjects.map(subjectMarkdown);
      return `- ⚠ ${headline}: ${names.join(', ')}\n`;
    }),
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
  // Warnings are in their own section above, once each; the diff holds the changes alone.
  // A create's name is its title already.
  const details = operationDetails(op, { aligned: false })
    .filter(
      (line) => line.style === 'field' && !(op.action === 'create' && line.text === `name: ${JSON.stringify(op.key)}`),
    )
    .map((line) => `${marker}   ${indent}${line.text}`);
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
