import { describe, expect, it } from 'vitest';
import { LiveStateReader } from '../../src/apply/live-state.js';
import type { ObservedState } from '../../src/github/types.js';

function counter(latencyMs: number) {
  const reads: number[] = [];
  const read = async (begin: () => void): Promise<ObservedState> => {
    begin();
    reads.push(reads.length + 1);
    await new Promise((resolve) => setTimeout(resolve, latencyMs));
    return { environments: [], hooks: [], webhooks: [{ id: reads.length } as never] };
  };
  return { reads, read };
}

describe('LiveStateReader', () => {
  it('shares one read among failures seen before it went out', async () => {
    const { reads, read } = counter(5);
    const reader = new LiveStateReader(read, 10);
    const first = reader.readAfter(reader.mark());
    await new Promise((resolve) => setTimeout(resolve, 2)); // still inside the gathering delay
    const second = reader.readAfter(reader.mark());
    expect(await first).toBe(await second);
    expect(reads).toHaveLength(1);
  });

  it('reads again for a failure seen after the last read went out', async () => {
    const { reads, read } = counter(20);
    const reader = new LiveStateReader(read, 0);
    const first = reader.readAfter(reader.mark());
    await new Promise((resolve) => setTimeout(resolve, 8)); // the first read is out, not back
    const late = reader.readAfter(reader.mark());
    const [a, b] = await Promise.all([first, late]);
    expect(reads).toHaveLength(2);
    expect(a).not.toBe(b);
  });

  it('reuses a finished read for a failure marked before it went out', async () => {
    const { reads, read } = counter(1);
    const reader = new LiveStateReader(read, 0);
    const early = reader.mark();
    await reader.readAfter(reader.mark());
    await reader.readAfter(early);
    expect(reads).toHaveLength(1);
  });
});
