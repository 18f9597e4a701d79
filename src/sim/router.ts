// The API's route table and dispatch: path matching, the auth level each route needs, and the mapping of
// store errors to GitHub's 404 and 422 bodies.
import { environmentRoutes } from './environments.js';
import { issueCommentRoutes } from './issue-comments.js';
import { DOCS, MESSAGES } from './messages.js';
import { overrideRoutes } from './overrides.js';
import { preReceiveHookRoutes } from './pre-receive-hooks.js';
import { pullRequestRoutes } from './pull-requests.js';
import { repositoryRoutes } from './repositories.js';
import { notFound, type ApiRequest, type ApiResponse, type Route, type RouteContext } from './route.js';
import { SimNotFoundError, SimValidationError } from './state.js';
import { GHES_VERSION } from './types.js';
import { webhookRoutes } from './webhooks.js';

const metaRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/meta$/,
    access: 'none',
    docs: `${DOCS}/meta/meta#get-github-enterprise-server-meta-information`,
    handle: () => ({
      status: 200,
      body: { verifiable_password_authentication: true, installed_version: GHES_VERSION },
    }),
  },
  {
    // Rate limiting is off by default on GHES, and clients that probe it must cope with this 404.
    method: 'GET',
    pattern: /^\/rate_limit$/,
    access: 'none',
    docs: `${DOCS}/rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user`,
    handle: () => ({ status: 404, body: { message: MESSAGES.rateLimitDisabled } }),
  },
  {
    // Who the token belongs to: the daemon's issue reporter counts only issues its own account opened, the
    // Action's comment only comments its own account wrote. An installation token (a `[bot]` login, such as a
    // workflow's GITHUB_TOKEN) is refused this endpoint on GitHub.
    method: 'GET',
    pattern: /^\/user$/,
    access: 'user',
    docs: `${DOCS}/users/users#get-the-authenticated-user`,
    handle: (_req, { login, origin }) =>
      login.endsWith('[bot]')
        ? {
            status: 403,
            body: {
              message: MESSAGES.notAccessibleByIntegration,
              documentation_url: `${DOCS}/users/users#get-the-authenticated-user`,
            },
          }
        : { status: 200, body: { login, id: 1, type: 'User', url: `${origin.api}/users/${login}` } },
  },
];

export const ROUTES: readonly Route[] = [
  ...metaRoutes,
  ...environmentRoutes,
  ...preReceiveHookRoutes,
  ...overrideRoutes,
  ...webhookRoutes,
  ...repositoryRoutes,
  ...issueCommentRoutes,
  ...pullRequestRoutes,
];

/** The route for a method and path, or undefined (GitHub answers 404 for an unknown method too). */
export function findRoute(method: string, path: string): { route: Route; params: string[] } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (m) return { route, params: m.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return undefined;
}

/** Runs a route, turning store errors into the API's error bodies. */
export function runRoute(route: Route, req: ApiRequest, ctx: RouteContext): ApiResponse {
  try {
    return route.handle(req, ctx);
  } catch (error) {
    if (error instanceof SimNotFoundError) return notFound();
    if (error instanceof SimValidationError) {
      return {
        status: 422,
        body: {
          message: MESSAGES.validationFailed,
          errors: error.errors.map((message) => ({ resource: error.resource, code: 'custom', message })),
          documentation_url: route.docs,
        },
      };
    }
    throw error;
  }
}
