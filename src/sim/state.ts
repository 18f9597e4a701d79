// The simulator's in-memory database and the GHES rules that guard it. The HTTP handlers and tests that
// change things "behind the tool's back" both go through these methods, so the indexes and rules always hold.
import { isoTime, systemClock, type Clock } from './clock.js';
import { GitObjects, type GitCommit } from './git.js';
import { IssueCommentStore, IssueStore } from './issue-comments.js';
import { PullRequestStore } from './pull-requests.js';
import { MESSAGES, type ErrorResource } from './messages.js';
import { SimOverrides } from './overrides.js';
import {
  DEFAULT_WEBHOOK_EVENTS,
  ENFORCEMENTS,
  WEBHOOK_EVENTS,
  type SimDownload,
  type SimEnvironment,
  type SimEnvironmentInput,
  type SimFile,
  type SimHook,
  type SimHookInput,
  type SimRepository,
  type SimRepositoryInput,
  type SimState,
  type SimStateInput,
  type SimWebhook,
  type SimWebhookInput,
} from './types.js';
import { lower } from '../names.js';

// The state types are also importable from here, next to the store that holds them.
export type {
  DownloadState,
  SimDownload,
  SimEnvironment,
  SimEnvironmentInput,
  SimFile,
  SimHook,
  SimHookInput,
  SimRepository,
  SimRepositoryInput,
  SimState,
  SimStateInput,
  SimWebhook,
  SimWebhookInput,
} from './types.js';

/** A GHES rule refused the change; the API turns it into 422 Validation Failed. */
export class SimValidationError extends Error {
  override readonly name = 'SimValidationError';
  constructor(
    readonly resource: ErrorResource,
    readonly errors: string[],
  ) {
    super(errors.join('; '));
  }
}

/** No object with that id; the API turns it into 404. */
export class SimNotFoundError extends Error {
  override readonly name = 'SimNotFoundError';
}

/** A state file or `load()` argument is malformed (wrong types, dangling references, duplicates). */
export class SimStateError extends Error {
  override readonly name = 'SimStateError';
}

export interface StoreOptions {
  clock?: Clock;
  /** How long a download stays `in_progress`; 0 completes it on the next read. */
  downloadMs?: number;
  /** Returns the failure message for an image URL that cannot be downloaded, undefined when it can. */
  failDownload?: (imageUrl: string) => string | undefined;
  /** Start a download without an explicit POST .../downloads (behaviour on real GHES is unverified). */
  autoDownload?: { onCreate?: boolean; onImageUrlChange?: boolean };
  /**
   * What a hook PATCH does with the fields it omits. GHES does not document it: 'keep' (default) leaves them as
   * they are; 'reset' gives `enforcement` and `allow_downstream_configuration` their create defaults, as a global
   * webhook PATCH does with what it omits.
   */
  hookPatchOmitted?: 'keep' | 'reset';
}

export type EnvironmentSort = 'created' | 'updated' | 'name';
export type Direction = 'asc' | 'desc';

export const DEFAULT_ENVIRONMENT: Readonly<SimEnvironment> = {
  id: 1,
  name: 'Default',
  image_url: 'githubenterprise://internal',
  default_environment: true,
  created_at: '2016-05-20T16:35:45Z',
  updated_at: '2016-05-20T16:35:45Z',
  download: { state: 'success', downloaded_at: '2016-05-20T16:35:45Z', message: null },
};

/** What a hook is created with when the request leaves these out. */
const HOOK_DEFAULTS = { enforcement: 'disabled', allow_downstream_configuration: false } as const;

export function defaultFailDownload(imageUrl: string): string | undefined {
  return imageUrl.includes('fail') ? `Failed to download ${imageUrl}: 404 Not Found` : undefined;
}

/** Everything that load() and reset() replace in one step, so a failed load leaves the old state intact. */
class Tables {
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

type Kind = 'environment' | 'hook' | 'webhook';

const scriptKey = (repository: string, script: string): string => `${lower(repository)}\0${script}`;

export class SimStateStore {
  readonly clock: Clock;
  readonly #downloadMs: number;
  readonly #failDownload: (imageUrl: string) => string | undefined;
  readonly #autoDownload: { onCreate: boolean; onImageUrlChange: boolean };
  readonly #hookPatchOmitted: 'keep' | 'reset';
  #t = new Tables();
  /** Sorted id lists per `${kind}:${sort}`, dropped when that kind changes: a list request costs O(page)
   *  unless something changed since the last one (then one sort). Never O(n) work per item. */
  readonly #order = new Map<string, number[]>();
  /** Pull-request comments (the Action's sticky plan comment); kept apart from the admin state and its load(). */
  readonly issueComments = new IssueCommentStore(() => this.clock());
  /** Organizations and the hooks' enforcement overrides in them and in repositories (overrides.ts). */
  readonly overrides = new SimOverrides(this);
  /** Issues (the daemon's drift report); kept apart from the admin state like the comments. */
  readonly issues = new IssueStore(() => this.clock(), this.issueComments);
  /** Commits, trees and blobs of the repositories; the default branch follows `files` (see #defaultHead). */
  readonly #git = new GitObjects();
  /** Lower-cased full_name -> the default branch's head for the files as they are; dropped when they change. */
  readonly #defaultHeads = new Map<string, string>();
  /** Pull requests by the commits they hold, so an apply after a merge can find the one merged. */
  readonly pullRequests = new PullRequestStore(() => this.clock());

  constructor(options: StoreOptions = {}, initial?: SimStateInput) {
    this.clock = options.clock ?? systemClock;
    this.#downloadMs = options.downloadMs ?? 50;
    this.#failDownload = options.failDownload ?? defaultFailDownload;
    this.#autoDownload = {
      onCreate: options.autoDownload?.onCreate ?? false,
      onImageUrlChange: options.autoDownload?.onImageUrlChange ?? false,
    };
    this.#hookPatchOmitted = options.hookPatchOmitted ?? 'keep';
    if (initial) this.load(initial);
    else this.reset();
  }

  // ---- whole state ----

  /** Back to a fresh appliance: only the default environment, any repository accepted. */
  reset(): void {
    this.load({});
  }

  /** Replaces the whole state. Throws SimStateError (and keeps the old state) when the input is invalid. */
  load(input: SimStateInput): void {
    const previous = this.#t;
    this.#t = new Tables();
    this.#order.clear();
    try {
      this.#ingest(input);
      this.overrides.load(input);
    } catch (error) {
      this.#t = previous;
      throw error instanceof SimValidationError ? new SimStateError(error.message) : error;
    }
    this.#git.clear();
    this.#defaultHeads.clear();
  }

  /** A deep copy as JSON-ready data, objects in id order, downloads resolved against the clock. */
  snapshot(): SimState {
    return {
      environments: this.environments(),
      hooks: this.hooks(),
      webhooks: this.webhooks(),
      repositories: this.repositories(),
      auto_register_repositories: this.#t.autoRegister,
      ...this.overrides.snapshot(),
    };
  }

  counts(): { environments: number; hooks: number; webhooks: number; repositories: number } {
    return {
      environments: this.#t.environments.size,
      hooks: this.#t.hooks.size,
      webhooks: this.#t.webhooks.size,
      repositories: this.#t.repositories.size,
    };
  }

  // ---- environments ----

  environments(): SimEnvironment[] {
    return idOrder(this.#t.environments).map((id) => this.environment(id)!);
  }

  environment(id: number): SimEnvironment | undefined {
    const env = this.#t.environments.get(id);
    return env && copyEnvironment(this.#resolve(env));
  }

  findEnvironment(name: string): SimEnvironment | undefined {
    const id = this.#t.environmentNames.get(lower(name));
    return id === undefined ? undefined : this.environment(id);
  }

  /** The default environment, identified by its flag and not by id or name. */
  defaultEnvironment(): SimEnvironment {
    for (const env of this.#t.environments.values()) if (env.default_environment) return this.environment(env.id)!;
    throw new Error('the state has no default environment');
  }

  hooksCount(environmentId: number): number {
    return this.#t.hooksPerEnvironment.get(environmentId) ?? 0;
  }

  createEnvironment(input: { name: unknown; image_url: unknown }): SimEnvironment {
    const errors = [...this.#environmentNameErrors(input.name), ...imageUrlErrors(input.image_url)];
    if (errors.length) throw new SimValidationError('PreReceiveEnvironment', errors);
    const now = isoTime(this.clock());
    const env: SimEnvironment = {
      id: this.#t.nextId.environment++,
      name: input.name as string,
      image_url: input.image_url as string,
      default_environment: false,
      created_at: now,
      updated_at: now,
      download: { state: 'not_started', downloaded_at: null, message: null },
    };
    this.#insertEnvironment(env);
    if (this.#autoDownload.onCreate) this.#begin(env);
    return copyEnvironment(env);
  }

  /** Partial update; omitted (undefined) fields are kept. */
  updateEnvironment(id: number, patch: { name?: unknown; image_url?: unknown }): SimEnvironment {
    const env = this.#requireEnvironment(id);
    if (env.default_environment) throw new SimValidationError('PreReceiveEnvironment', [MESSAGES.defaultEnvironment]);
    const errors = [
      ...(patch.name === undefined ? [] : this.#environmentNameErrors(patch.name, id)),
      ...(patch.image_url === undefined ? [] : imageUrlErrors(patch.image_url)),
    ];
    if (errors.length) throw new SimValidationError('PreReceiveEnvironment', errors);
    const imageChanged = patch.image_url !== undefined && patch.image_url !== env.image_url;
    if (patch.name !== undefined) {
      this.#t.environmentNames.delete(lower(env.name));
      env.name = patch.name as string;
      this.#t.environmentNames.set(lower(env.name), id);
    }
    if (patch.image_url !== undefined) env.image_url = patch.image_url as string;
    env.updated_at = isoTime(this.clock());
    this.#changed('environment');
    if (imageChanged && this.#autoDownload.onImageUrlChange && this.#resolve(env).download.state !== 'in_progress') {
      this.#begin(env);
    }
    return copyEnvironment(this.#resolve(env));
  }

  deleteEnvironment(id: number): void {
    const env = this.#resolve(this.#requireEnvironment(id));
    const fail = (message: string): never => {
      throw new SimValidationError('PreReceiveEnvironment', [message]);
    };
    if (env.default_environment) fail(MESSAGES.defaultEnvironment);
    if (this.hooksCount(id) > 0) fail(MESSAGES.environmentHasHooks);
    if (env.download.state === 'in_progress') fail(MESSAGES.environmentDownloading);
    this.#t.environments.delete(id);
    this.#t.environmentNames.delete(lower(env.name));
    this.#t.hooksPerEnvironment.delete(id);
    this.#changed('environment');
  }

  /** POST .../downloads: returns the status as it is right after the start (in_progress, even with downloadMs 0). */
  startDownload(id: number): SimDownload {
    const env = this.#resolve(this.#requireEnvironment(id));
    if (env.default_environment) throw new SimValidationError('PreReceiveEnvironment', [MESSAGES.defaultEnvironment]);
    if (env.download.state === 'in_progress') {
      throw new SimValidationError('PreReceiveEnvironment', [MESSAGES.downloadInProgress]);
    }
    this.#begin(env);
    return { ...env.download };
  }

  /** Overwrites the download status directly, e.g. to stage a failed or stuck download. */
  setDownload(id: number, download: Partial<SimDownload>): SimEnvironment {
    const env = this.#requireEnvironment(id);
    env.download = normalizeDownload({ ...env.download, ...download }, env.created_at, this.clock(), this.#downloadMs);
    return copyEnvironment(env);
  }

  /** One page of environments in API order. */
  pageOfEnvironments(sort: EnvironmentSort, direction: Direction, page: number, perPage: number): Page<SimEnvironment> {
    return this.#page('environment', sort, direction, page, perPage, (id) => this.environment(id)!);
  }

  // ---- pre-receive hooks ----

  hooks(): SimHook[] {
    return idOrder(this.#t.hooks).map((id) => this.hook(id)!);
  }

  hook(id: number): SimHook | undefined {
    const hook = this.#t.hooks.get(id);
    return hook && { ...hook };
  }

  findHook(name: string): SimHook | undefined {
    const id = this.#t.hookNames.get(lower(name));
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
    const now = isoTime(this.clock());
    const candidate = {
      id: this.#t.nextId.hook,
      name: input.name,
      script: input.script,
      script_repository: input.script_repository,
      environment_id: input.environment_id,
      enforcement: input.enforcement ?? 'disabled',
      allow_downstream_configuration: input.allow_downstream_configuration ?? false,
      created_at: now,
      updated_at: now,
    };
    const hook = this.#validHook(candidate);
    this.#t.nextId.hook++;
    this.#insertHook(hook);
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
    const current = this.#requireHook(id);
    const kept = this.#hookPatchOmitted === 'keep' ? current : { ...current, ...HOOK_DEFAULTS };
    const merged = { ...kept, updated_at: isoTime(this.clock()) } as Record<string, unknown>;
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) merged[key] = value;
    const hook = this.#validHook(merged as unknown as HookCandidate);
    this.#removeHookIndexes(current);
    this.#insertHook(hook);
    return { ...hook };
  }

  deleteHook(id: number): void {
    this.#removeHookIndexes(this.#requireHook(id));
    this.#t.hooks.delete(id);
    this.overrides.hookDeleted(id);
    this.#changed('hook');
  }

  pageOfHooks(sort: EnvironmentSort, direction: Direction, page: number, perPage: number): Page<SimHook> {
    return this.#page('hook', sort, direction, page, perPage, (id) => this.hook(id)!);
  }

  // ---- global webhooks ----

  webhooks(): SimWebhook[] {
    return idOrder(this.#t.webhooks).map((id) => this.webhook(id)!);
  }

  /** Includes the real secret: this is how a test sees that a tool stored the literal mask `********`. */
  webhook(id: number): SimWebhook | undefined {
    const hook = this.#t.webhooks.get(id);
    return hook && { ...hook, events: [...hook.events] };
  }

  webhookSecret(id: number): string | null | undefined {
    return this.#t.webhooks.get(id)?.secret;
  }

  createWebhook(input: {
    url: unknown;
    content_type?: unknown;
    insecure_ssl?: unknown;
    secret?: unknown;
    events?: unknown;
    active?: unknown;
  }): SimWebhook {
    const hook = this.#webhookCandidate(input);
    this.#t.nextId.webhook++;
    this.#t.webhooks.set(hook.id, hook);
    this.#changed('webhook');
    return { ...hook, events: [...hook.events] };
  }

  /** The problems createWebhook would refuse `input` for; empty when it is acceptable. */
  webhookErrors(input: Parameters<SimStateStore['createWebhook']>[0]): string[] {
    try {
      this.#webhookCandidate(input);
      return [];
    } catch (error) {
      if (error instanceof SimValidationError) return error.errors;
      throw error;
    }
  }

  /**
   * Partial update: omitted (undefined) fields are kept. The API's reset-to-default PATCH semantics live in
   * the HTTP handler, which always passes every field.
   */
  updateWebhook(
    id: number,
    patch: {
      url?: unknown;
      content_type?: unknown;
      insecure_ssl?: unknown;
      secret?: unknown;
      events?: unknown;
      active?: unknown;
    },
  ): SimWebhook {
    const current = this.#t.webhooks.get(id);
    if (!current) throw new SimNotFoundError(`no webhook ${id}`);
    const merged = { ...current, updated_at: isoTime(this.clock()) } as Record<string, unknown>;
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) merged[key] = value;
    const hook = validWebhook(merged as unknown as WebhookCandidate);
    this.#t.webhooks.set(id, hook);
    return { ...hook, events: [...hook.events] };
  }

  #webhookCandidate(input: Parameters<SimStateStore['createWebhook']>[0]): SimWebhook {
    const now = isoTime(this.clock());
    return validWebhook({
      id: this.#t.nextId.webhook,
      url: input.url,
      content_type: input.content_type ?? 'form',
      insecure_ssl: input.insecure_ssl ?? '0',
      secret: input.secret ?? null,
      events: input.events ?? DEFAULT_WEBHOOK_EVENTS,
      active: input.active ?? true,
      created_at: now,
      updated_at: now,
    });
  }

  deleteWebhook(id: number): void {
    if (!this.#t.webhooks.delete(id)) throw new SimNotFoundError(`no webhook ${id}`);
    this.#changed('webhook');
  }

  /** Webhooks in id order (the API has no sort parameter for them). */
  pageOfWebhooks(page: number, perPage: number): Page<SimWebhook> {
    return this.#page('webhook', 'id', 'asc', page, perPage, (id) => this.webhook(id)!);
  }

  // ---- repositories (for hook validation and the preflight script check) ----

  get autoRegisterRepositories(): boolean {
    return this.#t.autoRegister;
  }

  set autoRegisterRepositories(value: boolean) {
    this.#t.autoRegister = value;
  }

  repositories(): SimRepository[] {
    return [...this.#t.repositories.values()].sort((a, b) => a.id - b.id).map(copyRepository);
  }

  /** Case-insensitive, like GitHub. */
  repository(fullName: string): SimRepository | undefined {
    const repo = this.#t.repositories.get(lower(fullName));
    return repo && copyRepository(repo);
  }

  /** Id and canonical name only: cheap enough to call for every hook on a page. */
  repositoryRef(fullName: string): { id: number; full_name: string } | undefined {
    const repo = this.#t.repositories.get(lower(fullName));
    return repo && { id: repo.id, full_name: repo.full_name };
  }

  /** Adds or replaces a repository (keeping its id when it exists). */
  addRepository(input: SimRepositoryInput): SimRepository {
    const existing = this.#t.repositories.get(lower(input.full_name));
    const repo = normalizeRepository(
      { ...input, id: input.id ?? existing?.id ?? this.#t.nextId.repository },
      'repository',
    );
    this.#t.repositories.set(lower(repo.full_name), repo);
    this.#t.nextId.repository = Math.max(this.#t.nextId.repository, repo.id + 1);
    this.#defaultHeads.delete(lower(repo.full_name));
    return copyRepository(repo);
  }

  /** Removes a repository even if hooks still use it: that is the drift the preflight check must catch. */
  removeRepository(fullName: string): boolean {
    this.#defaultHeads.delete(lower(fullName));
    return this.#t.repositories.delete(lower(fullName));
  }

  /** Adds, replaces or (with null) removes a file on the default branch. */
  setFile(fullName: string, path: string, file: Partial<SimFile> | null): void {
    const repo = this.#t.repositories.get(lower(fullName));
    if (!repo) throw new SimNotFoundError(`no repository ${fullName}`);
    if (file === null) delete repo.files[path];
    else
      repo.files[path] = {
        executable: file.executable ?? true,
        ...(file.content === undefined ? {} : { content: file.content }),
      };
    this.#defaultHeads.delete(lower(fullName));
  }

  /**
   * Commits `changes` on `branch` (default: the default branch) and moves the branch to the new commit, as a push
   * would; returns its sha. A string is a regular file's content, null deletes the path. A new branch starts from
   * the default branch's head. Commits seen before stay readable by their sha.
   */
  commitFiles(
    fullName: string,
    changes: Record<string, string | Partial<SimFile> | null>,
    options: { branch?: string; message?: string } = {},
  ): string {
    const repo = this.#t.repositories.get(lower(fullName));
    if (!repo) throw new SimNotFoundError(`no repository ${fullName}`);
    const branch = options.branch ?? repo.default_branch;
    const message = options.message ?? `Update ${Object.keys(changes).join(', ')}`;
    const asFile = (change: string | Partial<SimFile>): Partial<SimFile> =>
      typeof change === 'string' ? { executable: false, content: change } : change;
    if (branch === repo.default_branch) {
      // Record the commit the files are at now, so that the new one has it as its parent.
      this.#defaultHead(repo);
      for (const [path, change] of Object.entries(changes))
        this.setFile(fullName, path, change === null ? null : asFile(change));
      const head = this.#git.commitTree(
        repo.full_name,
        branch,
        this.#git.writeTree(repo.full_name, repo.files),
        message,
        this.clock(),
      );
      this.#defaultHeads.set(lower(fullName), head);
      return head;
    }
    const base = this.#git.head(repo.full_name, branch) ?? this.#defaultHead(repo);
    const baseCommit = base === undefined ? undefined : this.#git.commit(repo.full_name, base);
    const files = baseCommit ? this.#git.files(repo.full_name, baseCommit.tree) : {};
    for (const [path, change] of Object.entries(changes)) {
      if (change === null) delete files[path];
      else {
        const file = asFile(change);
        files[path] = {
          executable: file.executable ?? true,
          ...(file.content === undefined ? {} : { content: file.content }),
        };
      }
    }
    // Branching off: the new branch starts at the default branch's head, the parent of its first commit.
    if (base !== undefined) this.#git.setHead(repo.full_name, branch, base);
    return this.#git.commitTree(
      repo.full_name,
      branch,
      this.#git.writeTree(repo.full_name, files),
      message,
      this.clock(),
    );
  }

  /**
   * The commit `ref` names in a repository: a branch (`main` or `refs/heads/main`) or a full or abbreviated commit
   * sha. undefined when the repository or the ref is unknown, 'empty' when the repository has no commit at all.
   */
  resolveCommit(fullName: string, ref: string): GitCommit | 'empty' | undefined {
    const repo = this.#t.repositories.get(lower(fullName));
    if (!repo) return undefined;
    const branch = ref.replace(/^refs\/heads\//, '');
    const defaultHead = this.#defaultHead(repo);
    if (defaultHead === undefined && this.#git.head(repo.full_name, branch) === undefined) return 'empty';
    const sha =
      branch === repo.default_branch
        ? defaultHead
        : (this.#git.head(repo.full_name, branch) ?? this.#git.findCommit(repo.full_name, ref));
    return sha === undefined ? undefined : this.#git.commit(repo.full_name, sha);
  }

  /** The repository's git objects (trees and blobs by sha), for the git endpoints. */
  gitObjects(fullName: string): { repository: string; git: GitObjects } | undefined {
    const repo = this.#t.repositories.get(lower(fullName));
    return repo && { repository: repo.full_name, git: this.#git };
  }

  /** The default branch's head for the files as they are now, committing them when they changed since. */
  #defaultHead(repo: SimRepository): string | undefined {
    const key = lower(repo.full_name);
    const cached = this.#defaultHeads.get(key);
    if (cached !== undefined) return cached;
    const previous = this.#git.head(repo.full_name, repo.default_branch);
    if (Object.keys(repo.files).length === 0 && previous === undefined) return undefined;
    const tree = this.#git.writeTree(repo.full_name, repo.files);
    const head =
      previous !== undefined && this.#git.commit(repo.full_name, previous)?.tree === tree
        ? previous
        : this.#git.commitTree(
            repo.full_name,
            repo.default_branch,
            tree,
            previous === undefined ? 'Initial commit' : 'Update files',
            this.clock(),
          );
    this.#defaultHeads.set(key, head);
    return head;
  }

  // ---- internals ----

  #requireEnvironment(id: number): SimEnvironment {
    const env = this.#t.environments.get(id);
    if (!env) throw new SimNotFoundError(`no pre-receive environment ${id}`);
    return env;
  }

  #requireHook(id: number): SimHook {
    const hook = this.#t.hooks.get(id);
    if (!hook) throw new SimNotFoundError(`no pre-receive hook ${id}`);
    return hook;
  }

  #environmentNameErrors(name: unknown, self?: number): string[] {
    if (typeof name !== 'string' || name.trim() === '') return [MESSAGES.nameBlank];
    const owner = this.#t.environmentNames.get(lower(name));
    return owner !== undefined && owner !== self ? [MESSAGES.nameTaken] : [];
  }

  /** Completes a download whose time has come. Lazy, so no timers and nothing to clean up. */
  #resolve(env: SimEnvironment): SimEnvironment {
    const d = env.download;
    if (d.state === 'in_progress' && d.completes_at && this.clock() >= Date.parse(d.completes_at)) {
      env.download = {
        state: d.fails_with ? 'failed' : 'success',
        downloaded_at: d.downloaded_at,
        message: d.fails_with ?? null,
        ...(d.image_url === undefined ? {} : { image_url: d.image_url }),
      };
    }
    return env;
  }

  #begin(env: SimEnvironment): void {
    const now = this.clock();
    env.download = {
      state: 'in_progress',
      downloaded_at: isoTime(now),
      message: null,
      completes_at: new Date(now + this.#downloadMs).toISOString(),
      fails_with: this.#failDownload(env.image_url) ?? null,
      image_url: env.image_url,
    };
  }

  #insertEnvironment(env: SimEnvironment): void {
    this.#t.environments.set(env.id, env);
    this.#t.environmentNames.set(lower(env.name), env.id);
    this.#changed('environment');
  }

  /** Checks a complete hook against every rule at once, so a 422 lists all problems. */
  #validHook(c: HookCandidate): SimHook {
    const errors: string[] = [];
    const name = typeof c.name === 'string' && c.name.trim() !== '' ? c.name : undefined;
    if (!name) errors.push(MESSAGES.nameBlank);
    const script = typeof c.script === 'string' && c.script.trim() !== '' ? c.script : undefined;
    if (!script) errors.push(MESSAGES.scriptBlank);

    let repository: string | undefined;
    if (typeof c.script_repository === 'string' && /^[^/\s]+\/[^/\s]+$/.test(c.script_repository)) {
      const known = this.#t.repositories.get(lower(c.script_repository));
      if (known) repository = known.full_name;
      else if (this.#t.autoRegister) repository = c.script_repository;
    }
    if (!repository) errors.push(MESSAGES.repositoryMissing);

    const environmentId = Number.isInteger(c.environment_id) ? (c.environment_id as number) : undefined;
    if (environmentId === undefined || !this.#t.environments.has(environmentId)) {
      errors.push(MESSAGES.environmentMissing);
    }
    if (typeof c.enforcement !== 'string' || !(ENFORCEMENTS as readonly string[]).includes(c.enforcement)) {
      errors.push(MESSAGES.enforcementInvalid);
    }
    if (typeof c.allow_downstream_configuration !== 'boolean') errors.push(MESSAGES.allowDownstreamInvalid);

    if (name) {
      const owner = this.#t.hookNames.get(lower(name));
      if (owner !== undefined && owner !== c.id) errors.push(MESSAGES.nameTaken);
    }
    if (script && repository) {
      const owner = this.#t.hookScripts.get(scriptKey(repository, script));
      if (owner !== undefined && owner !== c.id) errors.push(MESSAGES.scriptTaken);
    }
    if (errors.length) throw new SimValidationError('PreReceiveHook', errors);

    if (!this.#t.repositories.has(lower(repository!))) this.addRepository({ full_name: repository! });
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

  #insertHook(hook: SimHook): void {
    const t = this.#t;
    t.hooks.set(hook.id, hook);
    t.hookNames.set(lower(hook.name), hook.id);
    t.hookScripts.set(scriptKey(hook.script_repository, hook.script), hook.id);
    t.hooksPerEnvironment.set(hook.environment_id, (t.hooksPerEnvironment.get(hook.environment_id) ?? 0) + 1);
    this.#changed('hook');
  }

  #removeHookIndexes(hook: SimHook): void {
    const t = this.#t;
    t.hookNames.delete(lower(hook.name));
    t.hookScripts.delete(scriptKey(hook.script_repository, hook.script));
    t.hooksPerEnvironment.set(hook.environment_id, (t.hooksPerEnvironment.get(hook.environment_id) ?? 1) - 1);
  }

  #changed(kind: Kind): void {
    for (const key of this.#order.keys()) if (key.startsWith(`${kind}:`)) this.#order.delete(key);
  }

  /** Ascending; callers index from the end for desc rather than copy the list. */
  #sortedIds(kind: Kind, sort: EnvironmentSort | 'id'): number[] {
    const key = `${kind}:${sort}`;
    let ids = this.#order.get(key);
    if (!ids) {
      const table: Map<number, { id: number; name?: string; created_at: string; updated_at: string }> =
        kind === 'environment' ? this.#t.environments : kind === 'hook' ? this.#t.hooks : this.#t.webhooks;
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

  #page<T>(
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

  /** Builds fresh tables from untrusted input: checks types, then replays the same rules the API enforces. */
  #ingest(input: SimStateInput): void {
    const t = this.#t;
    const now = this.clock();
    const check = new Checker();
    check.object(input, 'state');
    const environments = check.array(input.environments ?? [], 'environments');
    const hooks = check.array(input.hooks ?? [], 'hooks');
    const webhooks = check.array(input.webhooks ?? [], 'webhooks');
    const repositories = check.array(input.repositories ?? [], 'repositories');
    t.autoRegister = input.auto_register_repositories ?? input.repositories === undefined;
    check.type(t.autoRegister, 'boolean', 'auto_register_repositories');

    const repoInputs = repositories.map((r, i) => check.object(r, `repositories[${i}]`) as SimRepositoryInput);
    const repoIds = assignIds(repoInputs, 'repositories', check);
    repoInputs.forEach((r, i) => {
      const repo = normalizeRepository({ ...r, id: repoIds[i]! }, `repositories[${i}]`);
      if (t.repositories.has(lower(repo.full_name))) check.fail(`repositories[${i}]: duplicate ${repo.full_name}`);
      t.repositories.set(lower(repo.full_name), repo);
    });
    t.nextId.repository = maxId(t.repositories.values()) + 1;

    const envInputs = environments.map((e, i) => check.object(e, `environments[${i}]`) as SimEnvironmentInput);
    if (!envInputs.some((e) => e.default_environment === true)) {
      const taken = new Set(envInputs.map((e) => e.id));
      // Appended, so that error messages keep the file's own indexes.
      envInputs.push({ ...DEFAULT_ENVIRONMENT, id: taken.has(1) ? undefined : 1 });
    }
    const envIds = assignIds(envInputs, 'environments', check);
    envInputs.forEach((e, i) => {
      const at = `environments[${i}]`;
      check.type(e.name, 'string', `${at}.name`);
      check.type(e.image_url, 'string', `${at}.image_url`);
      const created = check.time(e.created_at, `${at}.created_at`) ?? isoTime(now);
      const env: SimEnvironment = {
        id: envIds[i]!,
        name: e.name,
        image_url: e.image_url,
        default_environment: check.type(e.default_environment ?? false, 'boolean', `${at}.default_environment`),
        created_at: created,
        updated_at: check.time(e.updated_at, `${at}.updated_at`) ?? created,
        download: normalizeDownload(
          check.object(e.download ?? {}, `${at}.download`),
          created,
          now,
          this.#downloadMs,
          `${at}.download`,
        ),
      };
      if (this.#environmentNameErrors(env.name).length) check.fail(`${at}: name "${env.name}" is blank or taken`);
      this.#insertEnvironment(env);
    });
    if ([...t.environments.values()].filter((e) => e.default_environment).length !== 1) {
      check.fail('environments: exactly one environment must have default_environment: true');
    }
    t.nextId.environment = maxId(t.environments.values()) + 1;

    const hookInputs = hooks.map((h, i) => check.object(h, `hooks[${i}]`) as SimHookInput);
    const hookIds = assignIds(hookInputs, 'hooks', check);
    hookInputs.forEach((h, i) => {
      const at = `hooks[${i}]`;
      const created = check.time(h.created_at, `${at}.created_at`) ?? isoTime(now);
      try {
        this.#insertHook(
          this.#validHook({
            ...h,
            id: hookIds[i]!,
            enforcement: h.enforcement ?? 'disabled',
            allow_downstream_configuration: h.allow_downstream_configuration ?? false,
            created_at: created,
            updated_at: check.time(h.updated_at, `${at}.updated_at`) ?? created,
          }),
        );
      } catch (error) {
        if (error instanceof SimValidationError) check.fail(`${at}: ${error.message}`);
        throw error;
      }
    });
    t.nextId.hook = maxId(t.hooks.values()) + 1;

    const webhookInputs = webhooks.map((w, i) => check.object(w, `webhooks[${i}]`) as SimWebhookInput);
    const webhookIds = assignIds(webhookInputs, 'webhooks', check);
    webhookInputs.forEach((w, i) => {
      const at = `webhooks[${i}]`;
      const created = check.time(w.created_at, `${at}.created_at`) ?? isoTime(now);
      try {
        const hook = validWebhook({
          id: webhookIds[i]!,
          url: w.url,
          content_type: w.content_type ?? 'form',
          insecure_ssl: w.insecure_ssl ?? '0',
          secret: w.secret ?? null,
          events: w.events ?? DEFAULT_WEBHOOK_EVENTS,
          active: w.active ?? true,
          created_at: created,
          updated_at: check.time(w.updated_at, `${at}.updated_at`) ?? created,
        });
        t.webhooks.set(hook.id, hook);
      } catch (error) {
        if (error instanceof SimValidationError) check.fail(`${at}: ${error.message}`);
        throw error;
      }
    });
    t.nextId.webhook = maxId(t.webhooks.values()) + 1;
  }
}

export interface Page<T> {
  items: T[];
  total: number;
}

interface HookCandidate {
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

interface WebhookCandidate {
  id: number;
  url: unknown;
  content_type: unknown;
  insecure_ssl: unknown;
  secret: unknown;
  events: unknown;
  active: unknown;
  created_at: string;
  updated_at: string;
}

function imageUrlErrors(imageUrl: unknown): string[] {
  return typeof imageUrl !== 'string' || imageUrl.trim() === '' ? [MESSAGES.imageUrlBlank] : [];
}

function validWebhook(c: WebhookCandidate): SimWebhook {
  const errors: string[] = [];
  let url: string | undefined;
  if (typeof c.url !== 'string' || c.url === '') errors.push(MESSAGES.webhookUrlMissing);
  else if (!isHttpUrl(c.url)) errors.push(MESSAGES.webhookUrlInvalid);
  else url = c.url;
  if (c.content_type !== 'json' && c.content_type !== 'form') errors.push(MESSAGES.webhookContentType);
  if (c.insecure_ssl !== '0' && c.insecure_ssl !== '1') errors.push(MESSAGES.webhookInsecureSsl);
  if (c.secret !== null && typeof c.secret !== 'string') errors.push(MESSAGES.webhookSecret);
  const events = c.events;
  if (!Array.isArray(events) || !events.every((e) => typeof e === 'string' && WEBHOOK_EVENTS.includes(e))) {
    errors.push(MESSAGES.webhookEvents);
  }
  if (typeof c.active !== 'boolean') errors.push(MESSAGES.webhookActive);
  if (errors.length) throw new SimValidationError('Hook', errors);
  return {
    id: c.id,
    url: url!,
    content_type: c.content_type as 'json' | 'form',
    insecure_ssl: c.insecure_ssl as '0' | '1',
    // An empty secret means "no secret", as on GitHub.
    secret: c.secret === '' ? null : (c.secret as string | null),
    events: [...new Set(events as string[])],
    active: c.active as boolean,
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function normalizeDownload(
  d: Partial<SimDownload>,
  createdAt: string,
  now: number,
  downloadMs: number,
  at = 'download',
): SimDownload {
  const states = ['not_started', 'in_progress', 'success', 'failed'];
  const state = d.state ?? 'success';
  if (!states.includes(state)) throw new SimStateError(`${at}.state must be one of ${states.join(', ')}`);
  const downloadedAt = d.downloaded_at === undefined ? (state === 'not_started' ? null : createdAt) : d.downloaded_at;
  const download: SimDownload = {
    state,
    downloaded_at: downloadedAt,
    message: state === 'failed' ? (d.message ?? 'Download failed') : null,
  };
  if (d.image_url !== undefined) download.image_url = d.image_url;
  if (state === 'in_progress') {
    download.completes_at = d.completes_at ?? new Date(now + downloadMs).toISOString();
    download.fails_with = d.fails_with ?? null;
  }
  return download;
}

function normalizeRepository(input: SimRepositoryInput & { id: number }, at: string): SimRepository {
  const check = new Checker();
  check.object(input, at);
  check.type(input.full_name, 'string', `${at}.full_name`);
  if (!/^[^/\s]+\/[^/\s]+$/.test(input.full_name)) check.fail(`${at}.full_name must be owner/name`);
  const limit = input.tree_limit;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) check.fail(`${at}.tree_limit must be a count`);
  const files: Record<string, SimFile> = {};
  const raw = input.files ?? {};
  if (Array.isArray(raw)) {
    for (const path of raw) files[check.type(path, 'string', `${at}.files[]`)] = { executable: true };
  } else {
    for (const [path, file] of Object.entries(check.object(raw, `${at}.files`) as Record<string, Partial<SimFile>>)) {
      check.object(file, `${at}.files.${path}`);
      files[path] = { executable: check.type(file.executable ?? true, 'boolean', `${at}.files.${path}.executable`) };
      if (file.content !== undefined) files[path].content = check.type(file.content, 'string', `${at}.files.${path}`);
    }
  }
  return {
    id: input.id,
    full_name: input.full_name,
    default_branch: check.type(input.default_branch ?? 'main', 'string', `${at}.default_branch`),
    files,
    ...(input.tree_limit !== undefined && { tree_limit: input.tree_limit }),
  };
}

function copyEnvironment(env: SimEnvironment): SimEnvironment {
  return { ...env, download: { ...env.download } };
}

function copyRepository(repo: SimRepository): SimRepository {
  const files: Record<string, SimFile> = {};
  for (const [path, file] of Object.entries(repo.files)) files[path] = { ...file };
  return { ...repo, files };
}

function idOrder(table: Map<number, unknown>): number[] {
  return [...table.keys()].sort((a, b) => a - b);
}

function maxId(rows: Iterable<{ id: number }>): number {
  let max = 0;
  for (const r of rows) max = Math.max(max, r.id);
  return max;
}

/** Explicit ids are kept (and must be unique positive integers); missing ones follow the largest. */
function assignIds(rows: { id?: number | undefined }[], at: string, check: Checker): number[] {
  const seen = new Set<number>();
  for (const [i, row] of rows.entries()) {
    if (row.id === undefined) continue;
    if (!Number.isInteger(row.id) || row.id < 1) check.fail(`${at}[${i}].id must be a positive integer`);
    if (seen.has(row.id)) check.fail(`${at}[${i}]: duplicate id ${row.id}`);
    seen.add(row.id);
  }
  let next = Math.max(0, ...seen) + 1;
  return rows.map((row) => row.id ?? next++);
}

/** Type checks for untrusted JSON with a path in every message. */
class Checker {
  fail(message: string): never {
    throw new SimStateError(`invalid simulator state: ${message}`);
  }

  object(value: unknown, at: string): object {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(`${at} must be an object`);
    return value;
  }

  array(value: unknown, at: string): unknown[] {
    if (!Array.isArray(value)) this.fail(`${at} must be an array`);
    return value;
  }

  type<T extends string | boolean>(value: T, type: 'string' | 'boolean', at: string): T {
    if (typeof value !== type) this.fail(`${at} must be a ${type}`);
    return value;
  }

  time(value: unknown, at: string): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) this.fail(`${at} must be an ISO timestamp`);
    return isoTime(Date.parse(value));
  }
}
