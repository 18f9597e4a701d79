// Apply's request slots: at most `concurrency` requests in flight, and when several wait, the one that unblocks
// the most of the plan goes first. With first-come order, an environment's download queued behind every webhook
// and hook create that was ready at the start, and the hooks waiting for that download started late (measured:
// a bootstrap at concurrency 8 took 1.3× its floor at 10 ms latency).
import type { Operation } from '../plan/types.js';

/** Runs `task` in a slot; higher `priority` first, ties in the order they asked. */
export type Slots = <T>(priority: number, task: () => T | Promise<T>) => Promise<T>;

export function createSlots(concurrency: number): Slots {
  let active = 0;
  // Priorities are the few levels of the plan's DAG, so a queue per level is enough.
  const queues = new Map<number, Queue<() => void>>();

  const startNext = () => {
    if (active >= concurrency) return;
    let best: number | undefined;
    for (const [priority, queue] of queues) {
      if (queue.size > 0 && (best === undefined || priority > best)) best = priority;
    }
    if (best === undefined) return;
    active++;
    queues.get(best)!.shift()!();
  };

  return (priority, task) =>
    new Promise((resolve, reject) => {
      const start = () => {
        void Promise.resolve()
          .then(task)
          .then(resolve, reject)
          .finally(() => {
            active--;
            startNext();
          });
      };
      let queue = queues.get(priority);
      if (!queue) queues.set(priority, (queue = new Queue()));
      queue.push(start);
      startNext();
    });
}

/**
 * Each operation's level: the longest chain of operations that depend on it, directly or not (0 for one that
 * nothing waits for). `operations` must be in dependency order, as a Plan's are.
 */
export function levels(operations: readonly Operation[]): Map<string, number> {
  const level = new Map<string, number>();
  for (let i = operations.length - 1; i >= 0; i--) {
    const operation = operations[i]!;
    const own = level.get(operation.id) ?? 0;
    level.set(operation.id, own);
    for (const dependency of operation.dependsOn) level.set(dependency, Math.max(level.get(dependency) ?? 0, own + 1));
  }
  return level;
}

/** First in, first out, in O(1) per operation (Array.shift is O(n), and a bootstrap queues thousands). */
class Queue<T> {
  #items: T[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head++];
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
}
