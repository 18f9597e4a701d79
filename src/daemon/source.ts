// Where the daemon's desired state comes from: a local path re-read at every reconcile, or a repository read
// through the REST API at one commit. Either way one reconcile works on one revision, never a mix of two.
import type { DesiredState } from '../config/types.js';
import type { Redactor } from '../redact.js';

export interface SourceRevision {
  /**
   * What status, metrics and reports show: `main@sha1:<sha>` for a repository read through the API, the
   * checkout's commit (`sha1:<sha>`) for a local path inside a git work tree, '' when unknown.
   */
  revision: string;
  /** Loads and validates the desired state of exactly this revision; a configuration error throws ConfigError. */
  load(env: Record<string, string | undefined>, redactor: Redactor): Promise<DesiredState>;
}

export interface PollResult {
  revision: string;
  /** The revision differs from the one the previous poll saw (false on the first poll). */
  changed: boolean;
}

export interface DesiredStateSource {
  /** For logs and status, e.g. `path ./config` or `repository acme/ghes-config@main (config/)`. */
  readonly description: string;
  /** How often the daemon polls for a new revision; undefined: never (a local path is re-read at every reconcile). */
  readonly pollIntervalMs?: number;
  /** A cheap look at the current revision (for the API: one conditional request, a 304 when nothing moved). */
  poll(signal?: AbortSignal): Promise<PollResult>;
  /** The revision to reconcile now: the one the last poll saw, polling first when there was none. */
  current(signal?: AbortSignal): Promise<SourceRevision>;
}
