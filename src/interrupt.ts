// One signal policy for every shell (CLI, Action, daemon): the first SIGINT/SIGTERM aborts an AbortSignal, so no
// new work starts while what is under way finishes for a grace period; a second signal, or the end of the grace
// period, exits at once. Exit codes follow the shell convention, 128 + the signal's number: 130, 143.
import { constants } from 'node:os';
import type { Logger } from './redact.js';

/** How long work under way may take to finish after the first signal, unless the caller says otherwise. */
export const DEFAULT_GRACE_MS = 30_000;

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** The part of `process` the policy uses; a test passes an EventEmitter with its own `exit`. */
export interface SignalHost {
  on(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): void;
}

export interface InterruptOptions {
  log: Logger;
  /** Default DEFAULT_GRACE_MS. */
  graceMs?: number;
  /** What stops starting, for the messages: `operation` (apply), `reconcile` (daemon). */
  work: string;
  /** Default `process`. */
  host?: SignalHost;
}

export interface Interruption {
  /** Aborted on the first signal: start nothing new. */
  readonly signal: AbortSignal;
  /** The first signal received, if one was. */
  readonly received: NodeJS.Signals | undefined;
  /** 130 after SIGINT, 143 after SIGTERM; undefined while no signal came. */
  readonly exitCode: number | undefined;
  /** Stops listening (and cancels the grace period): the signals' default handling comes back. */
  dispose(): void;
}

/** 128 + the signal's number, as a shell reports a process a signal ended. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + constants.signals[signal];
}

/** Listens for SIGINT and SIGTERM until dispose(). */
export function onInterrupt(options: InterruptOptions): Interruption {
  const { log, work } = options;
  const host = options.host ?? process;
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  let grace: NodeJS.Timeout | undefined;

  const handler = (signal: NodeJS.Signals) => {
    if (received) {
      log.error(
        `second signal (${signal}): exiting now; requests in flight may or may not have completed. Run plan to see.`,
      );
      host.exit(signalExitCode(signal));
      return;
    }
    received = signal;
    log.warn(`${signal}: starting no new ${work}; waiting for those in flight (up to ${graceMs / 1000} s)…`);
    controller.abort(new Error(`interrupted by ${signal}`));
    grace = setTimeout(() => {
      log.error(
        `what was in flight did not finish within ${graceMs / 1000} s; exiting. Run plan to see what was done.`,
      );
      host.exit(signalExitCode(signal));
    }, graceMs);
    // The grace period bounds the wait; it must not itself keep a finished process alive.
    grace.unref();
  };
  for (const signal of SIGNALS) host.on(signal, handler);

  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    get exitCode() {
      return received && signalExitCode(received);
    },
    dispose() {
      clearTimeout(grace);
      for (const signal of SIGNALS) host.off(signal, handler);
    },
  };
}
