// Apply's part for pre-receive hooks: create (adopting what a lost answer made), update with the complete desired
// hook, delete.
import type { HookRequest } from '../github/api.js';
import type { HookFields, HookOperation } from '../plan/types.js';
import { environmentIdFor, sameName } from './context.js';
import type { OperationContext, Outcome } from './context.js';

export async function executeHook(operation: HookOperation, context: OperationContext): Promise<Outcome> {
  const { api, slot } = context;
  switch (operation.action) {
    case 'create': {
      const body = hookRequest(operation.fields, context);
      return context.createOrAdopt(
        () => api.createHook(body),
        (live) => live.hooks.find((h) => sameName(h.name, body.name)),
      );
    }
    case 'update': {
      const id = operation.liveId;
      // The complete desired hook, never only the changed fields: a PATCH must not rely on GHES keeping the rest.
      const body = hookRequest(operation.desired, context);
      await slot(() => api.updateHook(id, body));
      return { liveId: id };
    }
    case 'delete': {
      const id = operation.liveId;
      await slot(() => api.deleteHook(id));
      return { liveId: id };
    }
  }
}

/** The hook as the API takes it: its environment by id, which a create earlier in this run may have just learnt. */
function hookRequest(fields: HookFields, context: OperationContext): HookRequest {
  const { environment, ...rest } = fields;
  return { ...rest, environmentId: environmentIdFor(environment, context) };
}
