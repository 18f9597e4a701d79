// Observe: list the three admin collections, every page, concurrently, in as few requests as the pagination allows
// (ceil(n/100) per kind), and normalize them into the ObservedState the planner diffs against.
import pLimit, { type LimitFunction } from 'p-limit';
import type { OverrideTargets } from '../config/overrides.js';
import type { ObservedState } from './types.js';
import type { GhesOctokit } from './client.js';
import type { RequestSummary } from './errors.js';
import { UnexpectedResponseError } from './errors.js';
import { expectList, normalizeEnvironment, normalizeHook, normalizeWebhook } from './normalize.js';
import { observeOverrides } from './overrides.js';

export const PER_PAGE = 100;
export const DEFAULT_PAGE_CONCURRENCY = 4;

/** Performs one request and maps its failure to a user-facing error; supplied by the admin API. */
export type Send = <T = unknown>(
  summary: { method: string; path: string; adminList?: boolean },
  run: () => Promise<{ data: T; headers: Record<string, string | number | undefined> }>,
) => Promise<{ data: T; headers: Record<string, string | number | undefined> }>;

export async function observe(
  octokit: GhesOctokit,
  send: Send,
  apiUrl: string,
  pageConcurrency = DEFAULT_PAGE_CONCURRENCY,
  targets?: OverrideTargets,
): Promise<ObservedState> {
  // One limiter for the whole observation, so that three kinds with many pages never exceed it together.
  const limit = pLimit(Math.max(1, pageConcurrency));
  const list = (path: string, query: Record<string, string>) => listAll(octokit, send, apiUrl, limit, path, query);
  // direction=asc: the lists default to newest first, which shifts every page when something is created mid-walk.
  const hasTargets = targets !== undefined && targets.organizations.length + targets.repositories.length > 0;
  const [environments, hooks, webhooks, overrides] = await Promise.all([
    list('/admin/pre-receive-environments', { direction: 'asc' }),
    list('/admin/pre-receive-hooks', { direction: 'asc' }),
    list('/admin/hooks', {}),
    // Org and repo lists are not /admin: a 404 there names a missing organization or repository.
    hasTargets
      ? observeOverrides(
          (path, query) => listAll(octokit, send, apiUrl, limit, path, query, { adminList: false }),
          targets,
        )
      : undefined,
  ]);
  return {
    environments: environments.map(({ item, request }) => normalizeEnvironment(item, request)),
    hooks: hooks.map(({ item, request }) => normalizeHook(item, request)),
    webhooks: webhooks.map(({ item, request }) => normalizeWebhook(item, request)),
    ...(overrides && { overrides }),
  };
}

interface Listed {
  item: unknown;
  request: RequestSummary;
}

async function listAll(
  octokit: GhesOctokit,
  send: Send,
  apiUrl: string,
  limit: LimitFunction,
  path: string,
  query: Record<string, string>,
  options: { adminList?: boolean } = {},
): Promise<Listed[]> {
  const fetchPage = async (page: number) => {
    const params = { ...query, per_page: String(PER_PAGE), ...(page > 1 ? { page: String(page) } : {}) };
    const display = `${path}?${new URLSearchParams(params).toString()}`;
    const response = await limit(() =>
      send({ method: 'GET', path: display, adminList: options.adminList ?? true }, () =>
        octokit.request(`GET ${path}`, params as Record<string, string>),
      ),
    );
    const request: RequestSummary = { method: 'GET', path: display, apiUrl };
    const items = expectList(response.data, request);
    const links = parseLinks(response.headers.link);
    return { items: items.map((item) => ({ item, request })), links, request };
  };

  const first = await fetchPage(1);
  const pages = [first.items];
  const last = pageNumber(first.links.last, first.request);
  if (last !== undefined) {
    // The last page is known: fetch the rest at once, bounded by the shared limiter.
    const rest = await Promise.all(
      Array.from({ length: Math.max(0, last - 1) }, (_, i) => fetchPage(i + 2).then((p) => p.items)),
    );
    pages.push(...rest);
  } else {
    // No rel="last": all we can do is follow rel="next" one page at a time.
    let next = pageNumber(first.links.next, first.request);
    let previous = 1;
    while (next !== undefined) {
      if (next <= previous)
        throw new UnexpectedResponseError(first.request, `the Link header goes back to page ${next}`);
      const page = await fetchPage(next);
      pages.push(page.items);
      previous = next;
      next = pageNumber(page.links.next, page.request);
    }
  }
  return dedupeById(pages.flat());
}

/** Items can move between pages while we read them (a delete shifts the rest); keep each id once. */
function dedupeById(items: Listed[]): Listed[] {
  const seen = new Set<unknown>();
  return items.filter(({ item }) => {
    const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
    if (id === undefined) return true; // normalize reports it with the request it came from
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** `<https://h/api/v3/admin/hooks?page=2&per_page=100>; rel="next", <...>; rel="last"` -> { next, last } */
export function parseLinks(header: string | number | undefined): Record<string, string> {
  const links: Record<string, string> = {};
  if (typeof header !== 'string') return links;
  for (const part of header.split(',')) {
    const match = /<([^>]*)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) {
      for (const rel of match[2].split(/\s+/)) links[rel] = match[1];
    }
  }
  return links;
}

/**
 * We take only the page number from a Link and request it on our own base URL: a proxy may rewrite the host in
 * Link headers, and the token must never follow a link to another host.
 */
function pageNumber(link: string | undefined, request: RequestSummary): number | undefined {
  if (link === undefined) return undefined;
  let page: string | null;
  try {
    page = new URL(link, 'http://link.invalid').searchParams.get('page');
  } catch {
    page = null;
  }
  const n = page === null ? NaN : Number(page);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new UnexpectedResponseError(request, `a Link header without a usable page number: ${link}`);
  }
  return n;
}
