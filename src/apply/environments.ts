// Apply's part for pre-receive environments: create (adopting what a lost answer made), rename or change the image,
// delete, and download, recording each id the run learns for the hooks that name the environment.
import { UserError } from '../errors.js';
import type { EnvironmentOperation } from '../plan/types.js';
import { resolveEnvironmentId, sameName } from './context.js';
import type { OperationContext, Outcome } from './context.js';

export async function executeEnvironment(operation: EnvironmentOperation, context: OperationContext): Promise<Outcome> {
  const { api, slot, environmentIds } = context;
  if (operation.action === 'create') {
    const { name, image_url } = operation.fields;
    const outcome = await context.createOrAdopt(
      () => api.createEnvironment({ name, image_url }),
      (live) => live.environments.find((e) => sameName(e.name, name)),
    );
    environmentIds[name.toLowerCase()] = outcome.liveId;
    return outcome;
  }

  // A download of an environment this run created learns its id from the create.
  const id =
    operation.action === 'download'
      ? (operation.liveId ?? resolveEnvironmentId(environmentIds, operation.key))
      : operation.liveId;
  if (id === undefined)
    throw new UserError(`environment ${operation.key} has no id: it was neither observed nor created`);
  if (id === context.defaultEnvironmentId) {
    throw new UserError(`refusing to ${operation.action} the built-in default environment (GHES does not allow it)`);
  }
  switch (operation.action) {
    case 'update': {
      const { name, image_url } = operation.fields;
      await slot(() =>
        api.updateEnvironment(id, {
          ...(name !== undefined && { name }),
          ...(image_url !== undefined && { image_url }),
        }),
      );
      if (name !== undefined) environmentIds[name.toLowerCase()] = id;
      return { liveId: id };
    }
    case 'delete':
      await slot(() => api.deleteEnvironment(id));
      return { liveId: id };
    case 'download':
      await context.waitForDownload(id);
      return { liveId: id };
  }
}
