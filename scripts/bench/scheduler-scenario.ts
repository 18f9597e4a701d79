// Apply's own cost, without any network: a bootstrap plan of n objects run against an in-memory admin API that
// answers at once, timed in CPU at several sizes. What is left is the DAG walk and the bookkeeping per operation,
// which must grow linearly: a large first apply (thousands of hooks) should not be slowed by its own scheduler.
import { apply } from '../../src/apply/apply.js';
import type { AdminApi } from '../../src/github/api.js';
import type { ObservedEnvironment, ObservedState } from '../../src/github/types.js';
import { createPlan } from '../../src/plan/plan.js';
import { buildLargeState } from '../../src/sim/seed.js';
import { desiredFrom, observedFrom, sizeFor } from './states.js';
import { timeBatches } from './planner-scenario.js';
import { summarize, type Summary } from './stats.js';

export interface SchedulerResult {
  objects: number;
  operations: number;
  cpuMs: Summary;
}

/**
 * Creates succeed at once with fresh ids; a download is accepted as GHES's example shows it (`not_started`) and done
 * at the first poll. Nothing else is called.
 */
function instantApi(): AdminApi {
  let nextId = 1000;
  const success = { state: 'success', message: null, downloaded_at: null };
  const environment = (name: string, image_url: string): ObservedEnvironment => ({
    id: nextId++,
    name,
    image_url,
    default_environment: false,
    hooks_count: 0,
    download: success,
  });
  const unexpected = (): never => {
    throw new Error('bench: not part of a bootstrap apply');
  };
  return {
    observe: (): Promise<ObservedState> => unexpected(),
    createEnvironment: (body) => Promise.resolve(environment(body.name, body.image_url)),
    updateEnvironment: unexpected,
    deleteEnvironment: unexpected,
    startDownload: () =>
      Promise.resolve({ started: true, status: { state: 'not_started', message: null, downloaded_at: null } }),
    getLatestDownload: () => Promise.resolve(success),
    createHook: (body) =>
      Promise.resolve({
        id: nextId++,
        name: body.name,
        script: body.script,
        script_repository: body.script_repository,
        environment: { id: body.environmentId, name: '', default_environment: false },
        enforcement: body.enforcement,
        allow_downstream_configuration: body.allow_downstream_configuration,
      }),
    updateHook: unexpected,
    deleteHook: unexpected,
    createWebhook: (body) =>
      Promise.resolve({
        id: nextId++,
        url: body.url,
        content_type: body.content_type,
        insecure_ssl: body.insecure_ssl,
        events: body.events,
        active: body.active,
        has_secret: body.secret !== undefined,
      }),
    updateWebhook: unexpected,
    deleteWebhook: unexpected,
    checkScripts: unexpected,
  };
}

export async function measureScheduler(
  objects: number,
  options: { batches: number; batchMs?: number },
): Promise<SchedulerResult> {
  const target = buildLargeState(sizeFor(objects));
  const plan = createPlan(desiredFrom(target), observedFrom({}), { syncSecrets: false });
  const run = async () => {
    const result = await apply(plan, instantApi(), {
      concurrency: 8,
      downloadTimeoutMs: 60_000,
      downloadPollMs: 1,
      dryRun: false,
    });
    if (result.counts.succeeded !== plan.operations.length) {
      throw new Error(`bench: ${plan.operations.length - result.counts.succeeded} operations did not succeed`);
    }
  };
  await timeBatches(run, 1, options.batchMs); // warm-up
  const { cpuMs } = await timeBatches(run, options.batches, options.batchMs);
  return { objects, operations: plan.operations.length, cpuMs: summarize(cpuMs) };
}
