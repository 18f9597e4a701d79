// The admin API as the rest of the pipeline sees it: typed calls, no HTTP in sight.
// `createAdminApi` (admin-api.ts) implements it over Octokit; tests may implement it in memory.
import type { OverrideTargets } from '../config/overrides.js';
import type { ContentType, Enforcement, OverrideScope } from '../config/types.js';
import type {
  DownloadStatus,
  ObservedEnvironment,
  ObservedHook,
  ObservedHookAtTarget,
  ObservedState,
  ObservedWebhook,
} from './types.js';

export interface HookRequest {
  name: string;
  script: string;
  script_repository: string;
  environmentId: number;
  enforcement: Enforcement;
  allow_downstream_configuration: boolean;
}

export interface WebhookRequest {
  url: string;
  content_type: ContentType;
  insecure_ssl: boolean;
  events: string[];
  active: boolean;
  /** The real secret; undefined sends none. Never the mask. */
  secret: string | undefined;
}

/** What an override PATCH sends; a repository takes enforcement only. */
export interface OverrideRequest {
  enforcement: Enforcement;
  allow_downstream_configuration?: boolean;
}

export interface StartDownloadResult {
  /** false when the server said a download was already in progress (422); poll it all the same. */
  started: boolean;
  status: DownloadStatus;
}

export interface ScriptCheck {
  repositoryExists: boolean;
  defaultBranch?: string;
  scriptExists: boolean;
  /** From the file's git mode (100755 or 100644); undefined when the API does not say. */
  executable?: boolean;
  /** The git file mode, when the API gave one, e.g. `100644`. */
  mode?: string;
}

export interface AdminApi {
  /**
   * Lists the three kinds (all pages), normalized; with `targets`, also the hooks as each of those organizations
   * and repositories sees them (and no others).
   */
  observe(targets?: OverrideTargets): Promise<ObservedState>;

  createEnvironment(body: { name: string; image_url: string }): Promise<ObservedEnvironment>;
  updateEnvironment(id: number, body: { name?: string; image_url?: string }): Promise<ObservedEnvironment>;
  deleteEnvironment(id: number): Promise<void>;
  startDownload(id: number): Promise<StartDownloadResult>;
  getLatestDownload(id: number): Promise<DownloadStatus>;

  createHook(body: HookRequest): Promise<ObservedHook>;
  updateHook(id: number, body: Partial<HookRequest>): Promise<ObservedHook>;
  deleteHook(id: number): Promise<void>;

  createWebhook(body: WebhookRequest): Promise<ObservedWebhook>;
  updateWebhook(id: number, body: WebhookRequest): Promise<ObservedWebhook>;
  deleteWebhook(id: number): Promise<void>;

  /**
   * PATCH a hook's enforcement override in an organization or repository (creating it when there is none); the
   * answer is the effective values there. Optional, like checkScripts, so that in-memory implementations written
   * before overrides existed still type-check; apply fails an override operation on an API without them.
   */
  setOverride?(
    scope: OverrideScope,
    target: string,
    hookId: number,
    body: OverrideRequest,
  ): Promise<ObservedHookAtTarget>;
  /** DELETE the override there: GHES answers 200 with the inherited values; the hook itself stays. */
  removeOverride?(scope: OverrideScope, target: string, hookId: number): Promise<ObservedHookAtTarget>;

  /**
   * Preflight: does each script exist (and is it executable) on the repository's default branch? Reads the
   * repository once: results in `scripts` order. Each request goes through `limit` when given, so that several
   * repositories checked at once share one bound.
   */
  checkScripts(repository: string, scripts: string[], limit?: RequestLimit): Promise<ScriptCheck[]>;
}

/** Runs a request within a bound on the requests in flight (a p-limit function fits). */
export type RequestLimit = <T>(request: () => Promise<T>) => Promise<T>;
