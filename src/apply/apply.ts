// Apply: execute a Plan against the admin API as a DAG. An operation starts once everything it depends on has
// succeeded; requests are bounded globally; failures are collected, not fatal; an interrupt stops new starts.
import { setTimeout as delay } from 'node:timers/promises';
import type { AdminApi, HookRequest, WebhookRequest } from '../github/api.js';
import type { ObservedState } from '../github/types.js';
import { webhookIdentity } from '../config/types.js';
import { OutcomeUnknownError } from '../github/errors.js';
import { UserError } from '../errors.js';
import type {
  EnvironmentOperation,
  HookOperation,
  Operation,
  Plan,
  WebhookFields,
  WebhookOperation,
} from '../plan/types.js';
import type { ApplyEvent, ApplyOptions, ApplyResult, OperationResult, OperationStatus } from './types.js';
import { LiveStateReader } from './live-state.js';
import { createSlots, levels } from './slots.js';
import { DEFAULT_DOWNLOAD_POLL_MS, DEFAULT_DOWNLOAD_TIMEOUT_MS, waitForDownload } from './download.js';
import { executeOverride } from './overrides.js';

export const DEFAULT_CONCURRENCY = 4;
/** The most operations in flight a user may ask for (`--concurrency`, the Action's `concurrency`). */
export const MAX_CONCURRENCY = 64;
/** Wait before re-reading after a create of unknown outcome; see LiveStateReader. */
const RECHECK_DELAY_MS = 200;
/**
 * Creates tried again after one of unknown outcome, each only once a re-read shows the object is not there: under
 * heavy faults one retry left about one create in fifty to a second run. Later re-reads wait longer (backoff),
 * giving a busy server time to finish a create it was still working on.
 */
export const MAX_CREATE_RETRIES = 3;

/** An environment name as hooks refer to it (`Default` is the built-in one) -> its id, if known. */
export function resolveEnvironmentId(environmentIds: Record<string, number>, name: string): number | undefined {
  return Object.hasOwn(environmentIds, name.toLowerCase()) ? environmentIds[name.toLowerCase()] : undefined;
}

/** Thrown inside an operation that was about to send its first request when the run was interrupted. */
class NotStarted extends Error {}

/** What running one operation produced, before timing is added. */
interface Outcome {
  liveId?: number;
}

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
    ...operations.filter((o) => o.kind === 'webhook' && o.liveId !== undefined).map((o) => o.liveId!),
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

/**
 * Walks the DAG: starts every operation whose dependencies all succeeded, skips those with a dependency that
 * failed or was skipped, and stops starting anything once `signal` is aborted.
 */
async function schedule(
  operations: Operation[],
  run: (operation: Operation) => Promise<OperationResult>,
  signal: AbortSignal | undefined,
  onDone: (result: OperationResult) => void,
): Promise<OperationResult[]> {
  const ids = new Set(operations.map((o) => o.id));
  const final = new Map<string, OperationResult>();
  const started = new Set<string>();
  // Who waits on whom, in plan order: a finished operation re-examines only its own dependents, never the whole
  // plan (which made a bootstrap of n operations cost n² readiness checks: measured, 6 s of CPU for 8,800).
  const dependents = new Map<string, Operation[]>();
  for (const operation of operations) {
    for (const dependency of new Set(operation.dependsOn)) {
      const list = dependents.get(dependency);
      if (list) list.push(operation);
      else dependents.set(dependency, [operation]);
    }
  }
  let inFlight = 0;

  return new Promise((resolve) => {
    const finish = (result: OperationResult) => {
      final.set(result.operation.id, result);
      if (result.status !== 'not_started') onDone(result);
    };

    /** Starts what is ready among `candidates`; whatever is blocked is settled, and its dependents examined. */
    const examine = (candidates: readonly Operation[]) => {
      const queue = [...candidates];
      for (let i = 0; i < queue.length; i++) {
        const operation = queue[i]!;
        if (final.has(operation.id) || started.has(operation.id)) continue;
        const verdict = readiness(operation, ids, final);
        if (verdict.kind === 'blocked') {
          finish({ operation, status: verdict.status, error: verdict.error });
          queue.push(...(dependents.get(operation.id) ?? []));
        } else if (verdict.kind === 'ready' && !signal?.aborted) {
          started.add(operation.id);
          inFlight++;
          void run(operation).then((result) => {
            inFlight--;
            finish(result);
            examine(dependents.get(operation.id) ?? []);
            settle();
          });
        }
      }
    };

    const settle = () => {
      if (inFlight > 0) return;
      resolve(
        operations.map(
          (operation) =>
            final.get(operation.id) ??
            (signal?.aborted
              ? { operation, status: 'not_started' as const }
              : { operation, status: 'failed' as const, error: 'never became ready: its dependencies form a cycle' }),
        ),
      );
    };

    examine(operations);
    settle();
  });
}

type Readiness = { kind: 'ready' } | { kind: 'waiting' } | { kind: 'blocked'; status: OperationStatus; error: string };

function readiness(operation: Operation, ids: Set<string>, final: Map<string, OperationResult>): Readiness {
  let waiting = false;
  for (const dependency of operation.dependsOn) {
    if (!ids.has(dependency)) {
      return { kind: 'blocked', status: 'failed', error: `depends on ${dependency}, which is not in the plan` };
    }
    const result = final.get(dependency);
    if (result === undefined || result.status === 'not_started') {
      waiting = true;
    } else if (result.status !== 'succeeded') {
      const why = result.error ? `: ${result.error}` : '';
      return { kind: 'blocked', status: 'skipped', error: `depends on ${dependency}, which ${result.status}${why}` };
    }
  }
  return waiting ? { kind: 'waiting' } : { kind: 'ready' };
}

function summarize(results: OperationResult[], dryRun: boolean, interrupted: boolean): ApplyResult {
  const counts: Record<OperationStatus, number> = { succeeded: 0, failed: 0, skipped: 0, not_started: 0 };
  for (const result of results) counts[result.status]++;
  return { results, counts, dryRun, interrupted };
}

// ---------------------------------------------------------------------------------------------------------------
// One operation: from plan fields to API calls.

interface OperationContext {
  api: AdminApi;
  slot: <T>(request: () => Promise<T>) => Promise<T>;
  /** Shared by the whole run: creates and renames add to it. */
  environmentIds: Record<string, number>;
  defaultEnvironmentId: number | undefined;
  createOrAdopt: (
    create: () => Promise<{ id: number }>,
    find: (live: ObservedState) => { id: number } | undefined,
  ) => Promise<Outcome>;
  waitForDownload: (environmentId: number) => Promise<void>;
  knownWebhookIds: Set<number>;
  hookIds: Map<string, number>;
}

function execute(operation: Operation, context: OperationContext): Promise<Outcome> {
  switch (operation.kind) {
    case 'environment':
      return executeEnvironment(operation, context);
    case 'hook':
      return executeHook(operation, context);
    case 'webhook':
      return executeWebhook(operation, context);
    case 'override':
      return executeOverride(operation, context).then(() => ({}));
  }
}

async function executeEnvironment(operation: EnvironmentOperation, context: OperationContext): Promise<Outcome> {
  const { api, slot, environmentIds } = context;
  const fields = operation.fields ?? {};
  if (operation.action === 'create') {
    const name = required(operation, fields.name, 'name');
    const image_url = required(operation, fields.image_url, 'image_url');
    const outcome = await context.createOrAdopt(
      () => api.createEnvironment({ name, image_url }),
      (live) => live.environments.find((e) => sameName(e.name, name)),
    );
    environmentIds[name.toLowerCase()] = outcome.liveId!;
    return outcome;
  }

  const id =
    operation.action === 'download'
      ? (operation.liveId ?? resolveEnvironmentId(environmentIds, operation.key))
      : liveIdOf(operation);
  if (id === undefined)
    throw new UserError(`environment ${operation.key} has no id: it was neither observed nor created`);
  if (id === context.defaultEnvironmentId) {
    throw new UserError(`refusing to ${operation.action} the built-in default environment (GHES does not allow it)`);
  }
  switch (operation.action) {
    case 'update': {
      const body = pick(fields, ['name', 'image_url']);
      if (Object.keys(body).length > 0) await slot(() => api.updateEnvironment(id, body));
      if (body.name !== undefined) environmentIds[body.name.toLowerCase()] = id;
      return { liveId: id };
    }
    case 'delete':
      await slot(() => api.deleteEnvironment(id));
      return { liveId: id };
    case 'download':
      await context.waitForDownload(id);
      return { liveId: id };
  }
}

async function executeHook(operation: HookOperation, context: OperationContext): Promise<Outcome> {
  const { api, slot } = context;
  const fields = operation.fields ?? {};
  switch (operation.action) {
    case 'create': {
      const body: HookRequest = {
        name: required(operation, fields.name, 'name'),
        script: required(operation, fields.script, 'script'),
        script_repository: required(operation, fields.script_repository, 'script_repository'),
        environmentId: environmentIdFor(required(operation, fields.environment, 'environment'), context),
        enforcement: required(operation, fields.enforcement, 'enforcement'),
        allow_downstream_configuration: required(
          operation,
          fields.allow_downstream_configuration,
          'allow_downstream_configuration',
        ),
      };
      return context.createOrAdopt(
        () => api.createHook(body),
        (live) => live.hooks.find((h) => sameName(h.name, body.name)),
      );
    }
    case 'update': {
      const id = liveIdOf(operation);
      // The complete desired hook, never only the changed fields: a PATCH must not rely on GHES keeping the rest.
      const { environment, ...rest } = required(operation, operation.desired, 'desired');
      const body: HookRequest = { ...rest, environmentId: environmentIdFor(environment, context) };
      await slot(() => api.updateHook(id, body));
      return { liveId: id };
    }
    case 'delete': {
      const id = liveIdOf(operation);
      await slot(() => api.deleteHook(id));
      return { liveId: id };
    }
    case 'download':
      throw new UserError(`${operation.id}: a pre-receive hook has nothing to download`);
  }
}

async function executeWebhook(operation: WebhookOperation, context: OperationContext): Promise<Outcome> {
  const { api, slot } = context;
  switch (operation.action) {
    case 'create': {
      const body = webhookRequest(operation);
      return context.createOrAdopt(
        () => api.createWebhook(body),
        (live) => live.webhooks.find((w) => webhookIdentity(w.url) === body.url && !context.knownWebhookIds.has(w.id)),
      );
    }
    case 'update': {
      const id = liveIdOf(operation);
      const body = webhookRequest(operation);
      await slot(() => api.updateWebhook(id, body));
      return { liveId: id };
    }
    case 'delete': {
      const id = liveIdOf(operation);
      await slot(() => api.deleteWebhook(id));
      return { liveId: id };
    }
    case 'download':
      throw new UserError(`${operation.id}: a webhook has nothing to download`);
  }
}

/** The one place a webhook secret is revealed: into the request that sends it. */
function webhookRequest(operation: WebhookOperation): WebhookRequest {
  const fields: WebhookFields | undefined = operation.fields;
  if (fields === undefined) throw new UserError(`${operation.id}: the plan has no fields for this webhook`);
  return {
    url: fields.url,
    content_type: fields.content_type,
    insecure_ssl: fields.insecure_ssl,
    events: fields.events,
    active: fields.active,
    secret: fields.secret === undefined || fields.secret.isEmpty ? undefined : fields.secret.reveal(),
  };
}

function environmentIdFor(name: string, context: OperationContext): number {
  const id = resolveEnvironmentId(context.environmentIds, name);
  if (id === undefined) throw new UserError(`environment ${name} has no id: it was neither observed nor created`);
  return id;
}

function liveIdOf(operation: Operation): number {
  if (operation.liveId === undefined)
    throw new UserError(`${operation.id}: the plan has no live id to ${operation.action}`);
  return operation.liveId;
}

function required<T>(operation: Operation, value: T | undefined, field: string): T {
  if (value === undefined)
    throw new UserError(`${operation.id}: the plan has no "${field}" for this ${operation.action}`);
  return value;
}

function pick<T extends object, K extends keyof T>(object: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (object[key] !== undefined) picked[key] = object[key];
  return picked;
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
