// Type checks for a simulator state read from JSON (a state file, POST /_sim/state), with a path in every message.
import { isoTime } from './clock.js';
import { SimStateError } from './errors.js';

/** Type checks for untrusted JSON with a path in every message. */
export class Checker {
  fail(message: string): never {
    throw new SimStateError(`invalid simulator state: ${message}`);
  }

  object(value: unknown, at: string): object {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(`${at} must be an object`);
    return value;
  }

  array(value: unknown, at: string): unknown[] {
    if (!Array.isArray(value)) this.fail(`${at} must be an array`);
    return value;
  }

  type<T extends string | boolean>(value: T, type: 'string' | 'boolean', at: string): T {
    if (typeof value !== type) this.fail(`${at} must be a ${type}`);
    return value;
  }

  time(value: unknown, at: string): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) this.fail(`${at} must be an ISO timestamp`);
    return isoTime(Date.parse(value));
  }
}

/** Explicit ids are kept (and must be unique positive integers); missing ones follow the largest. */
export function assignIds(rows: { id?: number | undefined }[], at: string, check: Checker): number[] {
  const seen = new Set<number>();
  for (const [i, row] of rows.entries()) {
    if (row.id === undefined) continue;
    if (!Number.isInteger(row.id) || row.id < 1) check.fail(`${at}[${i}].id must be a positive integer`);
    if (seen.has(row.id)) check.fail(`${at}[${i}]: duplicate id ${row.id}`);
    seen.add(row.id);
  }
  let next = Math.max(0, ...seen) + 1;
  return rows.map((row) => row.id ?? next++);
}
