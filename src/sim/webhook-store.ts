// Global webhooks in the simulator's state: an http(s) URL, json or form, insecure_ssl "0"/"1", known events; the
// secret is stored as sent (an empty one is none), so a test can see a tool that wrote the mask back.
import { isoTime } from './clock.js';
import { SimNotFoundError, SimValidationError } from './errors.js';
import { MESSAGES } from './messages.js';
import { idOrder, type Page, type StoreContext } from './tables.js';
import { DEFAULT_WEBHOOK_EVENTS, WEBHOOK_EVENTS, type SimWebhook } from './types.js';

/** A create's body as the handler passes it: anything, checked here. */
export interface WebhookInput {
  url: unknown;
  content_type?: unknown;
  insecure_ssl?: unknown;
  secret?: unknown;
  events?: unknown;
  active?: unknown;
}

export interface WebhookCandidate {
  id: number;
  url: unknown;
  content_type: unknown;
  insecure_ssl: unknown;
  secret: unknown;
  events: unknown;
  active: unknown;
  created_at: string;
  updated_at: string;
}

export class WebhookStore {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  webhooks(): SimWebhook[] {
    return idOrder(this.#ctx.tables.webhooks).map((id) => this.webhook(id)!);
  }

  /** Includes the real secret: this is how a test sees that a tool stored the literal mask `********`. */
  webhook(id: number): SimWebhook | undefined {
    const hook = this.#ctx.tables.webhooks.get(id);
    return hook && { ...hook, events: [...hook.events] };
  }

  webhookSecret(id: number): string | null | undefined {
    return this.#ctx.tables.webhooks.get(id)?.secret;
  }

  createWebhook(input: WebhookInput): SimWebhook {
    const hook = this.#webhookCandidate(input);
    this.#ctx.tables.nextId.webhook++;
    this.#ctx.tables.webhooks.set(hook.id, hook);
    this.#ctx.listings.changed('webhook');
    return { ...hook, events: [...hook.events] };
  }

  /** The problems createWebhook would refuse `input` for; empty when it is acceptable. */
  webhookErrors(input: WebhookInput): string[] {
    try {
      this.#webhookCandidate(input);
      return [];
    } catch (error) {
      if (error instanceof SimValidationError) return error.errors;
      throw error;
    }
  }

  /**
   * Partial update: omitted (undefined) fields are kept. The API's reset-to-default PATCH semantics live in
   * the HTTP handler, which always passes every field.
   */
  updateWebhook(
    id: number,
    patch: {
      url?: unknown;
      content_type?: unknown;
      insecure_ssl?: unknown;
      secret?: unknown;
      events?: unknown;
      active?: unknown;
    },
  ): SimWebhook {
    const current = this.#ctx.tables.webhooks.get(id);
    if (!current) throw new SimNotFoundError(`no webhook ${id}`);
    const merged = { ...current, updated_at: isoTime(this.#ctx.clock()) } as Record<string, unknown>;
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) merged[key] = value;
    const hook = validWebhook(merged as unknown as WebhookCandidate);
    this.#ctx.tables.webhooks.set(id, hook);
    return { ...hook, events: [...hook.events] };
  }

  #webhookCandidate(input: WebhookInput): SimWebhook {
    const now = isoTime(this.#ctx.clock());
    return newWebhook(this.#ctx.tables.nextId.webhook, input, now, now);
  }

  deleteWebhook(id: number): void {
    if (!this.#ctx.tables.webhooks.delete(id)) throw new SimNotFoundError(`no webhook ${id}`);
    this.#ctx.listings.changed('webhook');
  }

  /** Webhooks in id order (the API has no sort parameter for them). */
  pageOfWebhooks(page: number, perPage: number): Page<SimWebhook> {
    return this.#ctx.listings.page('webhook', 'id', 'asc', page, perPage, (id) => this.webhook(id)!);
  }
}

/** A new webhook with GHES's defaults for what its body leaves out (a create, or a webhook of a state file). */
export function newWebhook(id: number, input: WebhookInput, createdAt: string, updatedAt: string): SimWebhook {
  return validWebhook({
    id,
    url: input.url,
    content_type: input.content_type ?? 'form',
    insecure_ssl: input.insecure_ssl ?? '0',
    secret: input.secret ?? null,
    events: input.events ?? DEFAULT_WEBHOOK_EVENTS,
    active: input.active ?? true,
    created_at: createdAt,
    updated_at: updatedAt,
  });
}

export function validWebhook(c: WebhookCandidate): SimWebhook {
  const errors: string[] = [];
  let url: string | undefined;
  if (typeof c.url !== 'string' || c.url === '') errors.push(MESSAGES.webhookUrlMissing);
  else if (!isHttpUrl(c.url)) errors.push(MESSAGES.webhookUrlInvalid);
  else url = c.url;
  if (c.content_type !== 'json' && c.content_type !== 'form') errors.push(MESSAGES.webhookContentType);
  if (c.insecure_ssl !== '0' && c.insecure_ssl !== '1') errors.push(MESSAGES.webhookInsecureSsl);
  if (c.secret !== null && typeof c.secret !== 'string') errors.push(MESSAGES.webhookSecret);
  const events = c.events;
  if (!Array.isArray(events) || !events.every((e) => typeof e === 'string' && WEBHOOK_EVENTS.includes(e))) {
    errors.push(MESSAGES.webhookEvents);
  }
  if (typeof c.active !== 'boolean') errors.push(MESSAGES.webhookActive);
  if (errors.length) throw new SimValidationError('Hook', errors);
  return {
    id: c.id,
    url: url!,
    content_type: c.content_type as 'json' | 'form',
    insecure_ssl: c.insecure_ssl as '0' | '1',
    // An empty secret means "no secret", as on GitHub.
    secret: c.secret === '' ? null : (c.secret as string | null),
    events: [...new Set(events as string[])],
    active: c.active as boolean,
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
