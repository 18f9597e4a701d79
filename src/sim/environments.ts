// /admin/pre-receive-environments: CRUD plus the download trigger and status.
import { DOCS_ENVIRONMENTS } from './messages.js';
import { linkHeader, parsePageRequest } from './pagination.js';
import { renderDownload, renderEnvironment } from './render.js';
import { idParam, parseSort, type ApiResponse, type Route } from './route.js';
import { SimNotFoundError } from './state.js';

const base = '/admin/pre-receive-environments';
const one = /^\/admin\/pre-receive-environments\/([^/]+)$/;
const common = { access: 'admin', resource: 'PreReceiveEnvironment' } as const;

export const environmentRoutes: Route[] = [
  {
    ...common,
    method: 'GET',
    pattern: /^\/admin\/pre-receive-environments$/,
    docs: `${DOCS_ENVIRONMENTS}#list-pre-receive-environments`,
    handle(req, { store, origin }): ApiResponse {
      const { sort, direction } = parseSort(req.query);
      const page = parsePageRequest(req.query);
      const { items, total } = store.pageOfEnvironments(sort, direction, page.page, page.perPage);
      const link = linkHeader(req.url, page, total);
      return {
        status: 200,
        body: items.map((env) => renderEnvironment(origin, env, store.hooksCount(env.id))),
        headers: link ? { link } : {},
      };
    },
  },
  {
    ...common,
    method: 'POST',
    pattern: /^\/admin\/pre-receive-environments$/,
    docs: `${DOCS_ENVIRONMENTS}#create-a-pre-receive-environment`,
    handle(req, { store, origin }) {
      const env = store.createEnvironment({ name: req.body.name, image_url: req.body.image_url });
      return { status: 201, body: renderEnvironment(origin, env, 0) };
    },
  },
  {
    ...common,
    method: 'GET',
    pattern: one,
    docs: `${DOCS_ENVIRONMENTS}#get-a-pre-receive-environment`,
    handle(req, { store, origin }) {
      const id = idParam(req);
      const env = store.environment(id);
      if (!env) throw new SimNotFoundError(`${base}/${id}`);
      return { status: 200, body: renderEnvironment(origin, env, store.hooksCount(id)) };
    },
  },
  {
    ...common,
    method: 'PATCH',
    pattern: one,
    docs: `${DOCS_ENVIRONMENTS}#update-a-pre-receive-environment`,
    handle(req, { store, origin }) {
      const id = idParam(req);
      const env = store.updateEnvironment(id, { name: req.body.name, image_url: req.body.image_url });
      return { status: 200, body: renderEnvironment(origin, env, store.hooksCount(id)) };
    },
  },
  {
    ...common,
    method: 'DELETE',
    pattern: one,
    docs: `${DOCS_ENVIRONMENTS}#delete-a-pre-receive-environment`,
    handle(req, { store }) {
      store.deleteEnvironment(idParam(req));
      return { status: 204 };
    },
  },
  {
    ...common,
    method: 'POST',
    pattern: /^\/admin\/pre-receive-environments\/([^/]+)\/downloads$/,
    docs: `${DOCS_ENVIRONMENTS}#start-a-pre-receive-environment-download`,
    handle(req, { store, origin }) {
      const id = idParam(req);
      return { status: 202, body: renderDownload(origin, id, store.startDownload(id)) };
    },
  },
  {
    ...common,
    method: 'GET',
    pattern: /^\/admin\/pre-receive-environments\/([^/]+)\/downloads\/latest$/,
    docs: `${DOCS_ENVIRONMENTS}#get-the-download-status-for-a-pre-receive-environment`,
    handle(req, { store, origin }) {
      const id = idParam(req);
      const env = store.environment(id);
      if (!env) throw new SimNotFoundError(`${base}/${id}/downloads/latest`);
      return { status: 200, body: renderDownload(origin, id, env.download) };
    },
  },
];
