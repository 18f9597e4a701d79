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

/**
 * The mask GHES shows instead of a secret; any run of 8 or more asterisks is treated as one. The one rule for the
 * planner (which refuses such a configured secret before anything is sent) and the client (a last line of defence).
 */
export function isMaskedSecret(value: string): boolean {
  return /^\*{8,}$/.test(value);
}
