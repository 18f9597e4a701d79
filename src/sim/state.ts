// The simulator's in-memory database and the GHES rules that guard it. The HTTP handlers and tests that
// change things "behind the tool's back" both go through this store; each resource's rules live in its own
// module (environment-store.ts, hook-store.ts, webhook-store.ts, repository-store.ts), on tables they share.
import { systemClock, type Clock } from './clock.js';
import type { GitCommit, GitObjects } from './git.js';
import { EnvironmentStore, defaultFailDownload } from './environment-store.js';
import { SimStateError, SimValidationError } from './errors.js';
import { HookStore } from './hook-store.js';
import { IssueCommentStore, IssueStore } from './issue-comments.js';
import { SimOverrides } from './overrides.js';
import { PullRequestStore } from './pull-requests.js';
import { RepositoryStore } from './repository-store.js';
import { ingest } from './state-input.js';
import { Listings, Tables, type Direction, type EnvironmentSort, type Page, type StoreContext } from './tables.js';
import type {
  SimDownload,
  SimEnvironment,
  SimFile,
  SimHook,
  SimRepository,
  SimRepositoryInput,
  SimState,
  SimStateInput,
  SimWebhook,
} from './types.js';
import { WebhookStore, type WebhookInput } from './webhook-store.js';

export { DEFAULT_ENVIRONMENT, defaultFailDownload } from './environment-store.js';
export { SimNotFoundError, SimStateError, SimValidationError } from './errors.js';
export type { Direction, EnvironmentSort, Page } from './tables.js';
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

export class SimStateStore {
  readonly clock: Clock;
  /** Everything load() and reset() replace in one step, so a failed load leaves the old state intact. */
  #t = new Tables();
  readonly #listings = new Listings(() => this.#t);
  readonly #context: StoreContext;
  readonly #environments: EnvironmentStore;
  readonly #hooks: HookStore;
  readonly #webhooks: WebhookStore;
  readonly #repositories: RepositoryStore;
  /** Pull-request comments (the Action's sticky plan comment); kept apart from the admin state and its load(). */
  readonly issueComments = new IssueCommentStore(() => this.clock());
  /** Organizations and the hooks' enforcement overrides in them and in repositories (overrides.ts). */
  readonly overrides = new SimOverrides(this);
  /** Issues (the daemon's drift report); kept apart from the admin state like the comments. */
  readonly issues = new IssueStore(() => this.clock(), this.issueComments);
  /** Pull requests by the commits they hold, so an apply after a merge can find the one merged. */
  readonly pullRequests = new PullRequestStore(() => this.clock());

  constructor(options: StoreOptions = {}, initial?: SimStateInput) {
    this.clock = options.clock ?? systemClock;
    const tables = () => this.#t;
    this.#context = {
      get tables() {
        return tables();
      },
      clock: () => this.clock(),
      listings: this.#listings,
    };
    this.#environments = new EnvironmentStore(this.#context, {
      downloadMs: options.downloadMs ?? 50,
      failDownload: options.failDownload ?? defaultFailDownload,
      autoDownload: {
        onCreate: options.autoDownload?.onCreate ?? false,
        onImageUrlChange: options.autoDownload?.onImageUrlChange ?? false,
      },
    });
    this.#repositories = new RepositoryStore(this.#context);
    this.#hooks = new HookStore(this.#context, options.hookPatchOmitted ?? 'keep', this.#repositories, (id) =>
      this.overrides.hookDeleted(id),
    );
    this.#webhooks = new WebhookStore(this.#context);
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
    this.#listings.clear();
    try {
      ingest(input, this.#context, { environments: this.#environments, hooks: this.#hooks });
      this.overrides.load(input);
    } catch (error) {
      this.#t = previous;
      throw error instanceof SimValidationError ? new SimStateError(error.message) : error;
    }
    this.#repositories.clearHistory();
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

  // ---- environments (environment-store.ts) ----

  environments(): SimEnvironment[] {
    return this.#environments.environments();
  }

  environment(id: number): SimEnvironment | undefined {
    return this.#environments.environment(id);
  }

  findEnvironment(name: string): SimEnvironment | undefined {
    return this.#environments.findEnvironment(name);
  }

  /** The default environment, identified by its flag and not by id or name. */
  defaultEnvironment(): SimEnvironment {
    return this.#environments.defaultEnvironment();
  }

  hooksCount(environmentId: number): number {
    return this.#environments.hooksCount(environmentId);
  }

  createEnvironment(input: { name: unknown; image_url: unknown }): SimEnvironment {
    return this.#environments.createEnvironment(input);
  }

  /** Partial update; omitted (undefined) fields are kept. */
  updateEnvironment(id: number, patch: { name?: unknown; image_url?: unknown }): SimEnvironment {
    return this.#environments.updateEnvironment(id, patch);
  }

  deleteEnvironment(id: number): void {
    this.#environments.deleteEnvironment(id);
  }

  /** POST .../downloads: returns the status as it is right after the start (in_progress, even with downloadMs 0). */
  startDownload(id: number): SimDownload {
    return this.#environments.startDownload(id);
  }

  /** Overwrites the download status directly, e.g. to stage a failed or stuck download. */
  setDownload(id: number, download: Partial<SimDownload>): SimEnvironment {
    return this.#environments.setDownload(id, download);
  }

  /** One page of environments in API order. */
  pageOfEnvironments(sort: EnvironmentSort, direction: Direction, page: number, perPage: number): Page<SimEnvironment> {
    return this.#environments.pageOfEnvironments(sort, direction, page, perPage);
  }

  // ---- pre-receive hooks (hook-store.ts) ----

  hooks(): SimHook[] {
    return this.#hooks.hooks();
  }

  hook(id: number): SimHook | undefined {
    return this.#hooks.hook(id);
  }

  findHook(name: string): SimHook | undefined {
    return this.#hooks.findHook(name);
  }

  createHook(input: Parameters<HookStore['createHook']>[0]): SimHook {
    return this.#hooks.createHook(input);
  }

  /** Partial update; omitted (undefined) fields are kept. */
  updateHook(id: number, patch: Parameters<HookStore['updateHook']>[1]): SimHook {
    return this.#hooks.updateHook(id, patch);
  }

  deleteHook(id: number): void {
    this.#hooks.deleteHook(id);
  }

  pageOfHooks(sort: EnvironmentSort, direction: Direction, page: number, perPage: number): Page<SimHook> {
    return this.#hooks.pageOfHooks(sort, direction, page, perPage);
  }

  // ---- global webhooks (webhook-store.ts) ----

  webhooks(): SimWebhook[] {
    return this.#webhooks.webhooks();
  }

  /** Includes the real secret: this is how a test sees that a tool stored the literal mask `********`. */
  webhook(id: number): SimWebhook | undefined {
    return this.#webhooks.webhook(id);
  }

  webhookSecret(id: number): string | null | undefined {
    return this.#webhooks.webhookSecret(id);
  }

  createWebhook(input: WebhookInput): SimWebhook {
    return this.#webhooks.createWebhook(input);
  }

  /** The problems createWebhook would refuse `input` for; empty when it is acceptable. */
  webhookErrors(input: WebhookInput): string[] {
    return this.#webhooks.webhookErrors(input);
  }

  /**
   * Partial update: omitted (undefined) fields are kept. The API's reset-to-default PATCH semantics live in
   * the HTTP handler, which always passes every field.
   */
  updateWebhook(id: number, patch: Partial<WebhookInput>): SimWebhook {
    return this.#webhooks.updateWebhook(id, patch);
  }

  deleteWebhook(id: number): void {
    this.#webhooks.deleteWebhook(id);
  }

  /** Webhooks in id order (the API has no sort parameter for them). */
  pageOfWebhooks(page: number, perPage: number): Page<SimWebhook> {
    return this.#webhooks.pageOfWebhooks(page, perPage);
  }

  // ---- repositories and their git objects (repository-store.ts) ----

  get autoRegisterRepositories(): boolean {
    return this.#repositories.autoRegisterRepositories;
  }

  set autoRegisterRepositories(value: boolean) {
    this.#repositories.autoRegisterRepositories = value;
  }

  repositories(): SimRepository[] {
    return this.#repositories.repositories();
  }

  /** Case-insensitive, like GitHub. */
  repository(fullName: string): SimRepository | undefined {
    return this.#repositories.repository(fullName);
  }

  /** Id and canonical name only: cheap enough to call for every hook on a page. */
  repositoryRef(fullName: string): { id: number; full_name: string } | undefined {
    return this.#repositories.repositoryRef(fullName);
  }

  /** Adds or replaces a repository (keeping its id when it exists). */
  addRepository(input: SimRepositoryInput): SimRepository {
    return this.#repositories.addRepository(input);
  }

  /** Removes a repository even if hooks still use it: that is the drift the preflight check must catch. */
  removeRepository(fullName: string): boolean {
    return this.#repositories.removeRepository(fullName);
  }

  /** Adds, replaces or (with null) removes a file on the default branch. */
  setFile(fullName: string, path: string, file: Partial<SimFile> | null): void {
    this.#repositories.setFile(fullName, path, file);
  }

  /** As a push would: see RepositoryStore.commitFiles. Returns the new commit's sha. */
  commitFiles(
    fullName: string,
    changes: Record<string, string | Partial<SimFile> | null>,
    options: { branch?: string; message?: string } = {},
  ): string {
    return this.#repositories.commitFiles(fullName, changes, options);
  }

  /** The commit `ref` names (a branch or a sha); 'empty' for a repository without commits. */
  resolveCommit(fullName: string, ref: string): GitCommit | 'empty' | undefined {
    return this.#repositories.resolveCommit(fullName, ref);
  }

  /** The repository's git objects (trees and blobs by sha), for the git endpoints. */
  gitObjects(fullName: string): { repository: string; git: GitObjects } | undefined {
    return this.#repositories.gitObjects(fullName);
  }
}
