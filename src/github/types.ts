// The observed state: the live admin API's objects, normalized to the desired shape (no urls, timestamps,
// string booleans or masked secrets), keeping the ids that apply needs.

import type { ContentType, Enforcement, OverrideScope } from '../config/types.js';

export type DownloadState = 'not_started' | 'in_progress' | 'success' | 'failed';

export interface DownloadStatus {
  state: DownloadState | (string & {});
  message: string | null;
  downloaded_at: string | null;
}

export interface ObservedEnvironment {
  id: number;
  name: string;
  image_url: string;
  /** The built-in environment: never modified, never deleted. */
  default_environment: boolean;
  hooks_count: number;
  download: DownloadStatus;
}

export interface ObservedHook {
  id: number;
  name: string;
  script: string;
  /** owner/name */
  script_repository: string;
  environment: { id: number; name: string; default_environment: boolean };
  enforcement: Enforcement | (string & {});
  allow_downstream_configuration: boolean;
}

export interface ObservedWebhook {
  id: number;
  url: string;
  content_type: ContentType | (string & {});
  insecure_ssl: boolean;
  /** Sorted, unique. */
  events: string[];
  active: boolean;
  /** The API masks secrets; we only know whether one is set. */
  has_secret: boolean;
}

/** The level that owns a hook's effective enforcement somewhere, as its `configuration_url` says. */
export type ConfigurationLevel =
  { level: 'global' } | { level: 'organization'; name: string } | { level: 'repository'; name: string };

/** A hook as one organization or repository sees it: the effective values there, and who set them. */
export interface ObservedHookAtTarget {
  id: number;
  name: string;
  enforcement: Enforcement | (string & {});
  /** Organizations only: whether its repositories may override. */
  allow_downstream_configuration?: boolean;
  /** An override exists at this very organization or repository (configuration_url points at it). */
  overridden: boolean;
  configuredAt: ConfigurationLevel;
}

/** One organization or repository the config names, read once (every page). */
export interface ObservedTarget {
  scope: OverrideScope;
  /** As the config names it. */
  name: string;
  /**
   * The hooks its list shows. GHES hides hooks that are disabled above and not configurable here, so a hook
   * missing from this list is not evidence of "no override".
   */
  hooks: ObservedHookAtTarget[];
}

export interface ObservedOverrides {
  organizations: ObservedTarget[];
  repositories: ObservedTarget[];
}

export interface ObservedState {
  environments: ObservedEnvironment[];
  hooks: ObservedHook[];
  webhooks: ObservedWebhook[];
  /** Present when observe was given organizations or repositories to read: the config named some. */
  overrides?: ObservedOverrides;
}
