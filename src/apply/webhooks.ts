// Apply's part for global webhooks: create (adopting only a webhook the plan did not know, since URLs may repeat),
// update with the whole webhook (a PATCH resets what it omits), delete.
import { webhookIdentity } from '../config/types.js';
import type { WebhookRequest } from '../github/api.js';
import type { WebhookFields, WebhookOperation } from '../plan/types.js';
import type { OperationContext, Outcome } from './context.js';

export async function executeWebhook(operation: WebhookOperation, context: OperationContext): Promise<Outcome> {
  const { api, slot } = context;
  switch (operation.action) {
    case 'create': {
      const body = webhookRequest(operation.fields);
      return context.createOrAdopt(
        () => api.createWebhook(body),
        (live) => live.webhooks.find((w) => webhookIdentity(w.url) === body.url && !context.knownWebhookIds.has(w.id)),
      );
    }
    case 'update': {
      const id = operation.liveId;
      const body = webhookRequest(operation.fields);
      await slot(() => api.updateWebhook(id, body));
      return { liveId: id };
    }
    case 'delete': {
      const id = operation.liveId;
      await slot(() => api.deleteWebhook(id));
      return { liveId: id };
    }
  }
}

/** The one place a webhook secret is revealed: into the request that sends it. */
function webhookRequest(fields: WebhookFields): WebhookRequest {
  return {
    url: fields.url,
    content_type: fields.content_type,
    insecure_ssl: fields.insecure_ssl,
    events: fields.events,
    active: fields.active,
    secret: fields.secret === undefined || fields.secret.isEmpty ? undefined : fields.secret.reveal(),
  };
}
