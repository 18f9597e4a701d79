// What the planner's stages share while they diff: the operations planned so far, the reasons to refuse the plan,
// and the small builders every kind uses (a create's changes from nothing, a delete of a live object).
import type { Kind } from '../config/types.js';
import type { Diagnostic, SourceLocation } from '../errors.js';
import type { Warning } from '../finding-codes.js';
import type { Because, DeleteReason } from './codes.js';
import type { AtLeastOne, FieldChange, Operation, UnmanagedObject } from './types.js';

export interface PlanContext {
  operations: Operation[];
  reasons: Diagnostic[];
  unmanaged: UnmanagedObject[];
  warnings: Warning[];
}

export function refuse(context: PlanContext, message: string, location?: SourceLocation, hint?: string): void {
  context.reasons.push({ severity: 'error', message, ...(location && { location }), ...(hint && { hint }) });
}

export function fromNothing(fields: object): Record<string, FieldChange> {
  return Object.fromEntries(
    Object.entries(fields).map(([field, to]: [string, unknown]) => [field, { from: null, to }]),
  );
}

/** The changed fields, or undefined when none changed: an update is planned only with at least one. */
export function changedFields<T extends object>(fields: Partial<T>): AtLeastOne<T> | undefined {
  return Object.values(fields).some((value) => value !== undefined) ? (fields as AtLeastOne<T>) : undefined;
}

/** What every delete of a live object shares: no field-by-field change, and nothing before it unless told. */
export function deletion(kind: Kind, key: string, liveId: number, because: Because<DeleteReason>, at?: SourceLocation) {
  return {
    id: `${kind}:delete:${key}`,
    key,
    action: 'delete' as const,
    changes: {},
    dependsOn: [] as string[],
    liveId,
    ...because,
    warnings: [] as Warning[],
    ...(at && { location: at }),
  };
}
