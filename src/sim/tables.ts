// The simulator state's tables and indexes, which load() replaces in one step, and the sorted id lists that keep
// a list request at O(page): each resource's store (environment-store.ts, hook-store.ts...) works on these.
import type { SimEnvironment, SimHook, SimRepository, SimWebhook } from './types.js';
import { lower } from '../names.js';

export type EnvironmentSort = 'created' | 'updated' | 'name';
export type Direction = 'asc' | 'desc';
export type Kind = 'environment' | 'hook' | 'webhook';

export interface Page<T> {
  items: T[];
  total: number;
}

/** Everything that load() and reset() replace in one step, so a failed load leaves the old state intact. */
export class Tables {
  environments = new Map<number, SimEnvironment>();
  hooks = new Map<number, SimHook>();
  webhooks = new Map<number, SimWebhook>();
  /** By lower-cased full_name: GitHub resolves repository names case-insensitively. */
  repositories = new Map<string, SimRepository>();
  autoRegister = true;
  environmentNames = new Map<string, number>();
  hookNames = new Map<string, number>();
  /** `${lower repo}\0${script}` -> hook id: a repository/script pair is unique. */
  hookScripts = new Map<string, number>();
  hooksPerEnvironment = new Map<number, number>();
  nextId = { environment: 1, hook: 1, webhook: 1, repository: 1 };
}

/** What every resource's store shares: the tables (replaced whole by load), the domain clock, the listings. */
export interface StoreContext {
  readonly tables: Tables;
  clock(): number;
  readonly listings: Listings;
}

/**
 * Sorted id lists per `${kind}:${sort}`, dropped when that kind changes: a list request costs O(page) unless
 * something changed since the last one (then one sort). Never O(n) work per item.
 */
export class Listings {
  readonly #order = new Map<string, number[]>();
  readonly #tables: () => Tables;

  constructor(tables: () => Tables) {
    this.#tables = tables;
  }

  clear(): void {
    this.#order.clear();
  }

  changed(kind: Kind): void {
    for (const key of this.#order.keys()) if (key.startsWith(`${kind}:`)) this.#order.delete(key);
  }

  page<T>(
    kind: Kind,
    sort: EnvironmentSort | 'id',
    direction: Direction,
    page: number,
    perPage: number,
    get: (id: number) => T,
  ): Page<T> {
    const ids = this.#sortedIds(kind, sort);
    const total = ids.length;
    const start = (page - 1) * perPage;
    const items: T[] = [];
    for (let i = start; i < Math.min(start + perPage, total); i++) {
      items.push(get(direction === 'asc' ? ids[i]! : ids[total - 1 - i]!));
    }
    return { items, total };
  }

  /** Ascending; callers index from the end for desc rather than copy the list. */
  #sortedIds(kind: Kind, sort: EnvironmentSort | 'id'): number[] {
    const key = `${kind}:${sort}`;
    let ids = this.#order.get(key);
    if (!ids) {
      const tables = this.#tables();
      const table: Map<number, { id: number; name?: string; created_at: string; updated_at: string }> =
        kind === 'environment' ? tables.environments : kind === 'hook' ? tables.hooks : tables.webhooks;
      const rows = [...table.values()];
      const field = (r: (typeof rows)[number]): string =>
        sort === 'name'
          ? lower(r.name ?? '')
          : sort === 'updated'
            ? r.updated_at
            : sort === 'created'
              ? r.created_at
              : '';
      rows.sort((a, b) => {
        const fa = field(a);
        const fb = field(b);
        return fa < fb ? -1 : fa > fb ? 1 : a.id - b.id;
      });
      ids = rows.map((r) => r.id);
      this.#order.set(key, ids);
    }
    return ids;
  }
}

export function idOrder(table: Map<number, unknown>): number[] {
  return [...table.keys()].sort((a, b) => a - b);
}

export function maxId(rows: Iterable<{ id: number }>): number {
  let max = 0;
  for (const r of rows) max = Math.max(max, r.id);
  return max;
}
