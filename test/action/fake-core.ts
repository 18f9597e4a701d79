// @actions/core as the Action's run() sees it in an in-process test (actions/typescript-action's
// __fixtures__/core.ts): inputs come from the test, and whatever the step would tell the runner (log lines,
// annotations, outputs, masks, the job summary, the failure) is recorded in `step` to be read back.
// Register it with `vi.mock('@actions/core', () => import('./fake-core.js'))`.
import type * as Core from '@actions/core';
import { vi } from 'vitest';

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
  /** The job summary as written. */
  summary: string;
}

/** The step under way; `startStep` begins a fresh one. */
export let step: RecordedStep = fresh({});

function fresh(inputs: Record<string, string>): RecordedStep {
  return { inputs, outputs: {}, masked: [], log: [], summary: '' };
}

export function startStep(inputs: Record<string, string>): RecordedStep {
  for (const fn of [getInput, setOutput, setSecret, setFailed, debug, info, notice, warning, error]) fn.mockClear();
  step = fresh(inputs);
  return step;
}

const text = (message: string | Error) => (message instanceof Error ? message.message : message);
const logger =
  (level: Level) =>
  (message: string | Error, properties?: Core.AnnotationProperties): void => {
    step.log.push({ level, message: text(message), ...(properties && { properties }) });
  };

export const getInput = vi.fn<typeof Core.getInput>((name, options) => {
  const value = step.inputs[name] ?? '';
  if (options?.required && !value) throw new Error(`Input required and not supplied: ${name}`);
  return options?.trimWhitespace === false ? value : value.trim();
});
export const setOutput = vi.fn<typeof Core.setOutput>((name: string, value: unknown) => {
  step.outputs[name] = typeof value === 'string' ? value : JSON.stringify(value);
});
export const setSecret = vi.fn<typeof Core.setSecret>((secret) => {
  step.masked.push(secret);
});
export const setFailed = vi.fn<typeof Core.setFailed>((message) => {
  step.failed = text(message);
  logger('error')(message);
});
export const debug = vi.fn<typeof Core.debug>(logger('debug'));
export const info = vi.fn<typeof Core.info>(logger('info'));
export const notice = vi.fn<typeof Core.notice>(logger('notice'));
export const warning = vi.fn<typeof Core.warning>(logger('warning'));
export const error = vi.fn<typeof Core.error>(logger('error'));

let pending = '';
export const summary = {
  addRaw(raw: string) {
    pending += raw;
    return summary;
  },
  write() {
    step.summary += pending;
    pending = '';
    return Promise.resolve(summary);
  },
};
