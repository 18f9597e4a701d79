// An environment is deleted only after every hook on it has moved or gone: GHES refuses to delete an environment
// that a hook uses. A hook that would be left on it refuses the plan.
import type { ObservedHook, ObservedState } from '../github/types.js';
import { refuse } from './context.js';
import type { PlanContext } from './context.js';
import type { EnvironmentsPlan } from './environments.js';
import type { HooksPlan } from './hooks.js';
import { compareStrings } from './order.js';

export function orderEnvironmentDeletes(
  observed: ObservedState,
  environments: EnvironmentsPlan,
  hooks: HooksPlan,
  context: PlanContext,
): void {
  if (environments.deletes.size === 0) return;
  const hooksOn = new Map<number, ObservedHook[]>();
  for (const hook of observed.hooks) {
    const list = hooksOn.get(hook.environment.id);
    if (list) list.push(hook);
    else hooksOn.set(hook.environment.id, [hook]);
  }
  const envById = new Map(observed.environments.map((env) => [env.id, env]));

  for (const [envId, op] of environments.deletes) {
    const on = (hooksOn.get(envId) ?? []).sort((a, b) => compareStrings(a.name, b.name));
    for (const hook of on) {
      const leavingBy = hooks.leaving.get(hook.id);
      if (leavingBy !== undefined) {
        op.dependsOn.push(leavingBy);
        continue;
      }
      const entry = hooks.managed.get(hook.id);
      if (entry) {
        refuse(
          context,
          `environment "${op.key}" cannot be deleted (${op.reason}): hook "${entry.name}", which the config manages, stays on it`,
          entry.location,
          'point the hook at another environment, or keep the environment',
        );
      } else {
        refuse(
          context,
          `environment "${op.key}" cannot be deleted (${op.reason}): hook "${hook.name}" (id ${hook.id}) still uses it, ` +
            'and the config does not manage that hook',
          op.location,
          'add the hook to the config with another environment (or absent: true), or turn on prune.hooks',
        );
      }
    }
    const env = envById.get(envId);
    if (env && env.hooks_count > on.length) {
      op.warnings.push({
        code: 'hooks-count-mismatch',
        message: `GHES counts ${env.hooks_count} hooks on this environment but lists ${on.length}; it refuses the delete while any remain`,
      });
    }
  }
}
