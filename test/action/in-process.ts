// Runs the Action's run() in this process, from the sources, with the environment a runner gives a step and
// @actions/core replaced by fake-core.ts (the test file registers the mock: vi.mock is per file). Signals come
// from a FakeProcess the test controls (test/helpers/fake-process.ts), never from the test runner's own process.
// Each run has its own environment, host and core record, so runs may overlap (concurrent tests).
import { readFileSync } from 'node:fs';
import { run } from '../../src/action/run.js';
import { FakeProcess } from '../helpers/fake-process.js';
import { inStep, type RecordedStep } from './fake-core.js';
import { runnerEnvironment, type StepOptions } from './harness.js';

export interface InProcessStep extends RecordedStep {
  /** The exit code the runner would see: 0, 1 after setFailed, 130/143 when a signal stopped the run. */
  code: number;
}

export interface InProcessOptions extends StepOptions {
  host?: FakeProcess;
}

export async function runInProcess(options: InProcessOptions): Promise<InProcessStep> {
  const { env, inputs } = await runnerEnvironment(options, await options.fx.tempDir());
  const host = options.host ?? new FakeProcess();
  const recorded = await inStep(inputs, () => run({ env, host }));
  const code = typeof host.exitCode === 'number' ? host.exitCode : recorded.failed === undefined ? 0 : 1;
  return Object.assign(recorded, { code });
}

/** The messages of the log lines at `level` (annotations included). */
export function lines(step: RecordedStep, level: RecordedStep['log'][number]['level']): string[] {
  return step.log.filter((line) => line.level === level).map((line) => line.message);
}

/** Everything a reader of the run could see: log, annotations, outputs, summary and the plan file. */
export function everythingShown(step: RecordedStep): string {
  const planFile = step.outputs['plan-file'];
  return [
    ...step.log.map((line) => `${line.message} ${JSON.stringify(line.properties ?? {})}`),
    JSON.stringify(step.outputs),
    step.summary,
    planFile ? readFileSync(planFile, 'utf8') : '',
  ].join('\n');
}
