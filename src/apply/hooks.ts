// Apply's part for pre-receive hooks: create (adopting what a lost answer made), update with the complete desired
// hook, delete.
import type { HookRequest } from '../github/api.js';
import { UserError } from '../errors.js';
import type { HookOperation } from '../plan/types.js';
import { environmentIdFor, liveIdOf, required, sameName } from './context.js';
import type { OperationContext, Outcome } from './context.js';

export async function executeHook(operation: HookOperation, context: OperationContext): Promise<Outcome> {
  const { api, slot } = context;
  const fields = operation.fields ?? {};
  switch (operation.action) {
    case 'create': {
      const body: HookRequest = {
        name: required(operation, fields.name, 'name'),
        script: required(operation, fields.script, 'script'),
        script_repository: required(operation, fields.script_repository, 'script_repository'),
        environmentId: environmentIdFor(required(operation, fields.environment, 'environment'), context),
        enforcement: required(operation, fields.enforcement, 'enforcement'),
        allow_downstream_configuration: required(
          operation,
          fields.allow_downstream_configuration,
          'allow_downstream_configuration',
        ),
      };
      return context.createOrAdopt(
        () => api.createHook(body),
        (live) => live.hooks.find((h) => sameName(h.name, body.name)),
      );
    }
    case 'update': {
      const id = liveIdOf(operation);
      // The complete desired hook, never only the changed fields: a PATCH must not rely on GHES keeping the rest.
      const { environment, ...rest } = required(operation, operation.desired, 'desired');
      const body: HookRequest = { ...rest, environmentId: environmentIdFor(environment, context) };
      await slot(() => api.updateHook(id, body));
      return { liveId: id };
    }
    case 'delete': {
      const id = liveIdOf(operation);
      await slot(() => api.deleteHook(id));
      return { liveId: id };
    }
    case 'download':
      throw new UserError(`${operation.id}: a pre-receive hook has nothing to download`);
  }
}
