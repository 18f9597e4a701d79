// Scenario 2: the planner alone, pure CPU: createPlan over a mixed desired/observed pair (creates, updates,
// renames, moves, deletes of every kind), timed with process.cpuUsage over batches after a warm-up, at several
// sizes to show how the cost grows with the number of objects.
import { createPlan } from '../../src/plan/plan.js';
import { mixedPlanInputs } from './states.js';
import { summarize, type Summary } from './stats.js';

export interface PlannerResult {
  objects: number;
  operations: number;
  /** Per plan: CPU (user + system) and wall time of a batch of plans, divided by their number. */
  cpuMs: Summary;
  wallMs: Summary;
}

/** Run batches this long: the kernel counts CPU time in scheduler ticks, too coarse for one small plan. */
export const BATCH_MS = 200;

/** Times `run` over batches of at least BATCH_MS of wall time; one result per batch, per run. */
export async function timeBatches(
  run: () => unknown,
  batches: number,
  batchMs = BATCH_MS,
): Promise<{ cpuMs: number[]; wallMs: number[] }> {
  const cpuMs: number[] = [];
  const wallMs: number[] = [];
  for (let b = 0; b < batches; b++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let runs = 0;
    do {
      await run();
      runs++;
    } while (performance.now() - t0 < batchMs);
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    cpuMs.push((cpu.user + cpu.system) / 1000 / runs);
    wallMs.push(wall / runs);
  }
  return { cpuMs, wallMs };
}

export async function measurePlanner(
  objects: number,
  options: { batches: number; batchMs?: number },
): Promise<PlannerResult> {
  const { desired, observed } = mixedPlanInputs(objects);
  const plan = () => createPlan(desired, observed, { syncSecrets: false });
  const operations = plan().operations.length;
  await timeBatches(plan, 1, options.batchMs); // warm-up: the JIT settles before anything counts
  const { cpuMs, wallMs } = await timeBatches(plan, options.batches, options.batchMs);
  return { objects, operations, cpuMs: summarize(cpuMs), wallMs: summarize(wallMs) };
}

/**
 * How the cost grows with the size: the exponent k in cost ∝ n^k, fitted to the medians on a log-log scale
 * (least squares over every size, so one noisy size moves it little). About 1 for a linear or n log n planner;
 * a quadratic step shows as k near 2.
 */
export function growthExponent(results: readonly { objects: number; cpuMs: Summary }[]): number {
  const points = results.map((r) => [Math.log(r.objects), Math.log(r.cpuMs.median)] as const);
  if (points.length < 2) return NaN;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / points.length;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / points.length;
  let covariance = 0;
  let variance = 0;
  for (const [x, y] of points) {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  }
  return covariance / variance;
}
