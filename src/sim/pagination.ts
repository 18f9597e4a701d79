// GitHub's list conventions: per_page (default 30, max 100), page, and a Link header with absolute URLs.

export interface PageRequest {
  page: number;
  perPage: number;
}

export function parsePageRequest(query: URLSearchParams): PageRequest {
  return {
    page: positiveInt(query.get('page')) ?? 1,
    perPage: Math.min(positiveInt(query.get('per_page')) ?? 30, 100),
  };
}

function positiveInt(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 ? n : undefined;
}

/**
 * The Link header for `page` of `total` items, or undefined when everything fits on one page (GitHub then
 * sends none). Other query parameters are kept as the client sent them; only `page` changes.
 */
export function linkHeader(url: URL, request: PageRequest, total: number): string | undefined {
  const last = Math.max(1, Math.ceil(total / request.perPage));
  if (last <= 1) return undefined;
  const at = (page: number): string => {
    const u = new URL(url);
    u.searchParams.set('page', String(page));
    return `<${u.toString()}>`;
  };
  const links: string[] = [];
  if (request.page > 1) links.push(`${at(request.page - 1)}; rel="prev"`);
  if (request.page < last) links.push(`${at(request.page + 1)}; rel="next"`, `${at(last)}; rel="last"`);
  if (request.page > 1) links.push(`${at(1)}; rel="first"`);
  return links.join(', ');
}
