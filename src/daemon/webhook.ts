// `POST /hooks/github`: a push webhook from the config repository asks for a reconcile. The payload only
// triggers one, never says what to apply (as Argo CD's). Signature checked in constant time on the raw body.
import { verify } from '@octokit/webhooks-methods';
import type { WebhookEvent, WebhookResult } from './metrics.js';

/** GitHub's own cap on a delivery's payload is 25 MB; a push that matters to us is far smaller (Flux: 3 MiB). */
export const MAX_WEBHOOK_BODY_BYTES = 3 * 1024 * 1024;

export interface WebhookSettings {
  secret: string;
  /** OWNER/NAME: only pushes to this repository trigger; undefined: any repository's push. */
  repository?: string;
  /** A branch (`main`) or full ref (`refs/heads/main`); undefined: any ref. */
  ref?: string;
}

export interface WebhookAnswer {
  status: number;
  event: WebhookEvent;
  result: WebhookResult;
  message: string;
  /** Start a reconcile. */
  reconcile: boolean;
}

/** Decides what a delivery means; the HTTP server sends the answer and starts the reconcile. */
export async function receiveWebhook(
  settings: WebhookSettings,
  headers: { event?: string; signature?: string },
  body: string,
): Promise<WebhookAnswer> {
  const event: WebhookEvent = headers.event === 'push' ? 'push' : headers.event === 'ping' ? 'ping' : 'other';
  const answer = (status: number, result: WebhookResult, message: string, reconcile = false): WebhookAnswer => ({
    status,
    event,
    result,
    message,
    reconcile,
  });
  if (!headers.signature || body === '' || !(await verify(settings.secret, body, headers.signature))) {
    return answer(401, 'unauthorized', 'missing or invalid X-Hub-Signature-256');
  }
  if (event === 'ping') return answer(200, 'pong', 'pong');
  if (event !== 'push') return answer(202, 'ignored', `ignored: not a push event`);
  let payload: { ref?: unknown; repository?: { full_name?: unknown } };
  try {
    payload = JSON.parse(body) as typeof payload;
  } catch {
    return answer(400, 'bad_request', 'the body is not JSON (set the webhook content type to application/json)');
  }
  const repository = typeof payload.repository?.full_name === 'string' ? payload.repository.full_name : '';
  const ref = typeof payload.ref === 'string' ? payload.ref : '';
  if (settings.repository && repository.toLowerCase() !== settings.repository.toLowerCase()) {
    return answer(202, 'ignored', 'ignored: a push to another repository');
  }
  if (settings.ref && ref !== fullRef(settings.ref)) return answer(202, 'ignored', 'ignored: a push to another ref');
  return answer(202, 'accepted', 'accepted: reconcile requested', true);
}

function fullRef(ref: string): string {
  return ref.startsWith('refs/') ? ref : `refs/heads/${ref}`;
}
