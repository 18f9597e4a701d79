// Apply's request slots: never more than the concurrency in flight, the highest level first, ties in order.
import { describe, expect, it } from 'vitest';
import { createSlots, levels } from '../../src/apply/slots.js';
import type { Operation } from '../../src/plan/types.js';

function deferred() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe('createSlots', () => {
  it('runs at most `concurrency` tasks at once, then the waiting ones by priority, ties first come first', async () => {
    const slots = createSlots(2);
    const started: string[] = [];
    let inFlight = 0;
    let peak = 0;
    const gates = new Map<string, ReturnType<typeof deferred>>();
    const task = (name: string, priority: number) => {
      const gate = deferred();
      gates.set(name, gate);
      return slots(priority, async () => {
        started.push(name);
        peak = Math.max(peak, ++inFlight);
        await gate.promise;
        inFlight--;
        return name;
      });
    };
    const done = [task('a', 0), task('b', 0), task('c', 0), task('d', 5), task('e', 1), task('f', 5)];
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(started).toEqual(['a', 'b']);
    for (const name of ['a', 'b', 'd', 'f', 'e', 'c']) {
      gates.get(name)!.release();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(await Promise.all(done)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(started).toEqual(['a', 'b', 'd', 'f', 'e', 'c']);
    expect(peak).toBe(2);
  });

  it('passes a failure on and frees the slot, even for a task that throws at once', async () => {
    const slots = createSlots(1);
    await expect(
      slots(0, () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    await expect(slots(0, () => 'next')).resolves.toBe('next');
  });
});

describe('levels', () => {
  const op = (id: string, dependsOn: string[] = []) => ({ id, dependsOn }) as unknown as Operation;

  it('is the longest chain of operations waiting on each one', () => {
    const plan = [
      op('environment:create:a'),
      op('environment:download:a', ['environment:create:a']),
      op('webhook:create:w'),
      op('hook:create:h1', ['environment:download:a']),
      op('hook:create:h2', ['environment:download:a']),
    ];
    expect(Object.fromEntries(levels(plan))).toEqual({
      'environment:create:a': 2,
      'environment:download:a': 1,
      'webhook:create:w': 0,
      'hook:create:h1': 0,
      'hook:create:h2': 0,
    });
  });
});
