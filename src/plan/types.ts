// A Plan is a value: the ordered operations that take the observed state to the desired state.
// Apply consumes it; `--dry-run` and `plan` simply do not call apply. Secrets inside are Secret objects,
// which print as "(sensitive)" however the plan is serialized.
import type { Enforcement, ContentType, Kind, OverrideScope } from '../config/types.js';
import type { SourceLocation } from '../errors.js';
import type { Secret } from '../secret.js';
import type { Warning, WarningCode } from '../finding-codes.js';
import type { DeleteReason, DownloadReason, ReasonCode } from './codes.js';

export type Action = 'create' | 'update' | 'delete' | 'download';
export const ACTIONS: readonly Action[] = ['create', 'update', 'delete', 'download'];

/** One field's change. Secret values appear only as SENSITIVE ("(sensitive)") or null. */
export interface FieldChange {
  from: unknown;
  to: unknown;
}

/** What an operation acts on: the config's kinds, and a hook's enforcement override in an organization or repository. */
export type OperationKind = Kind | 'override';

/**
 * What every operation has, whatever its kind and action. Each case below adds exactly the fields its action
 * needs (terraform's plans package does the same), so a plan that apply could not carry out cannot be built:
 * an update without its live id or without a changed field, a create without every field, a hook download.
 */
interface Change<K extends OperationKind, A extends Action> {
  /** Unique and stable within a plan: `${kind}:${action}:${key}`. */
  id: string;
  kind: K;
  /** The object's identity as the config names it: environment or hook name, webhook URL. */
  key: string;
  action: A;
  /** For update (and rename): the fields that change. For create: every field, from null. For delete: empty. */
  changes: Record<string, FieldChange>;
  /** Ids of operations that must succeed before this one starts. */
  dependsOn: string[];
  /**
   * Why, for display only: "renamed from X", "last download failed", "pruned", "absent: true". Always said for a
   * delete, a download and an override's create.
   */
  reason?: string;
  /** The reason's code, for machines (REASON_CODES); present exactly when `reason` is. */
  reasonCode?: ReasonCode;
  /** Changes with instance-wide effect, e.g. a hook going to `enabled`; for display. */
  blastRadius?: string;
  /** The blast radius's codes, for machines, one per part of its text (src/plan/blast-radius.ts sets both). */
  blastRadiusCodes?: WarningCode[];
  /** Warnings to show beside the operation, e.g. `insecure_ssl: true`, each with its code. */
  warnings: Warning[];
  /** Where the config declares the object, when it does. */
  location?: SourceLocation;
}

/** A change to a live object: its id, as observed. */
interface OfLive {
  liveId: number;
}

/** Some of T's fields, never none: what an update sends or says changed. */
export type AtLeastOne<T> = { [K in keyof T]-?: Required<Pick<T, K>> & Partial<T> }[keyof T];

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

export interface EnvironmentCreate extends Change<'environment', 'create'> {
  fields: EnvironmentFields;
}
export interface EnvironmentUpdate extends Change<'environment', 'update'>, OfLive {
  reasonCode?: 'renamed';
  /** The changed fields only: a rename, a new image, or both. */
  fields: AtLeastOne<EnvironmentFields>;
}
export interface EnvironmentDelete extends Change<'environment', 'delete'>, OfLive {
  reason: string;
  reasonCode: DeleteReason;
}
/** Starts a download of the environment's image and waits for it. */
export interface EnvironmentDownload extends Change<'environment', 'download'> {
  reason: string;
  reasonCode: DownloadReason;
  /** undefined: an environment this plan creates, whose id apply learns from the create this depends on. */
  liveId?: number;
}
export type EnvironmentOperation = EnvironmentCreate | EnvironmentUpdate | EnvironmentDelete | EnvironmentDownload;

export interface HookCreate extends Change<'hook', 'create'> {
  fields: HookFields;
}
export interface HookUpdate extends Change<'hook', 'update'>, OfLive {
  reasonCode?: 'renamed';
  /** The changed fields only, for display and for what the update implies (preflight, ordering). */
  fields: AtLeastOne<HookFields>;
  /**
   * The complete desired hook, which the update sends whole. Whether GHES keeps the fields a hook PATCH omits is
   * not documented (a webhook PATCH resets them), so nothing is left to that.
   */
  desired: HookFields;
}
export interface HookDelete extends Change<'hook', 'delete'>, OfLive {
  reason: string;
  reasonCode: DeleteReason;
}
export type HookOperation = HookCreate | HookUpdate | HookDelete;

export interface WebhookCreate extends Change<'webhook', 'create'> {
  fields: WebhookFields;
}
export interface WebhookUpdate extends Change<'webhook', 'update'>, OfLive {
  reasonCode?: 'sync-secrets';
  /** The full desired webhook, because GHES resets whatever a webhook PATCH omits. */
  fields: WebhookFields;
}
export interface WebhookDelete extends Change<'webhook', 'delete'>, OfLive {
  reason: string;
  reasonCode: DeleteReason;
}
export type WebhookOperation = WebhookCreate | WebhookUpdate | WebhookDelete;

/** What an override's PATCH sends: an organization takes both fields, a repository enforcement only. */
export interface OverrideFields {
  enforcement: Enforcement;
  allow_downstream_configuration?: boolean;
}

/**
 * create and update PATCH the override at its level (create: none exists there now); delete removes it, which
 * GHES answers with the inherited values: the hook itself stays. The key is `${hook} @ ${target}`.
 */
interface OverrideChange<A extends Action> extends Change<'override', A> {
  /** The hook's name as the config declares it. */
  hook: string;
  scope: OverrideScope;
  /** The organization login or repository owner/name, as the config writes it. */
  target: string;
}
export interface OverrideCreate extends OverrideChange<'create'> {
  reason: string;
  reasonCode: 'replaces-inherited' | 'new-override';
  /** The live hook's id; undefined when this plan creates the hook, whose create operation it depends on. */
  hookId?: number;
  fields: OverrideFields;
}
/** An override exists only on a live hook, so its update and delete know the hook's id. */
export interface OverrideUpdate extends OverrideChange<'update'> {
  hookId: number;
  fields: OverrideFields;
}
export interface OverrideDelete extends OverrideChange<'delete'> {
  reason: string;
  reasonCode: 'inherit';
  hookId: number;
}
export type OverrideOperation = OverrideCreate | OverrideUpdate | OverrideDelete;

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
  /** Plan-level warnings, each with its code. */
  warnings: Warning[];
}

/**
 * Whether applying the plan would change anything: the one test behind `--detailed-exitcode`, the Action's
 * `has-changes` and `fail-on-changes`, the daemon's drift and every report's "no changes".
 */
export function hasChanges(plan: Pick<Plan, 'operations'>): boolean {
  return plan.operations.length > 0;
}

export interface PlanOptions {
  /** Send configured secrets even when both sides have one (secret drift cannot be detected). */
  syncSecrets: boolean;
}
