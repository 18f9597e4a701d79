// What a route is (request, response, access level) and the small helpers every handler file shares.
import type { IncomingHttpHeaders } from 'node:http';
import { MESSAGES, type ErrorResource } from './messages.js';
import type { Origin } from './render.js';
import { SimNotFoundError, type SimStateStore } from './state.js';

export interface ApiRequest {
  method: string;
  /** Below /api/v3, e.g. /admin/hooks/3. */
  path: string;
  /** The absolute URL as the client addressed it (for Link headers). */
  url: URL;
  query: URLSearchParams;
  /** Parsed JSON; {} when the body was empty or not an object. */
  body: Record<string, unknown>;
  /** The route's capture groups. */
  params: string[];
  /** Lower-cased names, as node:http gives them (`accept`, `if-none-match`). */
  headers: IncomingHttpHeaders;
}

export interface ApiResponse {
  status: number;
  /** Sent as JSON, unless `text` is set. */
  body?: unknown;
  /** A body sent as it is, with the `content-type` given in headers (e.g. a commit's sha as plain text). */
  text?: string;
  headers?: Record<string, string>;
}

export interface RouteContext {
  store: SimStateStore;
  origin: Origin;
  /** The account the request's token belongs to (the author of what it creates). */
  login: string;
}

/** none: anyone; user: any known token; admin: a site-admin token (others get 404, as on GHES). */
export type Access = 'none' | 'user' | 'admin';

export interface Route {
  method: string;
  pattern: RegExp;
  access: Access;
  /** For 422 bodies. */
  resource?: ErrorResource;
  docs: string;
  handle(req: ApiRequest, ctx: RouteContext): ApiResponse;
}

export function notFound(): ApiResponse {
  return { status: 404, body: { message: MESSAGES.notFound } };
}

/** Path ids are positive integers; anything else can only be a 404. */
export function idParam(req: ApiRequest, index = 0): number {
  const raw = req.params[index] ?? '';
  if (!/^\d+$/.test(raw)) throw new SimNotFoundError(`bad id ${raw}`);
  return Number(raw);
}

/** `sort`/`direction` for the pre-receive lists; unknown values fall back to the defaults. */
export function parseSort(query: URLSearchParams): { sort: 'created' | 'updated' | 'name'; direction: 'asc' | 'desc' } {
  const sort = query.get('sort');
  const direction = query.get('direction');
  return {
    sort: sort === 'updated' || sort === 'name' ? sort : 'created',
    direction: direction === 'asc' ? 'asc' : 'desc',
  };
}
