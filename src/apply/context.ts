// What the per-kind executors share: the run's request slots and environment ids, and the create that re-reads
// live state after a lost answer instead of guessing (apply.ts builds it once per operation).
import type { AdminApi } from '../github/api.js';
import type { ObservedState } from '../github/types.js';
import { UserError } from '../errors.js';

/** What running one operation produced, before timing is added. */
export interface Outcome {
  liveId?: number;
}

export interface OperationContext {
  api: AdminApi;
  slot: <T>(request: () => Promise<T>) => Promise<T>;
  /** Shared by the whole run: creates and renames add to it. */
  environmentIds: Record<string, number>;
  defaultEnvironmentId: number | undefined;
  createOrAdopt: (
    create: () => Promise<{ id: number }>,
    find: (live: ObservedState) => { id: number } | undefined,
  ) => Promise<{ liveId: number }>;
  waitForDownload: (environmentId: number) => Promise<void>;
  knownWebhookIds: Set<number>;
  hookIds: Map<string, number>;
}

/** An environment name as hooks refer to it (`Default` is the built-in one) -> its id, if known. */
export function resolveEnvironmentId(environmentIds: Record<string, number>, name: string): number | undefined {
  return Object.hasOwn(environmentIds, name.toLowerCase()) ? environmentIds[name.toLowerCase()] : undefined;
}

export function environmentIdFor(name: string, context: OperationContext): number {
  const id = resolveEnvironmentId(context.environmentIds, name);
  if (id === undefined) throw new UserError(`environment ${name} has no id: it was neither observed nor created`);
  return id;
}

export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
