// The desired state: what the YAML files say, validated, with defaults filled in and a location on every entry.
import type { Finding, SourceLocation } from '../errors.js';
import type { WarningCode } from '../finding-codes.js';
import type { Secret } from '../secret.js';

export type Enforcement = 'enabled' | 'disabled' | 'testing';
export type ContentType = 'json' | 'form';
export type Kind = 'environment' | 'hook' | 'webhook';
export const KINDS: readonly Kind[] = ['environment', 'hook', 'webhook'];

/** The name a hook uses for the built-in environment. */
export const DEFAULT_ENVIRONMENT_NAME = 'Default';

/**
 * A global webhook's identity, the one rule for validation and the planner: its URL as written, trimmed. GHES keeps
 * the URL as given, so `https://HOST/x` and `https://host/x/` are other webhooks, never the same one.
 */
export function webhookIdentity(url: string): string {
  return url.trim();
}

export const GLOBAL_WEBHOOK_EVENTS = [
  'user',
  'organization',
  'repository',
  'team',
  'member',
  'membership',
  'fork',
  'ping',
] as const;

export interface PruneSettings {
  environments: boolean;
  hooks: boolean;
  webhooks: boolean;
}

interface Entry {
  /** `absent: true`: delete the object if it exists, even without prune. */
  absent: boolean;
  location: SourceLocation;
}

export interface DesiredEnvironment extends Entry {
  name: string;
  image_url: string;
  previous_names: string[];
}

export interface DesiredHook extends Entry {
  name: string;
  script: string;
  /** owner/name */
  script_repository: string;
  /** An environment declared in the config, DEFAULT_ENVIRONMENT_NAME, or one the planner finds on the instance. */
  environment: string;
  enforcement: Enforcement;
  allow_downstream_configuration: boolean;
  /** Enforcement overrides in the organizations the config names, sorted by login (lower-cased); the loader
   *  always sets it, states built in code may leave it out (none). */
  organizations?: DesiredOverride[];
  /** The same per repository, sorted by owner/name (lower-cased). */
  repositories?: DesiredOverride[];
  previous_names: string[];
}

/** Where an override applies: GHES lets organizations, and repositories below them, change a hook's enforcement. */
export type OverrideScope = 'organization' | 'repository';

/** `inherit`: no override at this level; one that exists is removed (GHES then applies the level above). */
export type OverrideEnforcement = Enforcement | 'inherit';

/** One hook's enforcement in one organization or repository, as the config declares it. */
export interface DesiredOverride {
  scope: OverrideScope;
  /** The organization's login, or the repository's owner/name, as written. */
  target: string;
  enforcement: OverrideEnforcement;
  /**
   * Organizations only: whether repositories in it may override in turn. undefined: not managed, whatever the
   * live override says is kept.
   */
  allow_downstream_configuration?: boolean;
  /** The key that names the target. */
  location: SourceLocation;
}

export interface DesiredWebhook extends Entry {
  url: string;
  content_type: ContentType;
  /** undefined: the config has no `secret` key, leave the live secret alone. Empty Secret: no secret. */
  secret: Secret | undefined;
  insecure_ssl: boolean;
  /** Sorted, unique. */
  events: string[];
  active: boolean;
}

export interface DesiredState {
  version: 1;
  /** `suspend: true` in any file: plan only, apply nothing (the CLI's apply, the Action and the daemon honour it). */
  suspend: boolean;
  prune: PruneSettings;
  environments: DesiredEnvironment[];
  hooks: DesiredHook[];
  webhooks: DesiredWebhook[];
  /** The files the state was read from. */
  files: string[];
  /** Valid but worth a reviewer's eye (insecure_ssl, a secret in plain text); every plan shows them. */
  warnings?: Finding<WarningCode>[];
}
