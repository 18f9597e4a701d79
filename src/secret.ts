// A write-only value (a webhook secret) that cannot leak by accident: every way of printing it,
// JSON.stringify, template strings, util.inspect, says "(sensitive)". Only the request builder calls reveal().
import { inspect } from 'node:util';

export const SENSITIVE = '(sensitive)';
/** A plan's `to` for a secret that an update sends again, replacing the live one, which cannot be read back. */
export const SENT_AGAIN = '(sensitive, sent again)';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The real value, for the one place that sends it to the server. */
  reveal(): string {
    return this.#value;
  }

  /** True for `secret: ""`, which means "no secret". */
  get isEmpty(): boolean {
    return this.#value === '';
  }

  toString(): string {
    return SENSITIVE;
  }

  toJSON(): string {
    return SENSITIVE;
  }

  [inspect.custom](): string {
    return SENSITIVE;
  }
}
