// Execution order for a plan: a topological order of dependsOn in which ties go by phase, then kind, then key,
// so that the same operations always come out in the same order whatever order they were planned in.
import type { Operation, OperationKind } from './types.js';

const KIND_ORDER: Record<OperationKind, number> = { environment: 0, webhook: 1, hook: 2, override: 3 };

/**
 * The phases apply runs in, for ties: environments exist and are downloaded before the hooks that run in them;
 * hooks move off an environment before it is deleted.
 */
export function phaseOf(op: Operation): number {
  switch (op.kind) {
    case 'environment':
      return op.action === 'download' ? 1 : op.action === 'delete' ? 5 : 0;
    case 'webhook':
      return 2;
    case 'hook':
      return op.action === 'delete' ? 4 : 3;
    case 'override':
      // With the hooks they belong to; their dependsOn puts them after a hook's create and before its delete.
      return 3;
  }
}

/** Code-unit comparison: unlike localeCompare it does not depend on the machine's locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareOperations(a: Operation, b: Operation): number {
  return (
    phaseOf(a) - phaseOf(b) ||
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    compareStrings(a.key, b.key) ||
    compareStrings(a.id, b.id)
  );
}

/**
 * Kahn's algorithm over a binary heap: O((n + e) log n). Throws on a dependency that is not in the plan or on a
 * cycle, both of which would be planner bugs.
 */
export function orderOperations(operations: readonly Operation[]): Operation[] {
  const byId = new Map<string, Operation>();
  for (const op of operations) {
    if (byId.has(op.id)) throw new Error(`planner bug: duplicate operation id ${op.id}`);
    byId.set(op.id, op);
  }
  const waitingOn = new Map<string, number>();
  const dependents = new Map<string, Operation[]>();
  for (const op of operations) {
    waitingOn.set(op.id, op.dependsOn.length);
    for (const dep of op.dependsOn) {
      if (!byId.has(dep)) throw new Error(`planner bug: ${op.id} depends on ${dep}, which is not in the plan`);
      const list = dependents.get(dep);
      if (list) list.push(op);
      else dependents.set(dep, [op]);
    }
  }

  const ready = new Heap<Operation>(compareOperations);
  for (const op of operations) if (op.dependsOn.length === 0) ready.push(op);
  const ordered: Operation[] = [];
  for (let op = ready.pop(); op !== undefined; op = ready.pop()) {
    ordered.push(op);
    for (const next of dependents.get(op.id) ?? []) {
      const left = (waitingOn.get(next.id) ?? 0) - 1;
      waitingOn.set(next.id, left);
      if (left === 0) ready.push(next);
    }
  }
  if (ordered.length !== operations.length) {
    const stuck = operations.filter((op) => (waitingOn.get(op.id) ?? 0) > 0).map((op) => op.id);
    throw new Error(`planner bug: dependency cycle among ${stuck.join(', ')}`);
  }
  return ordered;
}

class Heap<T> {
  readonly #items: T[] = [];
  readonly #compare: (a: T, b: T) => number;

  constructor(compare: (a: T, b: T) => number) {
    this.#compare = compare;
  }

  push(item: T): void {
    const items = this.#items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#compare(items[i]!, items[parent]!) >= 0) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < items.length && this.#compare(items[left]!, items[smallest]!) < 0) smallest = left;
      if (right < items.length && this.#compare(items[right]!, items[smallest]!) < 0) smallest = right;
      if (smallest === i) break;
      [items[i], items[smallest]] = [items[smallest]!, items[i]!];
      i = smallest;
    }
    return top;
  }
}
