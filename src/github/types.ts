// The observed state: the live admin API's objects, normalized to the desired shape (no urls, timestamps,
// string booleans or masked secrets), keeping the ids that apply needs.

import type { ContentType, Enforcement } from '../config/types.js';

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

export interface ObservedState {
  environments: ObservedEnvironment[];
  hooks: ObservedHook[];
  webhooks: ObservedWebhook[];
}
