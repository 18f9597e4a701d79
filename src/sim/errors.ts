// The simulator state's errors, one per way a change or a state can be refused; route.ts and router.ts turn
// them into the API's answers (422, 404), state-file.ts and /_sim into a message naming what is wrong.
import type { ErrorResource } from './messages.js';

/** A GHES rule refused the change; the API turns it into 422 Validation Failed. */
export class SimValidationError extends Error {
  override readonly name = 'SimValidationError';
  constructor(
    readonly resource: ErrorResource,
    readonly errors: string[],
  ) {
    super(errors.join('; '));
  }
}

/** No object with that id; the API turns it into 404. */
export class SimNotFoundError extends Error {
  override readonly name = 'SimNotFoundError';
}

/** A state file or `load()` argument is malformed (wrong types, dangling references, duplicates). */
export class SimStateError extends Error {
  override readonly name = 'SimStateError';
}
