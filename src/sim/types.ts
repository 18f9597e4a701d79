// The simulator's state as plain JSON: what a state file holds, what snapshot() returns and load() accepts.
// API responses are rendered from these records (render.ts); nothing here knows about HTTP.

export type DownloadState = 'not_started' | 'in_progress' | 'success' | 'failed';

export interface SimDownload {
  state: DownloadState;
  /** When the most recent download started (GHES semantics), not when it finished. */
  downloaded_at: string | null;
  /** Set only when state is `failed`. */
  message: string | null;
  /** While `in_progress`: when it ends, ISO. Downloads resolve lazily on read, so this is part of the state. */
  completes_at?: string | null;
  /** While `in_progress`: the failure message it will end with, or null to end in `success`. */
  fails_with?: string | null;
  /**
   * The image_url this download fetches (or fetched): what the environment holds once it succeeds. GHES does not
   * show it; the simulator keeps it so a test can tell an old image under a new URL from the right one.
   */
  image_url?: string | null;
}

export interface SimEnvironment {
  id: number;
  name: string;
  image_url: string;
  default_environment: boolean;
  created_at: string;
  updated_at: string;
  download: SimDownload;
}

export interface SimHook {
  id: number;
  name: string;
  script: string;
  /** owner/name of the script repository. */
  script_repository: string;
  environment_id: number;
  /** A free string on GHES; the simulator accepts only enabled | disabled | testing. */
  enforcement: string;
  allow_downstream_configuration: boolean;
  created_at: string;
  updated_at: string;
}

export interface SimWebhook {
  id: number;
  url: string;
  content_type: 'json' | 'form';
  insecure_ssl: '0' | '1';
  /** The real stored secret (never sent back over the API), or null when none is set. */
  secret: string | null;
  events: string[];
  active: boolean;
  created_at: string;
  updated_at: string;
}

export interface SimFile {
  executable: boolean;
  /** Served by the contents API; a stub script when absent. */
  content?: string;
}

export interface SimRepository {
  id: number;
  full_name: string;
  default_branch: string;
  /** Files on the default branch, by path. */
  files: Record<string, SimFile>;
  /**
   * The recursive trees API lists at most this many entries, then says `truncated` (GitHub stops at 100,000
   * entries or 7 MB). Unset: no limit.
   */
  tree_limit?: number;
}

/** An organization: its repositories (`login/name`) inherit a hook's enforcement through it. */
export interface SimOrganization {
  id: number;
  login: string;
}

/**
 * An enforcement override of one hook in one organization or one repository (exactly one of the two).
 * Kept while a level above forbids it, but then ignored (UNVERIFIED on real GHES: the simulator's choice).
 */
export interface SimHookOverride {
  hook_id: number;
  organization?: string;
  repository?: string;
  enforcement: string;
  /** Organizations only: whether its repositories may override in turn. */
  allow_downstream_configuration?: boolean;
}

export interface SimState {
  environments: SimEnvironment[];
  hooks: SimHook[];
  webhooks: SimWebhook[];
  repositories: SimRepository[];
  organizations: SimOrganization[];
  pre_receive_hook_overrides: SimHookOverride[];
  /**
   * true: a hook may name any owner/name, which is then registered on first use.
   * false: only the listed repositories exist and any other gives 422.
   */
  auto_register_repositories: boolean;
}

/** What a state file or `initialState` may contain: everything optional except what identifies an object. */
export interface SimStateInput {
  environments?: SimEnvironmentInput[];
  hooks?: SimHookInput[];
  webhooks?: SimWebhookInput[];
  /** When present, the registry is strict (see SimState.auto_register_repositories) unless that says otherwise. */
  repositories?: SimRepositoryInput[];
  auto_register_repositories?: boolean;
  /** Organizations by login; a repository whose owner is not one of them belongs to a user. */
  organizations?: { id?: number; login: string }[];
  pre_receive_hook_overrides?: SimHookOverride[];
}

export interface SimEnvironmentInput {
  id?: number;
  name: string;
  image_url: string;
  default_environment?: boolean;
  created_at?: string;
  updated_at?: string;
  download?: Partial<SimDownload>;
}

export interface SimHookInput {
  id?: number;
  name: string;
  script: string;
  script_repository: string;
  environment_id: number;
  enforcement?: string;
  allow_downstream_configuration?: boolean;
  created_at?: string;
  updated_at?: string;
}

export interface SimWebhookInput {
  id?: number;
  url: string;
  content_type?: 'json' | 'form';
  insecure_ssl?: '0' | '1';
  secret?: string | null;
  events?: string[];
  active?: boolean;
  created_at?: string;
  updated_at?: string;
}

export interface SimRepositoryInput {
  id?: number;
  full_name: string;
  default_branch?: string;
  /** A list of paths is shorthand for executable files. */
  files?: Record<string, Partial<SimFile>> | string[];
  tree_limit?: number;
}

export const ENFORCEMENTS = ['enabled', 'disabled', 'testing'] as const;
export const WEBHOOK_EVENTS = ['user', 'organization', 'repository', 'team', 'member', 'membership', 'fork', 'ping'];
export const DEFAULT_WEBHOOK_EVENTS = ['user', 'organization'];
export const GHES_VERSION = '3.19.0';
