// Apply's part for global webhooks: create (adopting only a webhook the plan did not know, since URLs may repeat),
// update with the whole webhook (a PATCH resets what it omits), delete.
import { webhookIdentity } from '../config/types.js';
import { UserError } from '../errors.js';
import type { WebhookRequest } from '../github/api.js';
import type { WebhookFields, WebhookOperation } from '../plan/types.js';
import { liveIdOf } from './context.js';
import type { OperationContext, Outcome } from './context.js';

export async function executeWebhook(operation: WebhookOperation, context: OperationContext): Promise<Outcome> {
  const { api, slot } = context;
  switch (operation.action) {
    case 'create': {
      const body = webhookRequest(operation);
      return context.createOrAdopt(
        () => api.createWebhook(body),
        (live) => live.webhooks.find((w) => webhookIdentity(w.url) === body.url && !context.knownWebhookIds.has(w.id)),
      );
    }
    case 'update': {
      const id = liveIdOf(operation);
      const body = webhookRequest(operation);
      await slot(() => api.updateWebhook(id, body));
      return { liveId: id };
    }
    case 'delete': {
      const id = liveIdOf(operation);
      await slot(() => api.deleteWebhook(id));
      return { liveId: id };
    }
    case 'download':
      throw new UserError(`${operation.id}: a webhook has nothing to download`);
  }
}

/** The one place a webhook secret is revealed: into the request that sends it. */
function webhookRequest(operation: WebhookOperation): WebhookRequest {
  const fields: WebhookFields | undefined = operation.fields;
  if (fields === undefined) throw new UserError(`${operation.id}: the plan has no fields for this webhook`);
  return {
    url: fields.url,
    content_type: fields.content_type,
    insecure_ssl: fields.insecure_ssl,
    events: fields.events,
    active: fields.active,
    secret: fields.secret === undefined || fields.secret.isEmpty ? undefined : fields.secret.reveal(),
  };
}
