// /admin/pre-receive-hooks: CRUD. PATCH is partial; references arrive as {full_name} and {id} objects.
import { DOCS_PRE_RECEIVE_HOOKS } from './messages.js';
import { linkHeader, parsePageRequest } from './pagination.js';
import { renderHook } from './render.js';
import { idParam, parseSort, type ApiResponse, type Route } from './route.js';
import { SimNotFoundError } from './state.js';

const one = /^\/admin\/pre-receive-hooks\/([^/]+)$/;
const common = { access: 'admin', resource: 'PreReceiveHook' } as const;

/** `{full_name}` -> the name; a present but unusable reference becomes null so validation rejects it. */
function repositoryRef(value: unknown): unknown {
  if (value === undefined) return undefined;
  const fullName = isObject(value) ? value.full_name : undefined;
  return typeof fullName === 'string' ? fullName : null;
}

function environmentRef(value: unknown): unknown {
  if (value === undefined) return undefined;
  return isObject(value) && value.id !== undefined ? value.id : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const preReceiveHookRoutes: Route[] = [
  {
    ...common,
    method: 'GET',
    pattern: /^\/admin\/pre-receive-hooks$/,
    docs: `${DOCS_PRE_RECEIVE_HOOKS}#list-pre-receive-hooks`,
    handle(req, { store, origin }): ApiResponse {
      const { sort, direction } = parseSort(req.query);
      const page = parsePageRequest(req.query);
      const { items, total } = store.pageOfHooks(sort, direction, page.page, page.perPage);
      const link = linkHeader(req.url, page, total);
      return {
        status: 200,
        body: items.map((hook) => renderHook(origin, hook, store)),
        headers: link ? { link } : {},
      };
    },
  },
  {
    ...common,
    method: 'POST',
    pattern: /^\/admin\/pre-receive-hooks$/,
    docs: `${DOCS_PRE_RECEIVE_HOOKS}#create-a-pre-receive-hook`,
    handle(req, { store, origin }) {
      const b = req.body;
      const hook = store.createHook({
        name: b.name,
        script: b.script,
        script_repository: repositoryRef(b.script_repository) ?? null,
        environment_id: environmentRef(b.environment) ?? null,
        enforcement: b.enforcement,
        allow_downstream_configuration: b.allow_downstream_configuration,
      });
      return { status: 201, body: renderHook(origin, hook, store) };
    },
  },
  {
    ...common,
    method: 'GET',
    pattern: one,
    docs: `${DOCS_PRE_RECEIVE_HOOKS}#get-a-pre-receive-hook`,
    handle(req, { store, origin }) {
      const id = idParam(req);
      const hook = store.hook(id);
      if (!hook) throw new SimNotFoundError(`pre-receive hook ${id}`);
      return { status: 200, body: renderHook(origin, hook, store) };
    },
  },
  {
    ...common,
    method: 'PATCH',
    pattern: one,
    docs: `${DOCS_PRE_RECEIVE_HOOKS}#update-a-pre-receive-hook`,
    handle(req, { store, origin }) {
      const b = req.body;
      const hook = store.updateHook(idParam(req), {
        name: b.name,
        script: b.script,
        script_repository: repositoryRef(b.script_repository),
        environment_id: environmentRef(b.environment),
        enforcement: b.enforcement,
        allow_downstream_configuration: b.allow_downstream_configuration,
      });
      return { status: 200, body: renderHook(origin, hook, store) };
    },
  },
  {
    ...common,
    method: 'DELETE',
    pattern: one,
    docs: `${DOCS_PRE_RECEIVE_HOOKS}#delete-a-pre-receive-hook`,
    handle(req, { store }) {
      store.deleteHook(idParam(req));
      return { status: 204 };
    },
  },
];
