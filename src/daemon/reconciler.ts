// The reconcile loop: one pass at a time, triggers that arrive meanwhile collapsed into one follow-up, the next
// run scheduled after each (the interval, or a backoff after a transient failure), a stalled revision left alone
// until the source moves on. Metrics, status and the issue report are recorded around each pass, not inside it.
import type { AdminApi } from '../github/api.js';
import { renderPlanMarkdown } from '../report/plan.js';
import type { Logger, Redactor } from '../redact.js';
import type { DaemonMetrics, ReconcileResult } from './metrics.js';
import { runPass, type Pass, type PassSettings } from './pass.js';
import type { InstanceCondition, IssueReporter } from './report-issue.js';
import type { DesiredStateSource } from './source.js';
import { DaemonStatus } from './status.js';

/**
 * What asked for a reconcile. `signal` (SIGHUP) is an admin's explicit request: it runs even a stalled revision.
 * The others skip a stalled revision that has not changed.
 */
export type Trigger = 'startup' | 'interval' | 'retry' | 'revision' | 'webhook' | 'signal' | 'once';

/** The first wait after a transient failure; doubled after each one, up to the interval. */
export const RETRY_MIN_MS = 30_000;
export const JITTER = 0.05;

export interface ReconcilerOptions {
  source: DesiredStateSource;
  api: AdminApi;
  settings: PassSettings;
  intervalMs: number;
  retryMinMs?: number;
  env: Record<string, string | undefined>;
  redactor: Redactor;
  log: Logger;
  metrics: DaemonMetrics;
  reporter?: IssueReporter;
  /** Injectable for tests: the wall clock, and a number in [0, 1) for the jitter. */
  now?: () => number;
  random?: () => number;
}

export class Reconciler {
  readonly status: DaemonStatus;
  readonly #options: ReconcilerOptions;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #shutdown = new AbortController();
  #running: Promise<Pass | undefined> | undefined;
  #followUp: Trigger | undefined;
  #timer: NodeJS.Timeout | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  #stopped = false;
  #started = false;

  constructor(options: ReconcilerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.status = new DaemonStatus(options.source.description, options.settings.mode, options.redactor);
  }

  /** The startup reconcile, then the interval and the source poll. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.trigger('startup');
    if (this.#options.source.pollIntervalMs !== undefined) this.#schedulePoll();
  }

  /** Runs now, or once more after the pass in progress (however many triggers arrive meanwhile). */
  trigger(trigger: Trigger): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#followUp ??= trigger;
      return;
    }
    this.#clearTimer();
    this.#running = this.#run(trigger).finally(() => {
      this.#running = undefined;
      const next = this.#followUp;
      this.#followUp = undefined;
      if (next && !this.#stopped) this.trigger(next);
    });
  }

  /** One pass, for `--once` and tests; resolves with what it came to (undefined: a stalled revision, skipped). */
  async runOnce(trigger: Trigger = 'once'): Promise<Pass | undefined> {
    while (this.#running) await this.#running;
    this.#clearTimer();
    const running = this.#run(trigger);
    this.#running = running;
    try {
      return await running;
    } finally {
      this.#running = undefined;
    }
  }

  /**
   * Takes no more triggers, clears every timer, and asks a running apply to start nothing new. Resolves true when
   * the pass in progress (its operations in flight) finished within `timeoutMs`.
   */
  async stop(timeoutMs: number): Promise<boolean> {
    this.#stopped = true;
    this.#followUp = undefined;
    this.#clearTimer();
    clearTimeout(this.#pollTimer);
    this.status.ready = false;
    this.status.nextRunAt = undefined;
    this.#shutdown.abort();
    const running = this.#running;
    if (!running) return true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([running.then(() => true as const), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #run(trigger: Trigger): Promise<Pass | undefined> {
    const { source, log } = this.#options;
    const startedAt = this.#now();
    const started = performance.now();
    let pass: Pass;
    try {
      const revision = await source.current(this.#shutdown.signal);
      const stalled = this.status.stalledRevision;
      if (trigger !== 'signal' && trigger !== 'once' && stalled && revision.revision === stalled) {
        log.debug(`revision ${stalled} is stalled; not retried until it changes (or SIGHUP)`);
        if (this.#started && !this.#stopped) this.#scheduleNext(this.#options.intervalMs);
        return undefined;
      }
      pass = await runPass(revision, this.#options.settings, {
        api: this.#options.api,
        env: this.#options.env,
        redactor: this.#options.redactor,
        log,
        signal: this.#shutdown.signal,
        onObserved: () => {
          if (!this.#stopped) this.status.ready = true;
        },
      });
    } catch (error) {
      // Only the source can throw here (runPass turns every failure into an outcome): retry it like any transient.
      const message = this.#options.redactor.redact(error instanceof Error ? error.message : String(error));
      pass = { revision: '', outcome: 'failed', reason: 'SourceFailed', message };
    }
    const seconds = (performance.now() - started) / 1000;
    const finishedAt = this.#now();
    this.#record(pass, trigger, startedAt, finishedAt, seconds);
    await this.#report(pass);
    const delay = this.#nextDelay(pass);
    if (this.#started && !this.#stopped) this.#scheduleNext(delay);
    return pass;
  }

  #record(pass: Pass, trigger: Trigger, startedAt: number, finishedAt: number, seconds: number): void {
    const { metrics, log } = this.#options;
    const result: ReconcileResult =
      pass.outcome === 'in-sync'
        ? 'noop'
        : pass.outcome === 'applied' || pass.outcome === 'drifted'
          ? 'success'
          : 'error';
    metrics.reconciled(result, seconds);
    if (pass.plan) metrics.planned(pass.plan);
    if (pass.applyResult) metrics.applied(pass.applyResult);
    if (pass.suspended !== undefined) metrics.suspended(pass.suspended);
    const run = this.status.record(pass, trigger, startedAt, finishedAt);
    if (result !== 'error') metrics.succeededAt(finishedAt);
    if (pass.outcome === 'in-sync' || pass.outcome === 'applied') metrics.appliedRevision(pass.revision);
    const line = `reconcile (${trigger}${pass.revision ? `, ${pass.revision}` : ''}): ${pass.outcome}: ${pass.message}`;
    if (pass.outcome === 'failed' || pass.outcome === 'stalled') log.error(line);
    else if (pass.outcome === 'drifted' || pass.outcome === 'interrupted') log.warn(line);
    else log.info(line);
    log.debug(`run took ${run.durationMs} ms`);
  }

  async #report(pass: Pass): Promise<void> {
    const reporter = this.#options.reporter;
    const condition = instanceCondition(pass, this.#options.redactor);
    if (!reporter || !condition) return;
    try {
      await reporter.update(condition);
    } catch (error) {
      // The contract says it never throws; a daemon must survive one that does.
      this.#options.log.warn(`issue report failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #nextDelay(pass: Pass): number {
    const { intervalMs } = this.#options;
    if (pass.outcome !== 'failed') {
      this.#failures = 0;
      return intervalMs;
    }
    this.#failures += 1;
    const first = this.#options.retryMinMs ?? RETRY_MIN_MS;
    return Math.min(first * 2 ** (this.#failures - 1), intervalMs);
  }

  #scheduleNext(delayMs: number): void {
    this.#clearTimer();
    const wait = this.#jittered(delayMs);
    this.status.nextRunAt = this.#now() + wait;
    const trigger: Trigger = this.#failures > 0 ? 'retry' : 'interval';
    this.#timer = setTimeout(() => this.trigger(trigger), wait);
  }

  #schedulePoll(): void {
    const { source, metrics, log } = this.#options;
    const every = source.pollIntervalMs;
    if (every === undefined || this.#stopped) return;
    this.#pollTimer = setTimeout(() => {
      source
        .poll(this.#shutdown.signal)
        .then(
          (result) => {
            metrics.sourceFetched(result.changed ? 'changed' : 'unchanged');
            if (result.changed) {
              log.info(`new revision ${result.revision || '(unknown)'} in ${source.description}`);
              this.trigger('revision');
            }
          },
          (error: unknown) => {
            metrics.sourceFetched('error');
            log.warn(
              this.#options.redactor.redact(
                `cannot look at ${source.description}: ${error instanceof Error ? error.message : String(error)}`,
              ),
            );
          },
        )
        .finally(() => this.#schedulePoll());
    }, this.#jittered(every));
  }

  #jittered(ms: number): number {
    return Math.max(0, Math.round(ms * (1 + (this.#random() * 2 - 1) * JITTER)));
  }

  #clearTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** What the issue reporter is told; nothing after an interrupted pass (shutdown says nothing about the instance). */
export function instanceCondition(pass: Pass, redactor: Redactor): InstanceCondition | undefined {
  const { revision } = pass;
  switch (pass.outcome) {
    case 'in-sync':
    case 'applied':
      return { state: 'in-sync', revision };
    case 'drifted':
      return {
        state: 'drifted',
        revision,
        summary: pass.message,
        details: redactor.redact(pass.plan ? renderPlanMarkdown(pass.plan) : pass.message),
      };
    case 'failed':
    case 'stalled':
      return {
        state: pass.outcome,
        revision,
        summary: pass.message.split('\n')[0]!,
        details: `\`\`\`\n${pass.message}\n\`\`\``,
      };
    case 'interrupted':
      return undefined;
  }
}
