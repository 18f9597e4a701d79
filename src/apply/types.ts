// What apply reports: one result per planned operation, and whether the run was interrupted.
import type { Operation } from '../plan/types.js';

export type OperationStatus =
  /** Done; the server confirmed it. */
  | 'succeeded'
  /** The server refused it, or it failed in a way we could not recover from; `error` says why. */
  | 'failed'
  /** Not attempted because an operation it depends on failed or was skipped; `error` names it. */
  | 'skipped'
  /** Not attempted because the run was interrupted (or, with dry-run, never sent). */
  | 'not_started';

export interface OperationResult {
  operation: Operation;
  status: OperationStatus;
  error?: string;
  /** The live id after the operation (for creates). */
  liveId?: number;
  durationMs?: number;
}

export interface ApplyResult {
  results: OperationResult[];
  counts: Record<OperationStatus, number>;
  dryRun: boolean;
  interrupted: boolean;
}

export type ApplyEvent =
  | { type: 'start'; operation: Operation }
  | { type: 'done'; result: OperationResult }
  | { type: 'download-progress'; operation: Operation; state: string };

export interface ApplyOptions {
  /** Requests in flight at once, at most (slots.ts); an operation may send several. Default 4. */
  concurrency: number;
  /** How long to wait for one environment download. Default 10 minutes. */
  downloadTimeoutMs: number;
  /** First poll delay for downloads; it grows 1.5x per poll, up to 10 s. Default 1 s. */
  downloadPollMs?: number;
  /** Send nothing; report every operation as not_started. */
  dryRun: boolean;
  /** Aborting stops new operations from starting; those in flight finish. */
  signal?: AbortSignal;
  onEvent?: (event: ApplyEvent) => void;
}
