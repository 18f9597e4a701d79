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

/** Resolves when the environment's download succeeded; throws with the server's message when it did not. */
export async function waitForDownload(
  api: AdminApi,
  environmentId: number,
  options: DownloadWaitOptions,
): Promise<void> {
  const started = await options.slot(() => api.startDownload(environmentId));
  let status: DownloadStatus = started.status;
  options.onState(status.state);
  const deadline = Date.now() + options.timeoutMs;
  let delay = Math.max(1, options.pollMs);
  while (status.state !== 'success' && status.state !== 'failed') {
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new UserError(
        `download of environment ${environmentId} did not finish within ${options.timeoutMs} ms ` +
          `(last state: ${status.state}); it may still complete on GHES`,
      );
    }
    await sleep(Math.min(delay, remaining), options.signal, environmentId);
    status = await options.slot(() => api.getLatestDownload(environmentId));
    options.onState(status.state);
    delay = Math.min(delay * POLL_GROWTH, MAX_POLL_MS);
  }
  if (status.state === 'failed') {
    throw new UserError(`download of environment ${environmentId} failed: ${status.message ?? 'GHES gave no message'}`);
  }
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
