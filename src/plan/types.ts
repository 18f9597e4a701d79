// A Plan is a value: the ordered operations that take the observed state to the desired state.
// Apply consumes it; `--dry-run` and `plan` simply do not call apply. Secrets inside are Secret objects,
// which print as "(sensitive)" however the plan is serialized.
import type { Enforcement, ContentType, Kind, OverrideScope } from '../config/types.js';
import type { SourceLocation } from '../errors.js';
import type { Secret } from '../secret.js';

export type Action = 'create' | 'update' | 'delete' | 'download';
export const ACTIONS: readonly Action[] = ['create', 'update', 'delete', 'download'];

/** One field's change. Secret values appear only as SENSITIVE ("(sensitive)") or null. */
export interface FieldChange {
  from: unknown;
  to: unknown;
}

/** What an operation acts on: the config's kinds, and a hook's enforcement override in an organization or repository. */
export type OperationKind = Kind | 'override';

interface OperationBase {
  /** Unique and stable within a plan: `${kind}:${action}:${key}`. */
  id: string;
  kind: OperationKind;
  /** The object's identity as the config names it: environment or hook name, webhook URL. */
  key: string;
  action: Action;
  /** For update (and rename): the fields that change. For create: every field, from null. For delete: empty. */
  changes: Record<string, FieldChange>;
  /** Ids of operations that must succeed before this one starts. */
  dependsOn: string[];
  /** The live object's id, for update, delete and download of an object that exists now. */
  liveId?: number;
  /** Why, for display only: "renamed from X", "last download failed", "pruned", "absent: true". */
  reason?: string;
  /** Changes with instance-wide effect, e.g. a hook going to `enabled`; for display. */
  blastRadius?: string;
  /** Warnings to show beside the operation, e.g. `insecure_ssl: true`. */
  warnings: string[];
  /** Where the config declares the object, when it does. */
  location?: SourceLocation;
}

export interface EnvironmentFields {
  name: string;
  image_url: string;
}

export interface HookFields {
  name: string;
  script: string;
  script_repository: string;
  /** An environment name; apply resolves it to an id (Default = the built-in environment). */
  environment: string;
  enforcement: Enforcement;
  allow_downstream_configuration: boolean;
}

export interface WebhookFields {
  url: string;
  content_type: ContentType;
  insecure_ssl: boolean;
  events: string[];
  active: boolean;
  /** undefined: send no secret (only planned when the live hook has none, or `secret: ""`). */
  secret: Secret | undefined;
}

export interface EnvironmentOperation extends OperationBase {
  kind: 'environment';
  /** create: both fields; update: the changed ones. */
  fields?: Partial<EnvironmentFields>;
}

export interface HookOperation extends OperationBase {
  kind: 'hook';
  /** create: every field; update: the changed ones only. */
  fields?: Partial<HookFields>;
  /**
   * create and update: the complete desired hook, which an update sends whole. Whether GHES keeps the fields a
   * hook PATCH omits is not documented (a webhook PATCH resets them), so nothing is left to that.
   */
  desired?: HookFields;
}

export interface WebhookOperation extends OperationBase {
  kind: 'webhook';
  /** create and update: the full desired object, because GHES resets whatever a webhook PATCH omits. */
  fields?: WebhookFields;
}

/** What an override's PATCH sends: an organization takes both fields, a repository enforcement only. */
export interface OverrideFields {
  enforcement: Enforcement;
  allow_downstream_configuration?: boolean;
}

/**
 * create and update PATCH the override at its level (create: none exists there now); delete removes it, which
 * GHES answers with the inherited values: the hook itself stays. The key is `${hook} @ ${target}`.
 */
export interface OverrideOperation extends OperationBase {
  kind: 'override';
  /** The hook's name as the config declares it. */
  hook: string;
  /** The live hook's id; undefined when this plan creates the hook, whose create operation it depends on. */
  hookId?: number;
  scope: OverrideScope;
  /** The organization login or repository owner/name, as the config writes it. */
  target: string;
  fields?: OverrideFields;
}

export type Operation = EnvironmentOperation | HookOperation | WebhookOperation | OverrideOperation;

export interface UnmanagedObject {
  kind: Kind;
  key: string;
  id: number;
}

export type PlanSummary = Record<Action, number>;

export interface Plan {
  formatVersion: 1;
  /** In execution order: every operation comes after those it depends on; ties sorted by phase, then key. */
  operations: Operation[];
  /** Live objects the config does not manage (their kind is not pruned); never touched. */
  unmanaged: UnmanagedObject[];
  summary: PlanSummary;
  /** Live objects per kind (the default environment excluded), for the mass-delete guard. */
  liveCounts: Record<Kind, number>;
  /**
   * Environment ids by lower-cased name, as observed; `default` is the built-in environment.
   * Apply adds the ids of the environments it creates and renames.
   */
  environmentIds: Record<string, number>;
  /** Plan-level warnings, for display. */
  warnings: string[];
}

export interface PlanOptions {
  /** Send configured secrets even when both sides have one (secret drift cannot be detected). */
  syncSecrets: boolean;
}
