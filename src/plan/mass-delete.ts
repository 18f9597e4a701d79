// The mass-delete guard: apply refuses a plan that deletes all, or more than half, of a kind's live objects unless
// the user allows it, because a config that lost a file or a key looks exactly like this.
import { KINDS } from '../config/types.js';
import type { Kind } from '../config/types.js';
import type { Plan } from './types.js';

/** Messages for each kind whose live objects the plan deletes all of (n > 0) or more than half of. */
export function checkMassDelete(plan: Plan): string[] {
  const deletes: Record<Kind, number> = { environment: 0, hook: 0, webhook: 0 };
  // Removing an override deletes nothing: the hook stays, and only a declared `inherit` asks for it.
  for (const op of plan.operations) if (op.action === 'delete' && op.kind !== 'override') deletes[op.kind] += 1;
  const messages: string[] = [];
  for (const kind of KINDS) {
    const live = plan.liveCounts[kind];
    const count = deletes[kind];
    if (live === 0 || count === 0) continue;
    if (count >= live) {
      messages.push(`the plan deletes all ${live} live ${NOUNS[kind]}`);
    } else if (count * 2 > live) {
      messages.push(`the plan deletes ${count} of ${live} live ${NOUNS[kind]} (more than half)`);
    }
  }
  return messages;
}

const NOUNS: Record<Kind, string> = {
  environment: 'pre-receive environments',
  hook: 'pre-receive hooks',
  webhook: 'global webhooks',
};
