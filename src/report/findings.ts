// What a reviewer must see beside the operations: why apply would refuse the plan, and the warnings, each said
// once with every object it concerns (40 hooks going instance-wide are one warning listing 40 hooks, not 40).
import type { Diagnostic, Finding, SourceLocation } from '../errors.js';
import type { ErrorCode, WarningCode } from '../finding-codes.js';
import type { Operation, Plan } from '../plan/types.js';
import { countLabel } from './format.js';

/** A plan's review (src/reconcile.ts `PlanReview`), as the renderers need it. */
export interface Findings {
  /** What apply would refuse: the plan fails review. */
  errors: readonly Finding<ErrorCode>[];
  /** What a reviewer should weigh. */
  warnings: readonly Finding<WarningCode>[];
}

export const NO_FINDINGS: Findings = { errors: [], warnings: [] };

/** One warning message and every object it was said of. */
export interface WarningGroup {
  message: string;
  /** Instance-wide effect (a hook every push runs): shown first, and stronger. */
  blast: boolean;
  /** What it is said of, each once, in plan order: `enable hook "x"`, `webhook "https://…"`. Empty: the plan. */
  subjects: string[];
  /** The operations it came from, so a renderer can leave it out beside them. */
  operations: Set<string>;
  hint?: string | undefined;
  location?: SourceLocation | undefined;
}

function objectOf(op: Operation): string {
  return `${op.kind} ${JSON.stringify(op.key)}`;
}

/**
 * Every warning of the plan and its review, grouped by message: blast radius first (in plan order), then the
 * operations' warnings, the review's, and the plan's own. A review warning about an object whose operation
 * already carries the same message is the same warning, and is not counted twice.
 */
export function groupWarnings(plan: Plan, findings: Findings = NO_FINDINGS): WarningGroup[] {
  const groups = new Map<string, WarningGroup>();
  const said = new Set<string>();
  const add = (
    message: string,
    blast: boolean,
    subject: string | undefined,
    object: string | undefined,
    from?: { op?: Operation; diagnostic?: Diagnostic },
  ) => {
    const key = `${blast ? 'blast' : 'warning'}\0${message}`;
    let group = groups.get(key);
    if (!group) {
      group = { message, blast, subjects: [], operations: new Set() };
      groups.set(key, group);
    }
    group.hint ??= from?.diagnostic?.hint;
    group.location ??= from?.diagnostic?.location;
    if (from?.op) group.operations.add(from.op.id);
    if (object !== undefined) {
      const seen = `${key}\0${object}`;
      if (said.has(seen)) return;
      said.add(seen);
    }
    if (subject !== undefined && !said.has(`${key}\0subject\0${subject}`)) {
      said.add(`${key}\0subject\0${subject}`);
      group.subjects.push(subject);
    }
  };
  for (const op of plan.operations) {
    if (op.blastRadius) add(op.blastRadius, true, `${op.action} ${objectOf(op)}`, undefined, { op });
  }
  for (const op of plan.operations) {
    for (const warning of op.warnings) add(warning.message, false, objectOf(op), objectOf(op), { op });
  }
  for (const diagnostic of findings.warnings) {
    add(diagnostic.message, false, diagnostic.subject, diagnostic.subject, { diagnostic });
  }
  for (const warning of plan.warnings) add(warning.message, false, undefined, undefined);
  return [...groups.values()];
}

/** `40 hooks`, `2 objects`: how many things a group speaks of, by kind when they share one. */
export function subjectsLabel(group: WarningGroup): string {
  const kinds = new Set(group.subjects.map((subject) => /([a-z]+) "/.exec(subject)?.[1]));
  const [kind] = kinds;
  return countLabel(group.subjects.length, kinds.size === 1 && kind ? kind : 'object');
}

/** `the plan deletes … (hint: …)`: one refusal on one line, its location first as editors read it. */
export function refusalLine(diagnostic: Diagnostic): string {
  const where = diagnostic.location
    ? `${diagnostic.location.file}:${diagnostic.location.line}:${diagnostic.location.column}: `
    : '';
  return `${where}${diagnostic.subject ? `${diagnostic.subject}: ` : ''}${diagnostic.message}`;
}

export function refusalHeading(errors: readonly Diagnostic[]): string {
  return `Apply would refuse this plan (${countLabel(errors.length, 'problem')}); nothing can be applied until they are fixed`;
}
