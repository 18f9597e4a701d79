// Apply's part for enforcement overrides: PATCH creates or changes one, DELETE removes it. Both are safe to repeat,
// so the client retries them like any update; the answer (the effective values at that level) must show the
// change, or the operation fails instead of being called done.
import { UserError } from '../errors.js';
import type { AdminApi } from '../github/api.js';
import type { ObservedHookAtTarget } from '../github/types.js';
import type { OverrideOperation } from '../plan/types.js';

export interface OverrideContext {
  api: AdminApi;
  slot: <T>(request: () => Promise<T>) => Promise<T>;
  /** Hook ids by lower-cased name, for hooks this run created (the plan could not know their ids). */
  hookIds: ReadonlyMap<string, number>;
}

export async function executeOverride(operation: OverrideOperation, context: OverrideContext): Promise<void> {
  const { api, slot } = context;
  const hookId = operation.hookId ?? context.hookIds.get(operation.hook.toLowerCase());
  if (hookId === undefined) {
    throw new UserError(`${operation.id}: hook "${operation.hook}" has no id: it was neither observed nor created`);
  }
  const where = `${operation.scope} ${operation.target}`;
  switch (operation.action) {
    case 'create':
    case 'update': {
      const fields = operation.fields;
      if (!api.setOverride) throw new UserError(`${operation.id}: this AdminApi cannot change overrides`);
      const setOverride = api.setOverride.bind(api);
      const answer = await slot(() => setOverride(operation.scope, operation.target, hookId, fields));
      if (!answer.overridden || answer.enforcement !== fields.enforcement) {
        throw new UserError(
          `${operation.id}: GHES accepted the change but shows ${describe(answer)} in ${where}; ` +
            'a level above may forbid overrides there',
        );
      }
      return;
    }
    case 'delete': {
      if (!api.removeOverride) throw new UserError(`${operation.id}: this AdminApi cannot change overrides`);
      const removeOverride = api.removeOverride.bind(api);
      const answer = await slot(() => removeOverride(operation.scope, operation.target, hookId));
      if (answer.overridden) {
        throw new UserError(`${operation.id}: GHES still shows an override in ${where} after removing it`);
      }
      return;
    }
  }
}

function describe(answer: ObservedHookAtTarget): string {
  const from =
    answer.configuredAt.level === 'global' ? 'the hook' : `${answer.configuredAt.level} ${answer.configuredAt.name}`;
  return `"${answer.enforcement}" set by ${from}`;
}
