// Apply: execute a Plan against the admin API as a DAG. An operation starts once everything it depends on has
// succeeded; requests are bounded globally; failures are collected, not fatal; an interrupt stops new starts.
import { setTimeout as delay } from 'node:timers/promises';
import type { AdminApi } from '../github/api.js';
import { OutcomeUnknownError } from '../github/errors.js';
import { UserError } from '../errors.js';
import type { Operation, Plan } from '../plan/types.js';
import { resolveEnvironmentId } from './context.js';
import type { OperationContext } from './context.js';
import { DEFAULT_DOWNLOAD_POLL_MS, DEFAULT_DOWNLOAD_TIMEOUT_MS, waitForDownload } from './download.js';
import { execute } from './execute.js';
import { LiveStateReader } from './live-state.js';
import { schedule } from './schedule.js';
import { createSlots, levels } from './slots.js';
import type { ApplyOptions, ApplyResult, ApplyEvent, OperationResult, OperationStatus } from './types.js';

export const DEFAULT_CONCURRENCY = 4;
/** The most requests in flight a user may ask for (`--concurrency`, the Action's `concurrency`). */
export const MAX_CONCURRENCY = 64;
/** Wait before re-reading after a create of unknown outcome; see LiveStateReader. */
const RECHECK_DELAY_MS = 200;
/**
 * Creates tried again after one of unknown outcome, each only once a re-read shows the object is not there: under
 * heavy faults one retry left about one create in fifty to a second run. Later re-reads wait longer (backoff),
 * giving a busy server time to finish a create it was still working on.
 */
export const MAX_CREATE_RETRIES = 3;

/** Thrown inside an operation that was about to send its first request when the run was interrupted. */
class NotStarted extends Error {}

export async function apply(plan: Plan, api: AdminApi, options: ApplyOptions): Promise<ApplyResult> {
  const operations = plan.operations;
  if (options.dryRun) {
    return summarize(
      operations.map((operation) => ({ operation, status: 'not_started' })),
      true,
      false,
    );
  }

  const signal = options.signal;
  const emit = (event: ApplyEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // Progress output must never break an apply that is changing a live server.
    }
  };
  const slots = createSlots(options.concurrency > 0 ? options.concurrency : DEFAULT_CONCURRENCY);
  // Requests of operations that more of the plan waits for go first; a re-read after a lost answer, before all.
  const level = levels(operations);
  const environmentIds: Record<string, number> = { ...plan.environmentIds };
  const defaultEnvironmentId = resolveEnvironmentId(plan.environmentIds, 'default');
  /** Ids of the hooks this run creates, for the overrides that wait for them. */
  const hookIds = new Map<string, number>();
  const liveReader = new LiveStateReader(
    (begin) =>
      slots(Number.POSITIVE_INFINITY, () => {
        begin();
        return api.observe();
      }),
    RECHECK_DELAY_MS,
  );
  // Live ids the planner already knew: a webhook with one of these is not the one our lost create made.
  const knownWebhookIds = new Set<number>([
    ...operations.flatMap((o) => (o.kind === 'webhook' && o.action !== 'create' ? [o.liveId] : [])),
    ...plan.unmanaged.filter((u) => u.kind === 'webhook').map((u) => u.id),
  ]);

  /** One operation's run: every request takes a slot; the first slot marks the operation as started. */
  const runOperation = async (operation: Operation): Promise<OperationResult> => {
    let startedAt: number | undefined;
    const slot = <T>(request: () => Promise<T>): Promise<T> =>
      slots(level.get(operation.id) ?? 0, () => {
        if (startedAt === undefined) {
          if (signal?.aborted) throw new NotStarted();
          startedAt = Date.now();
          emit({ type: 'start', operation });
        }
        return request();
      });

    const context: OperationContext = {
      api,
      slot,
      environmentIds,
      defaultEnvironmentId,
      createOrAdopt: async (create, find) => {
        for (let attempt = 1; ; attempt++) {
          try {
            return { liveId: (await slot(create)).id };
          } catch (error) {
            if (!(error instanceof OutcomeUnknownError)) throw error;
            if (attempt > MAX_CREATE_RETRIES) {
              throw new UserError(`${error.message} (${attempt} attempts; rerun to converge)`, { cause: error });
            }
            const seen = liveReader.mark();
            if (attempt > 1) await delay(RECHECK_DELAY_MS * (2 ** (attempt - 1) - 1));
            const live = await liveReader.readAfter(seen).catch((readError: unknown) => {
              throw new UserError(
                `${error.message}; re-reading the live state to find out failed: ${message(readError)}`,
              );
            });
            const existing = find(live);
            // Our lost create went through after all: adopt what it made rather than create a duplicate.
            if (existing !== undefined) return { liveId: existing.id };
          }
        }
      },
      waitForDownload: (environmentId) =>
        waitForDownload(api, environmentId, {
          slot,
          timeoutMs: options.downloadTimeoutMs > 0 ? options.downloadTimeoutMs : DEFAULT_DOWNLOAD_TIMEOUT_MS,
          pollMs: options.downloadPollMs ?? DEFAULT_DOWNLOAD_POLL_MS,
          ...(signal ? { signal } : {}),
          onState: (state) => emit({ type: 'download-progress', operation, state }),
        }),
      knownWebhookIds,
      hookIds,
    };

    try {
      const outcome = await execute(operation, context);
      if (operation.kind === 'hook' && outcome.liveId !== undefined)
        hookIds.set(operation.key.toLowerCase(), outcome.liveId);
      return {
        operation,
        status: 'succeeded',
        ...(outcome.liveId === undefined ? {} : { liveId: outcome.liveId }),
        durationMs: Date.now() - (startedAt ?? Date.now()),
      };
    } catch (error) {
      if (error instanceof NotStarted) return { operation, status: 'not_started' };
      return {
        operation,
        status: 'failed',
        error: message(error),
        ...(startedAt === undefined ? {} : { durationMs: Date.now() - startedAt }),
      };
    }
  };

  const results = await schedule(operations, runOperation, signal, (result) => emit({ type: 'done', result }));
  return summarize(results, false, signal?.aborted === true);
}

function summarize(results: OperationResult[], dryRun: boolean, interrupted: boolean): ApplyResult {
  const counts: Record<OperationStatus, number> = { succeeded: 0, failed: 0, skipped: 0, not_started: 0 };
  for (const result of results) counts[result.status]++;
  return { results, counts, dryRun, interrupted };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
