// /admin/hooks: global webhooks. The traps live here: masked secrets, and a PATCH that resets every field
// it does not mention to its default (an omitted secret is removed).
import { DOCS_GLOBAL_WEBHOOKS, MESSAGES } from './messages.js';
import { linkHeader, parsePageRequest } from './pagination.js';
import { renderWebhook } from './render.js';
import { idParam, type ApiResponse, type Route } from './route.js';
import { SimNotFoundError, SimValidationError } from './state.js';
import { DEFAULT_WEBHOOK_EVENTS } from './types.js';

const one = /^\/admin\/hooks\/([^/]+)$/;
const common = { access: 'admin', resource: 'Hook' } as const;

function configOf(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const config = body.config;
  if (config === undefined) return undefined;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new SimValidationError('Hook', [MESSAGES.webhookUrlMissing]);
  }
  return config as Record<string, unknown>;
}

export const webhookRoutes: Route[] = [
  {
    ...common,
    method: 'GET',
    pattern: /^\/admin\/hooks$/,
    docs: `${DOCS_GLOBAL_WEBHOOKS}#list-global-webhooks`,
    handle(req, { store, origin }): ApiResponse {
      const page = parsePageRequest(req.query);
      const { items, total } = store.pageOfWebhooks(page.page, page.perPage);
      const link = linkHeader(req.url, page, total);
      return { status: 200, body: items.map((h) => renderWebhook(origin, h)), headers: link ? { link } : {} };
    },
  },
  {
    ...common,
    method: 'POST',
    pattern: /^\/admin\/hooks$/,
    docs: `${DOCS_GLOBAL_WEBHOOKS}#create-a-global-webhook`,
    handle(req, { store, origin }) {
      const nameErrors = req.body.name === 'web' ? [] : [MESSAGES.webhookName];
      const config = configOf(req.body) ?? {};
      const input = {
        url: config.url ?? null,
        content_type: config.content_type,
        insecure_ssl: config.insecure_ssl,
        secret: config.secret,
        events: req.body.events,
        active: req.body.active,
      };
      // Validate everything before creating anything, so a 422 lists every problem at once.
      const errors = [...nameErrors, ...store.webhookErrors(input)];
      if (errors.length) throw new SimValidationError('Hook', errors);
      return { status: 201, body: renderWebhook(origin, store.createWebhook(input)) };
    },
  },
  {
    ...common,
    method: 'GET',
    pattern: one,
    docs: `${DOCS_GLOBAL_WEBHOOKS}#get-a-global-webhook`,
    handle(req, { store, origin }) {
      const id = idParam(req);
      const hook = store.webhook(id);
      if (!hook) throw new SimNotFoundError(`webhook ${id}`);
      return { status: 200, body: renderWebhook(origin, hook) };
    },
  },
  {
    ...common,
    method: 'PATCH',
    pattern: one,
    docs: `${DOCS_GLOBAL_WEBHOOKS}#update-a-global-webhook`,
    handle(req, { store, origin }) {
      const id = idParam(req);
      if (!store.webhook(id)) throw new SimNotFoundError(`webhook ${id}`);
      const config = configOf(req.body);
      // "Parameters that are not provided will be overwritten with the default value or removed if no
      // default exists." Inside `config` that removes the secret. Without any `config` the config is kept,
      // as for repository hooks (UNVERIFIED for global hooks); events and active still reset.
      const configPatch = config && {
        url: config.url ?? null,
        content_type: config.content_type ?? 'form',
        insecure_ssl: config.insecure_ssl ?? '0',
        secret: config.secret ?? null,
      };
      const hook = store.updateWebhook(id, {
        ...configPatch,
        events: req.body.events ?? DEFAULT_WEBHOOK_EVENTS,
        active: req.body.active ?? true,
      });
      return { status: 200, body: renderWebhook(origin, hook, false) };
    },
  },
  {
    ...common,
    method: 'DELETE',
    pattern: one,
    docs: `${DOCS_GLOBAL_WEBHOOKS}#delete-a-global-webhook`,
    handle(req, { store }) {
      store.deleteWebhook(idParam(req));
      return { status: 204 };
    },
  },
  {
    ...common,
    method: 'POST',
    pattern: /^\/admin\/hooks\/([^/]+)\/pings$/,
    docs: `${DOCS_GLOBAL_WEBHOOKS}#ping-a-global-webhook`,
    handle(req, { store }) {
      const id = idParam(req);
      if (!store.webhook(id)) throw new SimNotFoundError(`webhook ${id}`);
      return { status: 204 };
    },
  },
];
