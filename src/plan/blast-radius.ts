// Blast radius: the words a plan shows beside a change whose effect is instance-wide (every push to every repository
// runs the hook), so that a reviewer weighs it. For display only.
import { compareStrings } from './order.js';
import type { PlanContext } from './context.js';
import type { HooksPlan } from './hooks.js';

const BLAST_ENFORCED = 'instance-wide: every push to every repository runs this hook and is rejected when it fails';
const BLAST_TESTING =
  'instance-wide: every push to every repository runs this hook; testing does not reject a push when the hook fails, ' +
  'but its run time counts toward the 5 s timeout that all hooks on a push share, and a timeout rejects the push';
const BLAST_CHANGED_ENFORCED =
  'instance-wide: every push to every repository runs the changed hook and is rejected when it fails';
export const BLAST_REMOVED = 'removes an enforced check from every repository';
export const BLAST_DOWNSTREAM_REVOKED =
  'instance-wide: organization and repository admins can no longer change this hook, so it runs on every push ' +
  'to every repository, where one of them had turned it off or to testing too';
const blastNewImage = (hooks: string[]) =>
  `instance-wide: ${hooks.length === 1 ? 'hook' : 'hooks'} ${hooks.map((name) => `"${name}"`).join(', ')} ` +
  `${hooks.length === 1 ? 'runs' : 'run'} in this environment on every push to every repository, with the new image once it is downloaded`;

/** A hook's enforcement going from `from` to `to` (its script or environment changed too: `codeChanged`). */
export function enforcementBlast(from: string, to: string, codeChanged: boolean): string | undefined {
  if (to === 'enabled') return from === 'enabled' ? (codeChanged ? BLAST_CHANGED_ENFORCED : undefined) : BLAST_ENFORCED;
  if (to === 'testing' && from !== 'testing' && from !== 'enabled') return BLAST_TESTING;
  return undefined;
}

/** A new image_url changes what every push runs for each hook that runs in the environment: instance-wide. */
export function markNewImages(context: PlanContext, hooks: HooksPlan): void {
  for (const op of context.operations) {
    if (op.kind !== 'environment' || op.action !== 'update' || op.fields?.image_url === undefined) continue;
    const running = [...(hooks.running.get(op.liveId ?? -1) ?? [])].sort(compareStrings);
    if (running.length > 0) op.blastRadius = blastNewImage(running);
  }
}
