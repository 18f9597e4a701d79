// The planner's part for global webhooks: identified by URL, so no renames; a webhook PATCH resets what it omits,
// so an update sends the whole desired webhook, secret included, and a secret that cannot be sent refuses the plan.
import { webhookIdentity } from '../config/types.js';
import type { DesiredState, DesiredWebhook } from '../config/types.js';
import { INSECURE_SSL_WARNING } from '../config/warnings.js';
import type { SourceLocation } from '../errors.js';
import type { Warning } from '../finding-codes.js';
import type { ObservedState, ObservedWebhook } from '../github/types.js';
import { isMaskedSecret, SENSITIVE, SENT_AGAIN } from '../secret.js';
import { deletion, fromNothing, refuse } from './context.js';
import { prunes, undeclarableWebhook } from './declarable.js';
import type { PlanContext } from './context.js';
import { compareStrings } from './order.js';
import type { FieldChange, PlanOptions, WebhookFields, WebhookOperation } from './types.js';
import { ABSENT, PRUNED } from './codes.js';
import type { Because, DeleteReason } from './codes.js';

/** What the API returns in place of a webhook secret; sending it back would make it the secret. */
const MASKED_SECRET = '********';

export function planWebhooks(
  desired: DesiredState,
  observed: ObservedState,
  options: PlanOptions,
  context: PlanContext,
): void {
  const liveByUrl = new Map<string, ObservedWebhook[]>();
  for (const hook of observed.webhooks) {
    const url = webhookIdentity(hook.url);
    const list = liveByUrl.get(url);
    if (list) list.push(hook);
    else liveByUrl.set(url, [hook]);
  }
  const claimedUrls = new Set<string>();

  for (const entry of desired.webhooks) {
    const url = webhookIdentity(entry.url);
    if (claimedUrls.has(url)) {
      refuse(context, `webhook "${url}" is declared twice`, entry.location);
      continue;
    }
    claimedUrls.add(url);
    const live = (liveByUrl.get(url) ?? []).slice().sort((a, b) => a.id - b.id);
    let refused = false;
    if (live.length > 1) {
      refused = true;
      refuse(
        context,
        `webhook "${url}": ambiguous: ids ${live.map((hook) => hook.id).join(', ')} all have this URL on the live instance`,
        entry.location,
        'delete the extra webhooks by hand so that one remains, then plan again',
      );
    }
    // reveal() only to compare: the API's mask, sent back as a value, would become the secret.
    if (entry.secret !== undefined && isMaskedSecret(entry.secret.reveal())) {
      refused = true;
      refuse(
        context,
        `webhook "${url}": the secret is only asterisks, like "${MASKED_SECRET}", the mask the API shows in place of a secret, not the secret itself`,
        entry.location,
        'set `secret:` from an environment variable that holds the real secret',
      );
    }
    const current = live[0];
    if (refused) continue;
    if (entry.absent) {
      if (current) context.operations.push(deleteWebhook(current, url, ABSENT, entry.location));
      continue;
    }
    const op = current ? updateWebhook(entry, url, current, options, context) : createWebhook(entry, url);
    if (op) context.operations.push(op);
  }

  for (const [url, live] of liveByUrl) {
    if (claimedUrls.has(url)) continue;
    for (const hook of live) {
      // Keys must stay unique: unmanaged webhooks may share a URL.
      const key = live.length > 1 ? `${url} (id ${hook.id})` : url;
      if (prunes(desired.prune.webhooks, 'webhook', hook, url, undeclarableWebhook, context.warnings)) {
        context.operations.push(deleteWebhook(hook, key, PRUNED));
      } else context.unmanaged.push({ kind: 'webhook', key, id: hook.id });
    }
  }
}

function webhookFields(entry: DesiredWebhook, url: string): WebhookFields {
  return {
    url,
    content_type: entry.content_type,
    insecure_ssl: entry.insecure_ssl,
    events: [...entry.events].sort(compareStrings),
    active: entry.active,
    secret: entry.secret !== undefined && !entry.secret.isEmpty ? entry.secret : undefined,
  };
}

function webhookWarnings(fields: WebhookFields): Warning[] {
  return fields.insecure_ssl ? [{ code: 'insecure-ssl', message: INSECURE_SSL_WARNING }] : [];
}

function createWebhook(entry: DesiredWebhook, url: string): WebhookOperation {
  const fields = webhookFields(entry, url);
  const { secret, ...shown } = fields;
  return {
    id: `webhook:create:${url}`,
    kind: 'webhook',
    key: url,
    action: 'create',
    changes: { ...fromNothing(shown), ...(secret && { secret: { from: null, to: SENSITIVE } }) },
    dependsOn: [],
    fields,
    warnings: webhookWarnings(fields),
    location: entry.location,
  };
}

function updateWebhook(
  entry: DesiredWebhook,
  url: string,
  current: ObservedWebhook,
  options: PlanOptions,
  context: PlanContext,
): WebhookOperation | undefined {
  const fields = webhookFields(entry, url);
  const changes: Record<string, FieldChange> = {};
  if (current.content_type !== fields.content_type) {
    changes.content_type = { from: current.content_type, to: fields.content_type };
  }
  if (current.insecure_ssl !== fields.insecure_ssl) {
    changes.insecure_ssl = { from: current.insecure_ssl, to: fields.insecure_ssl };
  }
  const liveEvents = [...current.events].sort(compareStrings);
  if (liveEvents.join('\n') !== fields.events.join('\n')) changes.events = { from: liveEvents, to: fields.events };
  if (current.active !== fields.active) changes.active = { from: current.active, to: fields.active };

  let because: Because<'sync-secrets'> | undefined;
  const wantSecret = entry.secret !== undefined && !entry.secret.isEmpty;
  if (entry.secret !== undefined) {
    if (wantSecret && !current.has_secret) changes.secret = { from: null, to: SENSITIVE };
    else if (!wantSecret && current.has_secret) changes.secret = { from: SENSITIVE, to: null };
  }
  // A PATCH erases what it omits, so every update sends the configured secret: it replaces the live one, which may
  // differ (it cannot be read back). Say so, or a stale secret in CI would rotate the live one unseen.
  if (wantSecret && current.has_secret && (Object.keys(changes).length > 0 || options.syncSecrets)) {
    if (Object.keys(changes).length === 0) {
      because = {
        reason: 'sync secrets: sent again, because secret drift cannot be detected',
        reasonCode: 'sync-secrets',
      };
    }
    changes.secret = { from: SENSITIVE, to: SENT_AGAIN };
  }
  const changed = Object.keys(changes);
  if (changed.length === 0) return undefined;

  if (entry.secret === undefined && current.has_secret) {
    const at = `${entry.location.file}:${entry.location.line}`;
    refuse(
      context,
      `webhook "${url}": updating it (${changed.join(', ')}) would erase its secret: the live webhook has a secret, ` +
        'which cannot be read back, and the config entry has no `secret` key',
      entry.location,
      `add \`secret: \${SOME_ENV_VAR}\` to the entry at ${at}, naming an environment variable that holds the secret`,
    );
    return undefined;
  }
  return {
    id: `webhook:update:${url}`,
    kind: 'webhook',
    key: url,
    action: 'update',
    changes,
    dependsOn: [],
    liveId: current.id,
    fields,
    ...because,
    warnings: webhookWarnings(fields),
    location: entry.location,
  };
}

function deleteWebhook(
  hook: ObservedWebhook,
  key: string,
  because: Because<DeleteReason>,
  at?: SourceLocation,
): WebhookOperation {
  return { kind: 'webhook', ...deletion('webhook', key, hook.id, because, at) };
}
