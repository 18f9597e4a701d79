// Environment downloads are asynchronous on GHES: trigger one, then poll its status with backoff until it
// succeeds, fails or runs out of time. Waiting between polls holds no request slot; each poll takes one.
import type { AdminApi } from '../github/api.js';
import type { DownloadStatus } from '../github/types.js';
import { UserError } from '../errors.js';

export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 10 * 60_000;
export const DEFAULT_DOWNLOAD_POLL_MS = 1000;
const MAX_POLL_MS = 10_000;
const POLL_GROWTH = 1.5;

export interface DownloadWaitOptions {
  slot: <T>(request: () => Promise<T>) => Promise<T>;
  timeoutMs: number;
  pollMs: number;
  signal?: AbortSignal;
  onState: (state: string) => void;
}

/**
 * Starts a download of the environment's current image and resolves when that download, ours, succeeded; throws
 * with the server's message when it failed. A download already running (someone else's, or one started before the
 * image_url changed) is not ours: it may be fetching an older image, so we let it end and then start ours.
 *
 * Which download a status describes is told by server evidence only, never by our own clock (client and server
 * clocks may disagree): once the server accepted our trigger (202), no other download can start until ours ends,
 * so a status read after it that is `in_progress` or `not_started` is ours, and so is every later one. A finished
 * status counts only after that, or when its `downloaded_at` (when the latest download *started*, server time) is
 * later than the one last seen before our trigger: a stale `success` of an earlier download never ends the wait.
 */
export async function waitForDownload(
  api: AdminApi,
  environmentId: number,
  options: DownloadWaitOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const poller = new Poller(api, environmentId, options, deadline);

  /** `downloaded_at` of the latest status seen before our trigger was accepted; undefined: none seen. */
  let before: string | null | undefined;
  let status: DownloadStatus;
  for (;;) {
    const started = await options.slot(() => api.startDownload(environmentId));
    status = started.status;
    if (started.started) break;
    // "Can not start a new download when a download is in progress": not ours; wait for it to end, then ours.
    options.onState('waiting');
    status = await poller.until(status, (s) => s.state !== 'in_progress', 'a download already in progress');
    before = status.downloaded_at;
  }

  let ours = false;
  const isOurs = (s: DownloadStatus) => {
    if (s.state === 'in_progress' || s.state === 'not_started') ours = true;
    else if (!ours && before !== undefined && isLater(s.downloaded_at, before)) ours = true;
    // A finished status in the trigger's own answer describes the download before ours.
    else if (!ours && before === undefined) before = s.downloaded_at;
    return ours && (s.state === 'success' || s.state === 'failed');
  };
  options.onState(status.state);
  if (!isOurs(status)) status = await poller.until(status, isOurs, 'the download we started');
  if (status.state === 'failed') {
    throw new UserError(`download of environment ${environmentId} failed: ${status.message ?? 'GHES gave no message'}`);
  }
}

/** Polls the latest download status with growing waits until `done` says so, or the deadline passes. */
class Poller {
  #delay: number;

  constructor(
    readonly api: AdminApi,
    readonly environmentId: number,
    readonly options: DownloadWaitOptions,
    readonly deadline: number,
  ) {
    this.#delay = Math.max(1, options.pollMs);
  }

  async until(first: DownloadStatus, done: (status: DownloadStatus) => boolean, what: string): Promise<DownloadStatus> {
    let status = first;
    while (!done(status)) {
      const remaining = this.deadline - Date.now();
      if (remaining <= 0) {
        throw new UserError(
          `download of environment ${this.environmentId} did not finish within ${this.options.timeoutMs} ms ` +
            `(waiting for ${what}; last state: ${status.state}); it may still complete on GHES`,
        );
      }
      await sleep(Math.min(this.#delay, remaining), this.options.signal, this.environmentId);
      status = await this.options.slot(() => this.api.getLatestDownload(this.environmentId));
      this.options.onState(status.state);
      this.#delay = Math.min(this.#delay * POLL_GROWTH, MAX_POLL_MS);
    }
    return status;
  }
}

/** Whether timestamp `a` is strictly later than `b`; a download that never started (null) is earliest. */
function isLater(a: string | null, b: string | null): boolean {
  if (a === null) return false;
  if (b === null) return true;
  const [ta, tb] = [Date.parse(a), Date.parse(b)];
  return Number.isFinite(ta) && Number.isFinite(tb) && ta > tb;
}

/** An interrupt ends the wait at once: the download carries on server-side whether we watch it or not. */
function sleep(ms: number, signal: AbortSignal | undefined, environmentId: number): Promise<void> {
  const interrupted = () =>
    new UserError(`interrupted while waiting for the download of environment ${environmentId}; it continues on GHES`);
  if (signal?.aborted) return Promise.reject(interrupted());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(interrupted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
