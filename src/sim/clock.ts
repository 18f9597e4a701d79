// Time for the simulator's domain (timestamps, download completion). Injectable so tests can step it.

/** Milliseconds since the epoch. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/** A clock that only moves when told to: `new ManualClock()`, pass `clock.now`, then `clock.advance(ms)`. */
export class ManualClock {
  #ms: number;

  constructor(start: number | string = '2024-01-01T00:00:00Z') {
    this.#ms = typeof start === 'number' ? start : Date.parse(start);
  }

  readonly now: Clock = () => this.#ms;

  advance(ms: number): void {
    this.#ms += ms;
  }
}

/** GitHub's timestamp format: second precision, `Z`. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
