// One operation: from plan fields to API calls, by the kind of object it acts on.
import type { Operation } from '../plan/types.js';
import type { OperationContext, Outcome } from './context.js';
import { executeEnvironment } from './environments.js';
import { executeHook } from './hooks.js';
import { executeOverride } from './overrides.js';
import { executeWebhook } from './webhooks.js';

export function execute(operation: Operation, context: OperationContext): Promise<Outcome> {
  switch (operation.kind) {
    case 'environment':
      return executeEnvironment(operation, context);
    case 'hook':
      return executeHook(operation, context);
    case 'webhook':
      return executeWebhook(operation, context);
    case 'override':
      return executeOverride(operation, context).then(() => ({}));
  }
}
