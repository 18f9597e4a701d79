// The daemon's Prometheus metrics, in a registry of its own (never prom-client's global one). Labels stay
// low-cardinality: a kind, an action, a result, a method, a status; never an object's name or URL.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { KINDS } from '../config/types.js';
import { ACTIONS, type Plan } from '../plan/types.js';
import type { ApplyResult } from '../apply/types.js';
import { VERSION } from '../version.js';

export type ReconcileResult = 'success' | 'error' | 'noop';
export type SourceFetchResult = 'changed' | 'unchanged' | 'error';
export type WebhookEvent = 'push' | 'ping' | 'other';
export type WebhookResult = 'accepted' | 'ignored' | 'pong' | 'unauthorized' | 'too_large' | 'bad_request' | 'disabled';

const METHODS = new Set(['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD']);

export class DaemonMetrics {
  readonly registry = new Registry();
  readonly #reconciles: Counter<'result'>;
  readonly #duration: Histogram;
  readonly #drift: Gauge<'kind' | 'action'>;
  readonly #applied: Counter<'kind' | 'action' | 'result'>;
  readonly #lastSuccess: Gauge;
  readonly #suspended: Gauge;
  readonly #sourceFetches: Counter<'result'>;
  readonly #webhooks: Counter<'event' | 'result'>;
  readonly #apiRequests: Counter<'method' | 'status'>;
  readonly #info: Gauge<'version' | 'revision'>;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.#reconciles = new Counter({
      name: 'ghes_gitops_reconcile_total',
      help: 'Reconciles by result: success (changes applied or reported), noop (nothing to change), error.',
      labelNames: ['result'],
      registers,
    });
    this.#duration = new Histogram({
      name: 'ghes_gitops_reconcile_duration_seconds',
      help: 'How long one reconcile took, from reading the desired state to the end of apply.',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers,
    });
    this.#drift = new Gauge({
      name: 'ghes_gitops_drift',
      help: 'Operations the last plan found, by kind and action (0 when the instance matches the desired state).',
      labelNames: ['kind', 'action'],
      registers,
    });
    this.#applied = new Counter({
      name: 'ghes_gitops_operations_applied_total',
      help: 'Operations apply attempted, by kind, action and result (succeeded, failed, skipped, not_started).',
      labelNames: ['kind', 'action', 'result'],
      registers,
    });
    this.#lastSuccess = new Gauge({
      name: 'ghes_gitops_last_success_timestamp_seconds',
      help: 'When a reconcile last succeeded (Unix time); 0 before the first.',
      registers,
    });
    this.#suspended = new Gauge({
      name: 'ghes_gitops_suspended',
      help: '1 while the desired state says `suspend: true` (plan only), else 0.',
      registers,
    });
    this.#sourceFetches = new Counter({
      name: 'ghes_gitops_source_fetch_total',
      help: 'Looks at the source for a new revision, by result.',
      labelNames: ['result'],
      registers,
    });
    this.#webhooks = new Counter({
      name: 'ghes_gitops_webhook_requests_total',
      help: 'Requests to POST /hooks/github, by event (push, ping, other) and result.',
      labelNames: ['event', 'result'],
      registers,
    });
    this.#apiRequests = new Counter({
      name: 'ghes_gitops_api_requests_total',
      help: 'Responses from the GHES API, each retry included, by method and status.',
      labelNames: ['method', 'status'],
      registers,
    });
    this.#info = new Gauge({
      name: 'ghes_gitops_info',
      help: 'Always 1: the version running and the revision last applied.',
      labelNames: ['version', 'revision'],
      registers,
    });
    for (const kind of KINDS) for (const action of ACTIONS) this.#drift.set({ kind, action }, 0);
    for (const result of ['success', 'error', 'noop'] as const) this.#reconciles.inc({ result }, 0);
    this.#lastSuccess.set(0);
    this.#suspended.set(0);
    this.#info.set({ version: VERSION, revision: '' }, 1);
  }

  reconciled(result: ReconcileResult, seconds: number): void {
    this.#reconciles.inc({ result });
    this.#duration.observe(seconds);
  }

  succeededAt(epochMs: number): void {
    this.#lastSuccess.set(epochMs / 1000);
  }

  planned(plan: Plan): void {
    for (const kind of KINDS) for (const action of ACTIONS) this.#drift.set({ kind, action }, 0);
    for (const op of plan.operations) this.#drift.inc({ kind: op.kind, action: op.action });
  }

  applied(result: ApplyResult): void {
    for (const { operation, status } of result.results) {
      this.#applied.inc({ kind: operation.kind, action: operation.action, result: status });
    }
  }

  suspended(on: boolean): void {
    this.#suspended.set(on ? 1 : 0);
  }

  sourceFetched(result: SourceFetchResult): void {
    this.#sourceFetches.inc({ result });
  }

  webhook(event: WebhookEvent, result: WebhookResult): void {
    this.#webhooks.inc({ event, result });
  }

  apiResponse(method: string, status: number): void {
    // Bounded whatever a proxy in between answers: known verbs, and statuses as the three-digit numbers they are.
    const verb = METHODS.has(method) ? method : 'OTHER';
    const code = Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : 'other';
    this.#apiRequests.inc({ method: verb, status: code });
  }

  /** One series at a time: the old revision's is removed, so a long-lived daemon does not grow one per commit. */
  appliedRevision(revision: string): void {
    this.#info.reset();
    this.#info.set({ version: VERSION, revision }, 1);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
