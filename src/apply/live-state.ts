// Re-reading live state after a create whose outcome is unknown. One read serves every failure seen before it
// went out, so a burst of 502s costs one observation, and no failure is ever checked against an older read.
import type { ObservedState } from '../github/types.js';

/** Performs the read; calls `begin()` at the moment the request actually goes out (after any queueing). */
export type ReadLiveState = (begin: () => void) => Promise<ObservedState>;

interface Read {
  /** When the read went out, on our clock; undefined while it waits, so that later failures can still join it. */
  seq: number | undefined;
  promise: Promise<ObservedState>;
  settled: boolean;
}

export class LiveStateReader {
  #clock = 0;
  #current: Read | undefined;
  readonly #read: ReadLiveState;
  readonly #delayMs: number;

  /**
   * `delayMs` is waited before each read: it gathers the rest of a burst of failures into the same read, and gives
   * a server still busy with a timed-out create a moment to finish it before we look.
   */
  constructor(read: ReadLiveState, delayMs: number) {
    this.#read = read;
    this.#delayMs = delayMs;
  }

  /** Call when a failure is seen; any read that goes out later is guaranteed to reflect it. */
  mark(): number {
    return ++this.#clock;
  }

  /** The live state as read after `mark`: a read going out after it is shared, never repeated. */
  async readAfter(mark: number): Promise<ObservedState> {
    for (;;) {
      const current = this.#current;
      if (current !== undefined && (current.seq === undefined || current.seq > mark)) return current.promise;
      if (current !== undefined && !current.settled) {
        // A read is out but left before our failure: it may have missed it. Wait for it, then read again.
        await current.promise.catch(() => undefined);
        continue;
      }
      const read: Read = { seq: undefined, settled: false, promise: Promise.resolve({} as ObservedState) };
      read.promise = new Promise<void>((resolve) => setTimeout(resolve, this.#delayMs)).then(() =>
        this.#read(() => {
          read.seq = ++this.#clock;
        }),
      );
      const settle = () => {
        read.settled = true;
      };
      read.promise.then(settle, settle);
      this.#current = read;
      return read.promise;
    }
  }
}
