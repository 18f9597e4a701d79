// Enforcement overrides of pre-receive hooks per organization and repository, and the effective values GHES shows
// at each level: global → organization → repository, each level configurable only when the one above allows it.
// `configuration_url` names the level that owns the effective value; the lists hide hooks that are disabled above
// and not configurable at that level.
import { DOCS_ORG_PRE_RECEIVE_HOOKS, DOCS_REPO_PRE_RECEIVE_HOOKS, MESSAGES } from './messages.js';
import { linkHeader, parsePageRequest } from './pagination.js';
import type { Origin } from './render.js';
import { idParam, notFound, parseSort, type ApiRequest, type ApiResponse, type Route } from './route.js';
import { SimNotFoundError, SimStateError, SimValidationError, type SimStateStore } from './state.js';
import { ENFORCEMENTS, type SimHook, type SimHookOverride, type SimOrganization, type SimStateInput } from './types.js';
import { lower } from '../names.js';

const key = (target: string, hookId: number): string => `${lower(target)}\0${hookId}`;

/** The level whose setting is in effect, as `configuration_url` points at it. */
type Level = { kind: 'global' } | { kind: 'organization'; login: string } | { kind: 'repository'; fullName: string };

/** What one level shows for one hook. */
export interface EffectiveHook {
  hook: SimHook;
  enforcement: string;
  /** Whether the level below may override (for a repository: nothing is below, but the value is kept). */
  allowDownstream: boolean;
  /** Whether this level may set its own enforcement. */
  configurable: boolean;
  owner: Level;
}

interface Tables {
  organizations: Map<string, SimOrganization>;
  /** key(login, hook id) -> override */
  organizationOverrides: Map<string, { enforcement: string; allow_downstream_configuration: boolean }>;
  /** key(full name, hook id) -> override */
  repositoryOverrides: Map<string, { enforcement: string }>;
  nextOrganizationId: number;
}

function emptyTables(): Tables {
  return {
    organizations: new Map(),
    organizationOverrides: new Map(),
    repositoryOverrides: new Map(),
    nextOrganizationId: 1,
  };
}

export class SimOverrides {
  readonly #store: SimStateStore;
  #t: Tables = emptyTables();

  constructor(store: SimStateStore) {
    this.#store = store;
  }

  /** Replaces organizations and overrides from a state input; the store's hooks and repositories are loaded first. */
  load(input: SimStateInput): void {
    const previous = this.#t;
    this.#t = emptyTables();
    try {
      this.#ingest(input);
    } catch (error) {
      this.#t = previous;
      throw error;
    }
  }

  snapshot(): { organizations: SimOrganization[]; pre_receive_hook_overrides: SimHookOverride[] } {
    const organizations = [...this.#t.organizations.values()].sort((a, b) => a.id - b.id).map((o) => ({ ...o }));
    const overrides: SimHookOverride[] = [];
    for (const [k, o] of this.#t.organizationOverrides) {
      const [login = '', id = '0'] = k.split('\0');
      overrides.push({
        hook_id: Number(id),
        organization: this.#t.organizations.get(login)?.login ?? login,
        enforcement: o.enforcement,
        allow_downstream_configuration: o.allow_downstream_configuration,
      });
    }
    for (const [k, o] of this.#t.repositoryOverrides) {
      const [name = '', id = '0'] = k.split('\0');
      overrides.push({
        hook_id: Number(id),
        repository: this.#store.repositoryRef(name)?.full_name ?? name,
        enforcement: o.enforcement,
      });
    }
    overrides.sort(
      (a, b) =>
        a.hook_id - b.hook_id ||
        Number(a.organization === undefined) - Number(b.organization === undefined) ||
        compare(a.organization ?? '', b.organization ?? '') ||
        compare(a.repository ?? '', b.repository ?? ''),
    );
    return { organizations, pre_receive_hook_overrides: overrides };
  }

  organization(login: string): SimOrganization | undefined {
    const org = this.#t.organizations.get(lower(login));
    return org && { ...org };
  }

  addOrganization(login: string): SimOrganization {
    const existing = this.#t.organizations.get(lower(login));
    if (existing) return { ...existing };
    if (!/^[A-Za-z0-9_.-]+$/.test(login)) throw new SimStateError(`invalid organization login ${login}`);
    const org = { id: this.#t.nextOrganizationId++, login };
    this.#t.organizations.set(lower(login), org);
    return { ...org };
  }

  /** The stored override of a hook in an organization, whether or not it is in effect. */
  organizationOverride(login: string, hookId: number) {
    const o = this.#t.organizationOverrides.get(key(login, hookId));
    return o && { ...o };
  }

  repositoryOverride(fullName: string, hookId: number) {
    const o = this.#t.repositoryOverrides.get(key(fullName, hookId));
    return o && { ...o };
  }

  /** Deleting a global hook takes its overrides with it (UNVERIFIED on GHES: the simulator's choice). */
  hookDeleted(hookId: number): void {
    for (const table of [this.#t.organizationOverrides, this.#t.repositoryOverrides]) {
      for (const k of [...table.keys()]) if (k.endsWith(`\0${hookId}`)) table.delete(k);
    }
  }

  // ---- effective values ----

  atOrganization(login: string, hook: SimHook): EffectiveHook {
    const org = this.#requireOrganization(login);
    const configurable = hook.allow_downstream_configuration;
    const own = configurable ? this.#t.organizationOverrides.get(key(org.login, hook.id)) : undefined;
    if (own) {
      return {
        hook,
        enforcement: own.enforcement,
        allowDownstream: own.allow_downstream_configuration,
        configurable,
        owner: { kind: 'organization', login: org.login },
      };
    }
    return {
      hook,
      enforcement: hook.enforcement,
      allowDownstream: hook.allow_downstream_configuration,
      configurable,
      owner: { kind: 'global' },
    };
  }

  atRepository(fullName: string, hook: SimHook): EffectiveHook {
    const repo = this.#requireRepository(fullName);
    const [ownerLogin = ''] = repo.full_name.split('/');
    // A repository owned by a user has no organization level between it and the global hook.
    const above = this.#t.organizations.has(lower(ownerLogin))
      ? this.atOrganization(ownerLogin, hook)
      : {
          hook,
          enforcement: hook.enforcement,
          allowDownstream: hook.allow_downstream_configuration,
          configurable: false,
          owner: { kind: 'global' } as Level,
        };
    const configurable = hook.allow_downstream_configuration && above.allowDownstream;
    const own = configurable ? this.#t.repositoryOverrides.get(key(repo.full_name, hook.id)) : undefined;
    if (own) {
      return {
        hook,
        enforcement: own.enforcement,
        allowDownstream: false,
        configurable,
        owner: { kind: 'repository', fullName: repo.full_name },
      };
    }
    return { hook, enforcement: above.enforcement, allowDownstream: false, configurable, owner: above.owner };
  }

  // ---- changes, as the PATCH and DELETE endpoints make them ----

  /** Creates or changes the organization's override; omitted fields keep their effective value. */
  setAtOrganization(
    login: string,
    hookId: number,
    body: { enforcement?: unknown; allow_downstream_configuration?: unknown },
  ) {
    const hook = this.#requireHook(hookId);
    const current = this.atOrganization(login, hook);
    const errors: string[] = [];
    if (!current.configurable) errors.push(MESSAGES.hookNotConfigurableOrg);
    if (body.enforcement !== undefined && !isEnforcement(body.enforcement)) errors.push(MESSAGES.enforcementInvalid);
    const allow = body.allow_downstream_configuration;
    if (allow !== undefined && typeof allow !== 'boolean') errors.push(MESSAGES.allowDownstreamInvalid);
    if (errors.length) throw new SimValidationError('PreReceiveHook', errors);
    const org = this.#requireOrganization(login);
    this.#t.organizationOverrides.set(key(org.login, hookId), {
      enforcement: (body.enforcement as string | undefined) ?? current.enforcement,
      allow_downstream_configuration: (allow as boolean | undefined) ?? current.allowDownstream,
    });
    return this.atOrganization(login, hook);
  }

  /** Removes the organization's override, if any: the hook inherits again. */
  removeAtOrganization(login: string, hookId: number): EffectiveHook {
    const hook = this.#requireHook(hookId);
    const org = this.#requireOrganization(login);
    this.#t.organizationOverrides.delete(key(org.login, hookId));
    return this.atOrganization(login, hook);
  }

  setAtRepository(fullName: string, hookId: number, body: { enforcement?: unknown }): EffectiveHook {
    const hook = this.#requireHook(hookId);
    const current = this.atRepository(fullName, hook);
    const errors: string[] = [];
    if (!current.configurable) errors.push(MESSAGES.hookNotConfigurableRepo);
    if (body.enforcement !== undefined && !isEnforcement(body.enforcement)) errors.push(MESSAGES.enforcementInvalid);
    if (errors.length) throw new SimValidationError('PreReceiveHook', errors);
    const repo = this.#requireRepository(fullName);
    this.#t.repositoryOverrides.set(key(repo.full_name, hookId), {
      enforcement: (body.enforcement as string | undefined) ?? current.enforcement,
    });
    return this.atRepository(fullName, hook);
  }

  removeAtRepository(fullName: string, hookId: number): EffectiveHook {
    const hook = this.#requireHook(hookId);
    const repo = this.#requireRepository(fullName);
    this.#t.repositoryOverrides.delete(key(repo.full_name, hookId));
    return this.atRepository(fullName, hook);
  }

  // ---- internals ----

  #requireHook(id: number): SimHook {
    const hook = this.#store.hook(id);
    if (!hook) throw new SimNotFoundError(`no pre-receive hook ${id}`);
    return hook;
  }

  #requireOrganization(login: string): SimOrganization {
    const org = this.#t.organizations.get(lower(login));
    if (!org) throw new SimNotFoundError(`no organization ${login}`);
    return org;
  }

  #requireRepository(fullName: string): { id: number; full_name: string } {
    const repo = this.#store.repositoryRef(fullName);
    if (!repo) throw new SimNotFoundError(`no repository ${fullName}`);
    return repo;
  }

  #ingest(input: SimStateInput): void {
    const fail = (message: string): never => {
      throw new SimStateError(`invalid simulator state: ${message}`);
    };
    const organizations = input.organizations ?? [];
    if (!Array.isArray(organizations)) fail('organizations must be an array');
    const ids = new Set<number>();
    organizations.forEach((o, i) => {
      const at = `organizations[${i}]`;
      if (typeof o !== 'object' || o === null || typeof o.login !== 'string') fail(`${at}.login must be a string`);
      if (!/^[A-Za-z0-9_.-]+$/.test(o.login)) fail(`${at}.login ${o.login} is not a login`);
      if (this.#t.organizations.has(lower(o.login))) fail(`${at}: duplicate ${o.login}`);
      if (o.id !== undefined && (!Number.isInteger(o.id) || o.id < 1 || ids.has(o.id))) {
        fail(`${at}.id must be a unique positive integer`);
      }
      if (o.id !== undefined) ids.add(o.id);
      this.#t.organizations.set(lower(o.login), { id: o.id ?? 0, login: o.login });
    });
    let next = Math.max(0, ...ids) + 1;
    for (const org of this.#t.organizations.values()) if (org.id === 0) org.id = next++;
    this.#t.nextOrganizationId = next;

    const overrides = input.pre_receive_hook_overrides ?? [];
    if (!Array.isArray(overrides)) fail('pre_receive_hook_overrides must be an array');
    overrides.forEach((o, i) => {
      const at = `pre_receive_hook_overrides[${i}]`;
      if (typeof o !== 'object' || o === null) fail(`${at} must be an object`);
      if (!this.#store.hook(o.hook_id)) fail(`${at}.hook_id ${String(o.hook_id)} is not a hook`);
      if (!isEnforcement(o.enforcement)) fail(`${at}.enforcement must be one of ${ENFORCEMENTS.join(', ')}`);
      if ((o.organization === undefined) === (o.repository === undefined)) {
        fail(`${at} must name exactly one of organization and repository`);
      }
      if (o.organization !== undefined) {
        const org = this.#t.organizations.get(lower(o.organization));
        if (!org) fail(`${at}.organization ${o.organization} is not in organizations`);
        if (o.allow_downstream_configuration !== undefined && typeof o.allow_downstream_configuration !== 'boolean') {
          fail(`${at}.allow_downstream_configuration must be a boolean`);
        }
        const k = key(o.organization, o.hook_id);
        if (this.#t.organizationOverrides.has(k)) fail(`${at}: duplicate override`);
        this.#t.organizationOverrides.set(k, {
          enforcement: o.enforcement,
          allow_downstream_configuration:
            o.allow_downstream_configuration ?? this.#store.hook(o.hook_id)!.allow_downstream_configuration,
        });
      } else {
        if (o.allow_downstream_configuration !== undefined) {
          fail(`${at}: a repository override has no allow_downstream_configuration`);
        }
        if (!this.#store.repositoryRef(o.repository!)) fail(`${at}.repository ${o.repository} is not in repositories`);
        const k = key(o.repository!, o.hook_id);
        if (this.#t.repositoryOverrides.has(k)) fail(`${at}: duplicate override`);
        this.#t.repositoryOverrides.set(k, { enforcement: o.enforcement });
      }
    });
  }
}

function isEnforcement(value: unknown): value is string {
  return typeof value === 'string' && (ENFORCEMENTS as readonly string[]).includes(value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering and routes

function configurationUrl(o: Origin, level: Level, hookId: number): string {
  switch (level.kind) {
    case 'global':
      return `${o.api}/admin/pre-receive-hooks/${hookId}`;
    case 'organization':
      return `${o.api}/orgs/${level.login}/pre-receive-hooks/${hookId}`;
    case 'repository':
      return `${o.api}/repos/${level.fullName}/pre-receive-hooks/${hookId}`;
  }
}

/** org-pre-receive-hook, or repository-pre-receive-hook (which has no allow_downstream_configuration). */
function renderEffective(o: Origin, e: EffectiveHook, scope: 'organization' | 'repository'): Record<string, unknown> {
  return {
    id: e.hook.id,
    name: e.hook.name,
    enforcement: e.enforcement,
    configuration_url: configurationUrl(o, e.owner, e.hook.id),
    ...(scope === 'organization' ? { allow_downstream_configuration: e.allowDownstream } : {}),
  };
}

/** A level lists what runs there, and what is off but could be turned on there; the rest is hidden. */
function isListed(e: EffectiveHook): boolean {
  return e.enforcement !== 'disabled' || e.configurable;
}

function listAt(req: ApiRequest, store: SimStateStore, effective: (hook: SimHook) => EffectiveHook) {
  const { sort, direction } = parseSort(req.query);
  const page = parsePageRequest(req.query);
  const all = store.pageOfHooks(sort, direction, 1, Number.MAX_SAFE_INTEGER).items;
  const listed = all.map(effective).filter(isListed);
  const start = (page.page - 1) * page.perPage;
  return { items: listed.slice(start, start + page.perPage), link: linkHeader(req.url, page, listed.length) };
}

const org = (req: ApiRequest): string => req.params[0] ?? '';
const repo = (req: ApiRequest): string => `${req.params[0] ?? ''}/${req.params[1] ?? ''}`;

function hookOf(store: SimStateStore, req: ApiRequest, index: number): SimHook {
  const id = idParam(req, index);
  const hook = store.hook(id);
  if (!hook) throw new SimNotFoundError(`pre-receive hook ${id}`);
  return hook;
}

const orgOne = /^\/orgs\/([^/]+)\/pre-receive-hooks\/([^/]+)$/;
const repoOne = /^\/repos\/([^/]+)\/([^/]+)\/pre-receive-hooks\/([^/]+)$/;
const orgCommon = { access: 'admin', resource: 'PreReceiveHook' } as const;

export const overrideRoutes: Route[] = [
  {
    ...orgCommon,
    method: 'GET',
    pattern: /^\/orgs\/([^/]+)\/pre-receive-hooks$/,
    docs: `${DOCS_ORG_PRE_RECEIVE_HOOKS}#list-pre-receive-hooks-for-an-organization`,
    handle(req, { store, origin }): ApiResponse {
      if (!store.overrides.organization(org(req))) return notFound();
      const { items, link } = listAt(req, store, (hook) => store.overrides.atOrganization(org(req), hook));
      return {
        status: 200,
        body: items.map((e) => renderEffective(origin, e, 'organization')),
        headers: link ? { link } : {},
      };
    },
  },
  {
    ...orgCommon,
    method: 'GET',
    pattern: orgOne,
    docs: `${DOCS_ORG_PRE_RECEIVE_HOOKS}#get-a-pre-receive-hook-for-an-organization`,
    handle(req, { store, origin }) {
      const e = store.overrides.atOrganization(org(req), hookOf(store, req, 1));
      return { status: 200, body: renderEffective(origin, e, 'organization') };
    },
  },
  {
    ...orgCommon,
    method: 'PATCH',
    pattern: orgOne,
    docs: `${DOCS_ORG_PRE_RECEIVE_HOOKS}#update-pre-receive-hook-enforcement-for-an-organization`,
    handle(req, { store, origin }) {
      const hook = hookOf(store, req, 1);
      const e = store.overrides.setAtOrganization(org(req), hook.id, {
        enforcement: req.body.enforcement,
        allow_downstream_configuration: req.body.allow_downstream_configuration,
      });
      return { status: 200, body: renderEffective(origin, e, 'organization') };
    },
  },
  {
    ...orgCommon,
    method: 'DELETE',
    pattern: orgOne,
    docs: `${DOCS_ORG_PRE_RECEIVE_HOOKS}#remove-pre-receive-hook-enforcement-for-an-organization`,
    handle(req, { store, origin }) {
      // 200 with the inherited values, not 204: the hook itself stays.
      const e = store.overrides.removeAtOrganization(org(req), hookOf(store, req, 1).id);
      return { status: 200, body: renderEffective(origin, e, 'organization') };
    },
  },
  {
    ...orgCommon,
    method: 'GET',
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/pre-receive-hooks$/,
    docs: `${DOCS_REPO_PRE_RECEIVE_HOOKS}#list-pre-receive-hooks-for-a-repository`,
    handle(req, { store, origin }): ApiResponse {
      if (!store.repositoryRef(repo(req))) return notFound();
      const { items, link } = listAt(req, store, (hook) => store.overrides.atRepository(repo(req), hook));
      return {
        status: 200,
        body: items.map((e) => renderEffective(origin, e, 'repository')),
        headers: link ? { link } : {},
      };
    },
  },
  {
    ...orgCommon,
    method: 'GET',
    pattern: repoOne,
    docs: `${DOCS_REPO_PRE_RECEIVE_HOOKS}#get-a-pre-receive-hook-for-a-repository`,
    handle(req, { store, origin }) {
      const e = store.overrides.atRepository(repo(req), hookOf(store, req, 2));
      return { status: 200, body: renderEffective(origin, e, 'repository') };
    },
  },
  {
    ...orgCommon,
    method: 'PATCH',
    pattern: repoOne,
    docs: `${DOCS_REPO_PRE_RECEIVE_HOOKS}#update-pre-receive-hook-enforcement-for-a-repository`,
    handle(req, { store, origin }) {
      const hook = hookOf(store, req, 2);
      const e = store.overrides.setAtRepository(repo(req), hook.id, { enforcement: req.body.enforcement });
      return { status: 200, body: renderEffective(origin, e, 'repository') };
    },
  },
  {
    ...orgCommon,
    method: 'DELETE',
    pattern: repoOne,
    docs: `${DOCS_REPO_PRE_RECEIVE_HOOKS}#remove-pre-receive-hook-enforcement-for-a-repository`,
    handle(req, { store, origin }) {
      const e = store.overrides.removeAtRepository(repo(req), hookOf(store, req, 2).id);
      return { status: 200, body: renderEffective(origin, e, 'repository') };
    },
  },
];
