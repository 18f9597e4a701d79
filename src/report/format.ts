// The words and value formatting that every renderer shares, so that the text, markdown and apply reports
// describe one operation the same way. Secrets only ever print as "(sensitive)".
import { KINDS } from '../config/types.js';
import type { Kind } from '../config/types.js';
import type { Action, Operation, OperationKind, PlanSummary, UnmanagedObject } from '../plan/types.js';
import { Secret, SENSITIVE, SENT_AGAIN } from '../secret.js';

const ANSI = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, cyan: 36 } as const;
export type Colour = keyof typeof ANSI;
export type Painter = (colour: Colour, text: string) => string;

/** ANSI only when asked: the CLI decides from isTTY and NO_COLOR. */
export function painter(color: boolean): Painter {
  return color ? (colour, text) => `\x1b[${ANSI[colour]}m${text}\x1b[0m` : (_colour, text) => text;
}

export const KIND_TITLES: Record<Kind, string> = {
  environment: 'Pre-receive environments',
  hook: 'Pre-receive hooks',
  webhook: 'Global webhooks',
};

export const ACTION_SYMBOLS: Record<Action, string> = { create: '+', update: '~', delete: '-', download: '↓' };

export const NO_CHANGES = 'No changes. The live configuration matches the desired state.';
export const UNMANAGED_TITLE = 'Not managed (prune is off)';

export function planSummaryLine(summary: PlanSummary): string {
  return (
    `Plan: ${summary.create} to create, ${summary.update} to update, ` +
    `${summary.delete} to delete, ${summary.download} to download.`
  );
}

/** `update hook "commits"`, `create override of hook "commits" in organization "acme"` */
export function describeOperation(op: Operation): string {
  if (op.kind === 'override') {
    return `${op.action} override of hook ${JSON.stringify(op.hook)} in ${op.scope} ${JSON.stringify(op.target)}`;
  }
  return `${op.action} ${op.kind} ${JSON.stringify(op.key)}`;
}

export function describeUnmanaged(object: UnmanagedObject): string {
  return `${object.kind} ${JSON.stringify(object.key)} (id ${object.id})`;
}

export function formatValue(field: string, value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  if (field === 'secret' || value instanceof Secret) return SENSITIVE;
  if (Array.isArray(value)) return `[${value.map((item) => formatValue(field, item)).join(', ')}]`;
  return JSON.stringify(value);
}

export type LineStyle = 'field' | 'warning' | 'blast';

export interface DetailLine {
  text: string;
  style: LineStyle;
  /** For a warning or blast line: the message alone, which findings.ts groups by. */
  message?: string;
}

/**
 * The lines under an operation's title: its field changes (a create shows values, an update `from → to`),
 * then its warnings and blast radius. The reason goes on the title line. `aligned: false` spends no spaces
 * lining values up, for reports that must fit a size limit.
 */
export function operationDetails(op: Operation, options: { aligned?: boolean } = {}): DetailLine[] {
  const fields = Object.keys(op.changes);
  const width = options.aligned === false ? 0 : Math.max(0, ...fields.map((field) => field.length));
  const lines: DetailLine[] = fields.map((field) => {
    const change = op.changes[field]!;
    const label = `${field}:`.padEnd(width + 1);
    const text =
      op.action === 'create'
        ? `${label} ${formatValue(field, change.to)}`
        : change.to === SENT_AGAIN
          ? `${label} ${SENT_AGAIN}`
          : `${label} ${formatValue(field, change.from)} → ${formatValue(field, change.to)}`;
    return { text, style: 'field' };
  });
  for (const { message } of op.warnings) lines.push({ text: `⚠ ${message}`, style: 'warning', message });
  if (op.blastRadius) {
    lines.push({ text: `⚠ blast radius: ${op.blastRadius}`, style: 'blast', message: op.blastRadius });
  }
  return lines;
}

/** Overrides go with the hooks they belong to. */
export function groupByKind<T extends { kind: OperationKind }>(items: readonly T[]): Map<Kind, T[]> {
  const groups = new Map<Kind, T[]>(KINDS.map((kind) => [kind, []]));
  for (const item of items) groups.get(item.kind === 'override' ? 'hook' : item.kind)!.push(item);
  return groups;
}

/** Server messages can span lines; a report line must not. */
export function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ');
}

export function countLabel(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
