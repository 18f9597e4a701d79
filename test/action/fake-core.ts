// @actions/core as the Action's run() sees it in an in-process test (actions/typescript-action's
// __fixtures__/core.ts): inputs come from the test, and whatever the step would tell the runner (log lines,
// annotations, outputs, masks, the job summary, the failure) is recorded in that step's RecordedStep.
// Register it with `vi.mock('@actions/core', () => import('./fake-core.js'))`.
// On a runner every step is its own process; here many share one, so the step a call belongs to is the async
// context it runs in (`inStep`), never a module variable: tests that run concurrently keep their records apart.
import { AsyncLocalStorage } from 'node:async_hooks';
import type * as Core from '@actions/core';

export type Level = 'debug' | 'info' | 'warning' | 'error' | 'notice';

export interface LogLine {
  level: Level;
  message: string;
  /** An annotation's file, line, title… */
  properties?: Core.AnnotationProperties;
}

export interface RecordedStep {
  inputs: Record<string, string>;
  outputs: Record<string, string>;
  /** Values given to setSecret, in order. */
  masked: string[];
  log: LogLine[];
  /** The message of setFailed, if the step failed. */
  failed?: string;
  /** Every message given to setFailed, in order: a step fails once. */
  failures: string[];
  /** The job summary as written. */
  summary: string;
  /** Added to the summary buffer, not yet written. */
  pendingSummary: string;
}

const steps = new AsyncLocalStorage<RecordedStep>();

/** Runs `body` as one step with these inputs: every @actions/core call made from it is recorded in its record. */
export async function inStep(inputs: Record<string, string>, body: () => Promise<void>): Promise<RecordedStep> {
  const step: RecordedStep = {
    inputs,
    outputs: {},
    masked: [],
    log: [],
    failures: [],
    summary: '',
    pendingSummary: '',
  };
  await steps.run(step, body);
  return step;
}

function current(): RecordedStep {
  const step = steps.getStore();
  // A call from outside any step would otherwise be lost, or recorded in another test's step.
  if (!step) throw new Error('@actions/core was called outside a step: run it through inStep()');
  return step;
}

const text = (message: string | Error) => (message instanceof Error ? message.message : message);
const logger =
  (level: Level) =>
  (message: string | Error, properties?: Core.AnnotationProperties): void => {
    current().log.push({ level, message: text(message), ...(properties && { properties }) });
  };

export const getInput: typeof Core.getInput = (name, options) => {
  const value = current().inputs[name] ?? '';
  if (options?.required && !value) throw new Error(`Input required and not supplied: ${name}`);
  return options?.trimWhitespace === false ? value : value.trim();
};
export const setOutput: typeof Core.setOutput = (name: string, value: unknown) => {
  current().outputs[name] = typeof value === 'string' ? value : JSON.stringify(value);
};
export const setSecret: typeof Core.setSecret = (secret) => {
  current().masked.push(secret);
};
export const setFailed: typeof Core.setFailed = (message) => {
  const step = current();
  step.failed = text(message);
  step.failures.push(step.failed);
  logger('error')(message);
};
export const debug: typeof Core.debug = logger('debug');
export const info: typeof Core.info = logger('info');
export const notice: typeof Core.notice = logger('notice');
export const warning: typeof Core.warning = logger('warning');
export const error: typeof Core.error = logger('error');

export const summary = {
  addRaw(raw: string) {
    current().pendingSummary += raw;
    return summary;
  },
  write() {
    const step = current();
    step.summary += step.pendingSummary;
    step.pendingSummary = '';
    return Promise.resolve(summary);
  },
};
