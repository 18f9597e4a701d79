// GHES allows one hook per (repository, script) at any moment: a hook taking over the script of one this plan
// deletes or moves waits for that, one taking a script that a hook keeps refuses the plan, and so does a ring of
// hooks taking each other's scripts (GHES has no swap).
import type { ObservedState } from '../github/types.js';
import { refuse } from './context.js';
import type { PlanContext } from './context.js';
import { lower } from '../names.js';
import type { HookCreate, HookUpdate } from './types.js';

/** A hook create or update, and the script it will hold once applied (scriptKey). */
export interface ScriptWrite {
  op: HookCreate | HookUpdate;
  script: string;
}

export function scriptKey(repository: string, script: string): string {
  return `${lower(repository)}\n${script}`;
}

/**
 * Orders each write that takes a script after the delete (`deletesByScript`: script → the delete of the hook that
 * holds it) or the update that frees it; refuses a script that a hook keeps, and a ring of takeovers.
 */
export function orderScriptTakeovers(
  observed: ObservedState,
  writes: readonly ScriptWrite[],
  deletesByScript: ReadonlyMap<string, string>,
  context: PlanContext,
): void {
  const holders = new Map(observed.hooks.map((hook) => [scriptKey(hook.script_repository, hook.script), hook]));
  /** op → the update that moves the current holder of op's script away, which op waits for. */
  const takesFrom = new Map<HookCreate | HookUpdate, HookUpdate>();
  for (const { op, script } of writes) {
    if (op.action === 'update' && op.fields.script === undefined && op.fields.script_repository === undefined) continue;
    const freedBy = deletesByScript.get(script);
    if (freedBy !== undefined) {
      op.dependsOn.push(freedBy);
      continue;
    }
    const holder = holders.get(script);
    if (holder === undefined || holder.id === liveIdOf(op)) continue;
    const movedBy = writes.find((w) => liveIdOf(w.op) === holder.id && w.script !== script);
    if (movedBy?.op.action === 'update') {
      op.dependsOn.push(movedBy.op.id);
      takesFrom.set(op, movedBy.op);
      continue;
    }
    refuse(
      context,
      `hook "${op.key}": live hook "${holder.name}" (id ${holder.id}) already runs ${holder.script} from ` +
        `${holder.script_repository}, and GHES allows one hook per repository script`,
      op.location,
      `if it is this hook under an earlier name, add \`previous_names: [${holder.name}]\`; ` +
        'otherwise delete it (absent: true, or prune.hooks)',
    );
  }
  // Hooks that take each other's scripts in a ring wait for each other forever: GHES has no swap.
  const inRing = new Set<HookCreate | HookUpdate>();
  for (const start of takesFrom.keys()) {
    const path: (HookCreate | HookUpdate)[] = [];
    let at: HookCreate | HookUpdate | undefined = start;
    while (at !== undefined && !path.includes(at) && !inRing.has(at)) {
      path.push(at);
      at = takesFrom.get(at);
    }
    if (at === undefined || inRing.has(at)) continue;
    const ring = path.slice(path.indexOf(at));
    for (const op of ring) inRing.add(op);
    refuse(
      context,
      `hooks ${ring.map((op) => `"${op.key}"`).join(', ')} would swap scripts, and GHES allows one hook per ` +
        'repository script at any moment',
      at.location,
      'move one of them to a temporary script first, apply, then give it its final script',
    );
  }
}

function liveIdOf(op: HookCreate | HookUpdate): number | undefined {
  return op.action === 'update' ? op.liveId : undefined;
}
