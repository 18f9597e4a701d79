// Who is asking, and may they: the simulator's tokens (site administrators, ordinary users, anything else), and
// the API request handed to its route with the caller's login. Site-admin endpoints hide themselves (404).
import type { IncomingMessage } from 'node:http';
import { isRecord, type ParsedBody } from './http.js';
import { MESSAGES } from './messages.js';
import { originOf } from './render.js';
import { notFound, type ApiResponse } from './route.js';
import { findRoute, runRoute } from './router.js';
import type { SimStateStore } from './state.js';

export const DEFAULT_ADMIN_TOKEN = 'ghes-sim-admin-token';
export const DEFAULT_USER_TOKEN = 'ghes-sim-user-token';

export interface AccessOptions {
  adminTokens: string[];
  userTokens: string[];
  /** The account (login) of each token; see SimulatorOptions.logins for the defaults. */
  logins?: Record<string, string>;
}

/** An API request below /api/v3, its body already read and parsed. */
export type Dispatch = (
  method: string,
  apiPath: string,
  url: URL,
  req: IncomingMessage,
  parsed: ParsedBody,
) => ApiResponse;

export function createDispatch(store: SimStateStore, options: AccessOptions): Dispatch {
  const { adminTokens, userTokens } = options;
  const admins = new Set(adminTokens);
  const users = new Set(userTokens);
  const loginOf = new Map<string, string>([
    ...adminTokens.map((t, i): [string, string] => [t, i === 0 ? 'ghes-admin' : `ghes-admin-${i + 1}`]),
    ...userTokens.map((t, i): [string, string] => [t, i === 0 ? 'ghes-user' : `ghes-user-${i + 1}`]),
    ...Object.entries(options.logins ?? {}),
  ]);

  return (method, apiPath, url, req, parsed) => {
    const credential = tokenOf(req.headers.authorization);
    const level =
      credential === undefined
        ? 'anonymous'
        : admins.has(credential)
          ? 'admin'
          : users.has(credential)
            ? 'user'
            : 'invalid';
    // A wrong token is refused everywhere, even where no token is needed.
    if (level === 'invalid') return { status: 401, body: { message: MESSAGES.badCredentials } };
    const found = findRoute(method, apiPath);
    if (!found) return notFound();
    const { route, params } = found;
    if (route.access !== 'none' && level === 'anonymous') {
      return { status: 401, body: { message: MESSAGES.badCredentials } };
    }
    // Site-admin endpoints hide themselves from everyone else.
    if (route.access === 'admin' && level !== 'admin') return notFound();
    if (!parsed.ok) return { status: 400, body: { message: MESSAGES.badJson } };

    const body = isRecord(parsed.value) ? parsed.value : {};
    const response = runRoute(
      route,
      { method, path: apiPath, url, query: url.searchParams, body, params, headers: req.headers },
      {
        store,
        origin: originOf(url.origin),
        login: (credential !== undefined && loginOf.get(credential)) || 'ghost',
      },
    );
    if (level === 'admin') response.headers = { 'x-oauth-scopes': 'site_admin, repo', ...response.headers };
    return response;
  };
}

/** `token X` and `Bearer X`, as GitHub accepts them. */
function tokenOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header);
  // Any other scheme is a credential we do not know: an empty string is never a token.
  return m ? m[1] : '';
}
