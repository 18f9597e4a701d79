// Apply's part for pre-receive environments: create (adopting what a lost answer made), rename or change the image,
// delete, and download, recording each id the run learns for the hooks that name the environment.
import { UserError } from '../errors.js';
import type { EnvironmentOperation } from '../plan/types.js';
import { liveIdOf, required, resolveEnvironmentId, sameName } from './context.js';
import type { OperationContext, Outcome } from './context.js';

export async function executeEnvironment(operation: EnvironmentOperation, context: OperationContext): Promise<Outcome> {
  const { api, slot, environmentIds } = context;
  const fields = operation.fields ?? {};
  if (operation.action === 'create') {
    const name = required(operation, fields.name, 'name');
    const image_url = required(operation, fields.image_url, 'image_url');
    const outcome = await context.createOrAdopt(
      () => api.createEnvironment({ name, image_url }),
      (live) => live.environments.find((e) => sameName(e.name, name)),
    );
    environmentIds[name.toLowerCase()] = outcome.liveId!;
    return outcome;
  }

  const id =
    operation.action === 'download'
      ? (operation.liveId ?? resolveEnvironmentId(environmentIds, operation.key))
      : liveIdOf(operation);
  if (id === undefined)
    throw new UserError(`environment ${operation.key} has no id: it was neither observed nor created`);
  if (id === context.defaultEnvironmentId) {
    throw new UserError(`refusing to ${operation.action} the built-in default environment (GHES does not allow it)`);
  }
  switch (operation.action) {
    case 'update': {
      const body = pick(fields, ['name', 'image_url']);
      if (Object.keys(body).length > 0) await slot(() => api.updateEnvironment(id, body));
      if (body.name !== undefined) environmentIds[body.name.toLowerCase()] = id;
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

function pick<T extends object, K extends keyof T>(object: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (object[key] !== undefined) picked[key] = object[key];
  return picked;
}
