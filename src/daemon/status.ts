// What `GET /status` shows: revisions last applied and attempted, times, the next run, Flux-style conditions, the
// last plan (secrets as "(sensitive)") and the last runs. Built from the passes the scheduler records; no I/O.
import { hasChanges, type PlanSummary } from '../plan/types.js';
import { renderPlanJson } from '../report/plan.js';
import type { Redactor } from '../redact.js';
import type { Mode, Pass, PassOutcome } from './pass.js';

export const RUN_HISTORY = 10;

export type ConditionType = 'Ready' | 'Stalled' | 'Drifted' | 'Suspended';

export interface Condition {
  type: ConditionType;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

export interface RunRecord {
  trigger: string;
  revision: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  outcome: PassOutcome;
  reason: string;
  message: string;
  summary?: PlanSummary;
}

export interface StatusDocument {
  source: string;
  mode: Mode;
  ready: boolean;
  lastAppliedRevision: string | null;
  lastAttemptedRevision: string | null;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  nextRunAt: string | null;
  /** Set while a revision is stalled: it is not retried until the source moves on (or SIGHUP asks). */
  stalledRevision: string | null;
  conditions: Condition[];
  lastPlan: { revision: string; at: string; summary: PlanSummary; operations: unknown[] } | null;
  runs: RunRecord[];
}

export class DaemonStatus {
  ready = false;
  nextRunAt: number | undefined;
  stalledRevision: string | undefined;
  readonly #source: string;
  readonly #mode: Mode;
  readonly #redactor: Redactor;
  #last: Pass | undefined;
  #lastAppliedRevision: string | undefined;
  #lastAttemptAt: number | undefined;
  #lastSuccessAt: number | undefined;
  #lastPlan: StatusDocument['lastPlan'] = null;
  #suspended: boolean | undefined;
  #runs: RunRecord[] = [];

  constructor(source: string, mode: Mode, redactor: Redactor) {
    this.#source = source;
    this.#mode = mode;
    this.#redactor = redactor;
  }

  get lastSuccessAt(): number | undefined {
    return this.#lastSuccessAt;
  }

  record(pass: Pass, trigger: string, startedAt: number, finishedAt: number): RunRecord {
    this.#last = pass;
    this.#lastAttemptAt = startedAt;
    if (pass.suspended !== undefined) this.#suspended = pass.suspended;
    if (pass.outcome === 'in-sync' || pass.outcome === 'applied') {
      this.#lastAppliedRevision = pass.revision;
      this.#lastSuccessAt = finishedAt;
    } else if (pass.outcome === 'drifted') {
      // The pass did what it was asked (report): a success for freshness alerts, not an applied revision.
      this.#lastSuccessAt = finishedAt;
    }
    this.stalledRevision = pass.outcome === 'stalled' ? pass.revision : undefined;
    if (pass.plan) {
      // renderPlanJson prints Secret values as "(sensitive)" and leaves out the fields apply sends.
      const rendered = JSON.parse(this.#redactor.redact(renderPlanJson(pass.plan))) as { operations: unknown[] };
      this.#lastPlan = {
        revision: pass.revision,
        at: iso(finishedAt),
        summary: pass.plan.summary,
        operations: rendered.operations,
      };
    }
    const run: RunRecord = {
      trigger,
      revision: pass.revision,
      startedAt: iso(startedAt),
      finishedAt: iso(finishedAt),
      durationMs: Math.round(finishedAt - startedAt),
      outcome: pass.outcome,
      reason: pass.reason,
      message: pass.message,
      ...(pass.plan && { summary: pass.plan.summary }),
    };
    this.#runs = [run, ...this.#runs].slice(0, RUN_HISTORY);
    return run;
  }

  conditions(): Condition[] {
    const pass = this.#last;
    if (!pass) {
      const waiting = (type: ConditionType): Condition => ({
        type,
        status: 'Unknown',
        reason: 'Progressing',
        message: 'the first reconcile has not finished yet',
      });
      return [waiting('Ready'), waiting('Stalled'), waiting('Drifted'), waiting('Suspended')];
    }
    const good = pass.outcome === 'in-sync' || pass.outcome === 'applied';
    const ready: Condition = {
      type: 'Ready',
      status: good ? 'True' : 'False',
      reason: pass.reason,
      message: pass.message,
    };
    const stalled: Condition =
      pass.outcome === 'stalled'
        ? { type: 'Stalled', status: 'True', reason: pass.reason, message: pass.message }
        : { type: 'Stalled', status: 'False', reason: 'NotStalled', message: 'the last revision could be reconciled' };
    const changes = pass.plan !== undefined && hasChanges(pass.plan);
    const notApplied = changes && pass.outcome !== 'applied';
    const drifted: Condition = !pass.plan
      ? { type: 'Drifted', status: 'Unknown', reason: 'NotObserved', message: 'the last reconcile made no plan' }
      : notApplied
        ? { type: 'Drifted', status: 'True', reason: 'DriftDetected', message: pass.message }
        : {
            type: 'Drifted',
            status: 'False',
            reason: 'InSync',
            message: changes ? 'the drift found was corrected' : 'no drift',
          };
    const suspended: Condition =
      this.#suspended === undefined
        ? { type: 'Suspended', status: 'Unknown', reason: 'NotRead', message: 'the desired state was not read' }
        : this.#suspended
          ? {
              type: 'Suspended',
              status: 'True',
              reason: 'SuspendedByConfig',
              message: '`suspend: true` in the desired state: plan only, nothing is applied',
            }
          : { type: 'Suspended', status: 'False', reason: 'NotSuspended', message: 'apply is not suspended' };
    return [ready, stalled, drifted, suspended];
  }

  document(): StatusDocument {
    const last = this.#last;
    return {
      source: this.#source,
      mode: this.#mode,
      ready: this.ready,
      lastAppliedRevision: this.#lastAppliedRevision ?? null,
      lastAttemptedRevision: last?.revision ?? null,
      lastAttemptAt: this.#lastAttemptAt === undefined ? null : iso(this.#lastAttemptAt),
      lastSuccessAt: this.#lastSuccessAt === undefined ? null : iso(this.#lastSuccessAt),
      nextRunAt: this.nextRunAt === undefined ? null : iso(this.nextRunAt),
      stalledRevision: this.stalledRevision ?? null,
      conditions: this.conditions(),
      lastPlan: this.#lastPlan,
      runs: this.#runs,
    };
  }
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
