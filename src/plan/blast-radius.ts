// Blast radius: the words a plan shows beside a change whose effect is instance-wide (every push to every repository
// runs the hook), so that a reviewer weighs it, each part with its code for machines.
import type { Warning, WarningCode } from '../finding-codes.js';
import { compareStrings } from './order.js';
import type { PlanContext } from './context.js';
import type { HooksPlan } from './hooks.js';
import type { Operation } from './types.js';

/** One part of a blast radius: its words and its code. */
export type Blast = Warning<Extract<WarningCode, `blast-${string}`>>;

const blast = (code: Blast['code'], message: string): Blast => ({ code, message });

const BLAST_ENFORCED = blast(
  'blast-enforced',
  'instance-wide: every push to every repository runs this hook and is rejected when it fails',
);
const BLAST_TESTING = blast(
  'blast-testing',
  'instance-wide: every push to every repository runs this hook; testing does not reject a push when the hook fails, ' +
    'but its run time counts toward the 5 s timeout that all hooks on a push share, and a timeout rejects the push',
);
const BLAST_CHANGED_ENFORCED = blast(
  'blast-changed-enforced',
  'instance-wide: every push to every repository runs the changed hook and is rejected when it fails',
);
export const BLAST_REMOVED = blast('blast-removed', 'removes an enforced check from every repository');
export const BLAST_DOWNSTREAM_REVOKED = blast(
  'blast-downstream-revoked',
  'instance-wide: organization and repository admins can no longer change this hook, so it runs on every push ' +
    'to every repository, where one of them had turned it off or to testing too',
);
const blastNewImage = (hooks: string[]): Blast =>
  blast(
    'blast-new-image',
    `instance-wide: ${hooks.length === 1 ? 'hook' : 'hooks'} ${hooks.map((name) => `"${name}"`).join(', ')} ` +
      `${hooks.length === 1 ? 'runs' : 'run'} in this environment on every push to every repository, with the new image once it is downloaded`,
  );

/** An organization's override: every repository in it without its own runs with `enforcement`. */
export function organizationBlast(organization: string, enforcement: string): Blast {
  return blast(
    'blast-organization',
    `organization-wide: every repository in ${organization} without an override of its own runs with ${enforcement}`,
  );
}

/** Sets the operation's blast radius from its parts (none: leaves it without), text and codes together. */
export function setBlastRadius(op: Operation, blasts: readonly (Blast | undefined)[]): void {
  const parts = blasts.filter((part) => part !== undefined);
  if (parts.length === 0) return;
  op.blastRadius = parts.map((part) => part.message).join('; ');
  op.blastRadiusCodes = parts.map((part) => part.code);
}

/** A hook's enforcement going from `from` to `to` (its script or environment changed too: `codeChanged`). */
export function enforcementBlast(from: string, to: string, codeChanged: boolean): Blast | undefined {
  if (to === 'enabled') return from === 'enabled' ? (codeChanged ? BLAST_CHANGED_ENFORCED : undefined) : BLAST_ENFORCED;
  if (to === 'testing' && from !== 'testing' && from !== 'enabled') return BLAST_TESTING;
  return undefined;
}

/** A new image_url changes what every push runs for each hook that runs in the environment: instance-wide. */
export function markNewImages(context: PlanContext, hooks: HooksPlan): void {
  for (const op of context.operations) {
    if (op.kind !== 'environment' || op.action !== 'update' || op.fields?.image_url === undefined) continue;
    const running = [...(hooks.running.get(op.liveId ?? -1) ?? [])].sort(compareStrings);
    if (running.length > 0) setBlastRadius(op, [blastNewImage(running)]);
  }
}
