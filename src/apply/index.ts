// The apply stage of the pipeline: execute a Plan against the admin API.
export { apply, resolveEnvironmentId, DEFAULT_CONCURRENCY } from './apply.js';
export { DEFAULT_DOWNLOAD_POLL_MS, DEFAULT_DOWNLOAD_TIMEOUT_MS } from './download.js';
export type * from './types.js';
export {
  DEFAULT_PREFLIGHT_CONCURRENCY,
  PreflightError,
  preflight,
  scriptTargets,
  type PreflightOptions,
  type PreflightResult,
  type ScriptTarget,
} from './preflight.js';
