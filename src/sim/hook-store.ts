// Pre-receive hooks in the simulator's state: names unique case-insensitively, one hook per repository and script,
// an existing environment and a known (or auto-registered) repository; every problem of a change listed at once.
import { isoTime } from './clock.js';
import { SimNotFoundError, SimValidationError } from './errors.js';
import { MESSAGES } from './messages.js';
import type { RepositoryStore } from './repository-store.js';
import { idOrder, type Direction, type EnvironmentSort, type Page, type StoreContext } from './tables.js';
import { ENFORCEMENTS, type SimHook } from './types.js';
import { lower } from '../names.js';

/** What a hook is created with when the request leaves these out. */
const HOOK_DEFAULTS = { enforcement: 'disabled', allow_downstream_configuration: false } as const;

const scriptKey = (repository: string, script: string): string => `${lower(repository)}\0${script}`;

export interface HookCandidate {
  id: number;
  name: unknown;
  script: unknown;
  script_repository: unknown;
  environment_id: unknown;
  enforcement: unknown;
  allow_downstream_configuration: unknown;
  created_at: string;
  updated_at: string;
}

export class HookStore {
  readonly #ctx: StoreContext;
  readonly #patchOmitted: 'keep' | 'reset';
  readonly #repositories: RepositoryStore;
  /** The hook's overrides go with it (overrides.ts). */
  readonly #onDelete: (id: number) => void;

  constructor(
    ctx: StoreContext,
    patchOmitted: 'keep' | 'reset',
    repositories: RepositoryStore,
    onDelete: (id: number) => void,
  ) {
    this.#ctx = ctx;
    this.#patchOmitted = patchOmitted;
    this.#repositories = repositories;
    this.#onDelete = onDelete;
  }

  hooks(): SimHook[] {
    return idOrder(this.#ctx.tables.hooks).map((id) => this.hook(id)!);
  }

  hook(id: number): SimHook | undefined {
    const hook = this.#ctx.tables.hooks.get(id);
    return hook && { ...hook };
  }

  findHook(name: string): SimHook | undefined {
    const id = this.#ctx.tables.hookNames.get(lower(name));
    return id === undefined ? undefined : this.hook(id);
  }

  createHook(input: {
    name: unknown;
    script: unknown;
    script_repository: unknown;
    environment_id: unknown;
    enforcement?: unknown;
    allow_downstream_configuration?: unknown;
  }): SimHook {
    const now = isoTime(this.#ctx.clock());
    const candidate = {
      id: this.#ctx.tables.nextId.hook,
      name: input.name,
      script: input.script,
      script_repository: input.script_repository,
      environment_id: input.environment_id,
      enforcement: input.enforcement ?? 'disabled',
      allow_downstream_configuration: input.allow_downstream_configuration ?? false,
      created_at: now,
      updated_at: now,
    };
    const hook = this.valid(candidate);
    this.#ctx.tables.nextId.hook++;
    this.insert(hook);
    return { ...hook };
  }

  /** Partial update; omitted (undefined) fields are kept. */
  updateHook(
    id: number,
    patch: {
      name?: unknown;
      script?: unknown;
      script_repository?: unknown;
      environment_id?: unknown;
      enforcement?: unknown;
      allow_downstream_configuration?: unknown;
    },
  ): SimHook {
    const current = this.#require(id);
    const kept = this.#patchOmitted === 'keep' ? current : { ...current, ...HOOK_DEFAULTS };
    const merged = { ...kept, updated_at: isoTime(this.#ctx.clock()) } as Record<string, unknown>;
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) merged[key] = value;
    const hook = this.valid(merged as unknown as HookCandidate);
    this.#removeHookIndexes(current);
    this.insert(hook);
    return { ...hook };
  }

  deleteHook(id: number): void {
    this.#removeHookIndexes(this.#require(id));
    this.#ctx.tables.hooks.delete(id);
    this.#onDelete(id);
    this.#ctx.listings.changed('hook');
  }

  pageOfHooks(sort: EnvironmentSort, direction: Direction, page: number, perPage: number): Page<SimHook> {
    return this.#ctx.listings.page('hook', sort, direction, page, perPage, (id) => this.hook(id)!);
  }

  #require(id: number): SimHook {
    const hook = this.#ctx.tables.hooks.get(id);
    if (!hook) throw new SimNotFoundError(`no pre-receive hook ${id}`);
    return hook;
  }

  /** Checks a complete hook against every rule at once, so a 422 lists all problems. */
  valid(c: HookCandidate): SimHook {
    const errors: string[] = [];
    const name = typeof c.name === 'string' && c.name.trim() !== '' ? c.name : undefined;
    if (!name) errors.push(MESSAGES.nameBlank);
    const script = typeof c.script === 'string' && c.script.trim() !== '' ? c.script : undefined;
    if (!script) errors.push(MESSAGES.scriptBlank);

    let repository: string | undefined;
    if (typeof c.script_repository === 'string' && /^[^/\s]+\/[^/\s]+$/.test(c.script_repository)) {
      const known = this.#ctx.tables.repositories.get(lower(c.script_repository));
      if (known) repository = known.full_name;
      else if (this.#ctx.tables.autoRegister) repository = c.script_repository;
    }
    if (!repository) errors.push(MESSAGES.repositoryMissing);

    const environmentId = Number.isInteger(c.environment_id) ? (c.environment_id as number) : undefined;
    if (environmentId === undefined || !this.#ctx.tables.environments.has(environmentId)) {
      errors.push(MESSAGES.environmentMissing);
    }
    if (typeof c.enforcement !== 'string' || !(ENFORCEMENTS as readonly string[]).includes(c.enforcement)) {
      errors.push(MESSAGES.enforcementInvalid);
    }
    if (typeof c.allow_downstream_configuration !== 'boolean') errors.push(MESSAGES.allowDownstreamInvalid);

    if (name) {
      const owner = this.#ctx.tables.hookNames.get(lower(name));
      if (owner !== undefined && owner !== c.id) errors.push(MESSAGES.nameTaken);
    }
    if (script && repository) {
      const owner = this.#ctx.tables.hookScripts.get(scriptKey(repository, script));
      if (owner !== undefined && owner !== c.id) errors.push(MESSAGES.scriptTaken);
    }
    if (errors.length) throw new SimValidationError('PreReceiveHook', errors);

    if (!this.#ctx.tables.repositories.has(lower(repository!)))
      this.#repositories.addRepository({ full_name: repository! });
    return {
      id: c.id,
      name: name!,
      script: script!,
      script_repository: repository!,
      environment_id: environmentId!,
      enforcement: c.enforcement as string,
      allow_downstream_configuration: c.allow_downstream_configuration as boolean,
      created_at: c.created_at,
      updated_at: c.updated_at,
    };
  }

  insert(hook: SimHook): void {
    const t = this.#ctx.tables;
    t.hooks.set(hook.id, hook);
    t.hookNames.set(lower(hook.name), hook.id);
    t.hookScripts.set(scriptKey(hook.script_repository, hook.script), hook.id);
    t.hooksPerEnvironment.set(hook.environment_id, (t.hooksPerEnvironment.get(hook.environment_id) ?? 0) + 1);
    this.#ctx.listings.changed('hook');
  }

  #removeHookIndexes(hook: SimHook): void {
    const t = this.#ctx.tables;
    t.hookNames.delete(lower(hook.name));
    t.hookScripts.delete(scriptKey(hook.script_repository, hook.script));
    t.hooksPerEnvironment.set(hook.environment_id, (t.hooksPerEnvironment.get(hook.environment_id) ?? 1) - 1);
  }
}
