// How the renderers show enforcement overrides: under the hook they belong to, in the hooks' section, with a
// line naming the hook when the plan changes its overrides but not the hook itself.
import type { Action, Operation, OverrideOperation } from '../plan/types.js';

/** One line-group of the hooks' section: an operation (an override one level deeper), or a hook's name. */
export type HookSectionEntry = { op: Operation; nested: boolean } | { hook: string };

export const OVERRIDES_TITLE = 'Hook overrides';

/**
 * The hooks' section in display order: each hook's operation followed by its overrides. Overrides of a hook the
 * plan does not otherwise change follow a line naming it, where the first of them was. Execution order is kept
 * within each group.
 */
export function nestOverrides(operations: readonly Operation[]): HookSectionEntry[] {
  const byHook = new Map<string, OverrideOperation[]>();
  for (const op of operations) {
    if (op.kind !== 'override') continue;
    const list = byHook.get(op.hook.toLowerCase());
    if (list) list.push(op);
    else byHook.set(op.hook.toLowerCase(), [op]);
  }
  if (byHook.size === 0) return operations.map((op) => ({ op, nested: false }));

  const hooksWithOperations = new Set(operations.filter((op) => op.kind === 'hook').map((op) => op.key.toLowerCase()));
  const entries: HookSectionEntry[] = [];
  const placed = new Set<string>();
  const place = (hook: string) => {
    if (placed.has(hook)) return;
    placed.add(hook);
    for (const op of byHook.get(hook) ?? []) entries.push({ op, nested: true });
  };
  for (const op of operations) {
    if (op.kind === 'override') {
      const hook = op.hook.toLowerCase();
      if (hooksWithOperations.has(hook) || placed.has(hook)) continue;
      entries.push({ hook: op.hook });
      place(hook);
    } else {
      entries.push({ op, nested: false });
      if (op.kind === 'hook') place(op.key.toLowerCase());
    }
  }
  return entries;
}

/** `create override in organization "acme"`: the hook is the line above. */
export function describeNestedOverride(op: OverrideOperation): string {
  return `${op.action} override in ${op.scope} ${JSON.stringify(op.target)}`;
}

/** Per action, for the summary lines of a section. */
export function countActions(operations: readonly Operation[]): Record<Action, number> {
  const counts: Record<Action, number> = { create: 0, update: 0, delete: 0, download: 0 };
  for (const op of operations) counts[op.action] += 1;
  return counts;
}
