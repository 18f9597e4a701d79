// The daemon as one manager (controller-runtime's pattern): the one place that starts the HTTP endpoints, the
// reconcile loop and its triggers (interval, source poll, SIGHUP, push webhook), and stops them in order.
import type { Logger } from '../redact.js';
import { startHttpServer, type DaemonServer, type Listen } from './http.js';
import type { DaemonMetrics } from './metrics.js';
import type { Reconciler } from './reconciler.js';
import type { WebhookSettings } from './webhook.js';

export interface ManagerOptions {
  reconciler: Reconciler;
  metrics: DaemonMetrics;
  listen: Listen;
  webhook?: WebhookSettings;
  shutdownTimeoutMs: number;
  log: Logger;
  /** Listen to SIGTERM, SIGINT and SIGHUP (the command does; in-process tests call `signal()` instead). */
  handleSignals?: boolean;
}

export class Manager {
  readonly #options: ManagerOptions;
  readonly #server: DaemonServer;
  readonly #finished: Promise<number>;
  #finish: (code: number) => void = () => {};
  #stopping: Promise<number> | undefined;
  readonly #onSignal = (signal: NodeJS.Signals) => this.signal(signal);

  private constructor(options: ManagerOptions, server: DaemonServer) {
    this.#options = options;
    this.#server = server;
    this.#finished = new Promise((resolve) => (this.#finish = resolve));
  }

  /** Listens first (a port in use fails before any reconcile), then starts the loop and the triggers. */
  static async start(options: ManagerOptions): Promise<Manager> {
    const { reconciler } = options;
    const server = await startHttpServer(options.listen, {
      ready: () => reconciler.status.ready,
      status: () => reconciler.status.document(),
      metrics: options.metrics,
      ...(options.webhook && { webhook: options.webhook }),
      onPush: () => reconciler.trigger('webhook'),
      log: options.log,
    });
    const manager = new Manager(options, server);
    options.log.info(
      `listening on ${server.url} (/healthz, /readyz, /metrics, /status` +
        `${options.webhook ? ', POST /hooks/github' : ''})`,
    );
    if (options.handleSignals) {
      for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, manager.#onSignal);
    }
    reconciler.start();
    return manager;
  }

  get url(): string {
    return this.#server.url;
  }

  /** Resolves with the exit code once the manager has stopped. */
  get finished(): Promise<number> {
    return this.#finished;
  }

  /** SIGHUP: reconcile now, even a stalled revision. SIGTERM, SIGINT: stop; a second one exits at once. */
  signal(signal: NodeJS.Signals): void {
    if (signal === 'SIGHUP') {
      this.#options.log.info('SIGHUP: reconciling now');
      this.#options.reconciler.trigger('signal');
      return;
    }
    if (this.#stopping) {
      this.#options.log.error(`second ${signal}: exiting now; operations in flight may or may not have completed`);
      this.#finish(signal === 'SIGINT' ? 130 : 143);
      return;
    }
    void this.stop(signal);
  }

  /**
   * In order: no more triggers and not ready; the pass in progress finishes its operations in flight (within
   * the shutdown timeout); then the HTTP server closes. Exit code 0, or 1 when the pass did not finish in time.
   */
  stop(reason = 'stop'): Promise<number> {
    this.#stopping ??= (async () => {
      const { log, reconciler, shutdownTimeoutMs } = this.#options;
      log.info(`${reason}: shutting down (up to ${shutdownTimeoutMs / 1000} s for operations in flight)`);
      if (this.#options.handleSignals) {
        // SIGTERM and SIGINT stay handled until exit, so that a second one can cut the wait short.
        process.off('SIGHUP', this.#onSignal);
      }
      const finished = await reconciler.stop(shutdownTimeoutMs);
      await this.#server.close();
      if (this.#options.handleSignals) {
        process.off('SIGTERM', this.#onSignal);
        process.off('SIGINT', this.#onSignal);
      }
      if (!finished) {
        log.error('the reconcile in progress did not finish in time; run `ghes-gitops plan` to see what was done');
        return 1;
      }
      log.info('stopped');
      return 0;
    })().then((code) => {
      this.#finish(code);
      return code;
    });
    return this.#stopping;
  }
}
