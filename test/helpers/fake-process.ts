// Stands for the process a shell runs in (src/interrupt.ts's SignalHost): a test sends signals with kill() and
// reads what the shell did with its exit, without touching the test runner's own process.
import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';

type Listener = (signal: NodeJS.Signals) => void;

export class FakeProcess extends EventEmitter {
  exitCode: number | string | undefined;
  /** Codes passed to exit(): a real process would have stopped at the first. */
  readonly exits: number[] = [];
  /** Each listener as registered, and as it runs: bound to the async context that registered it. */
  readonly #bound = new Map<Listener, Listener>();

  exit(code: number): void {
    this.exits.push(code);
  }

  kill(signal: NodeJS.Signals): void {
    this.emit(signal, signal);
  }

  /**
   * A real process belongs to one run, so its signal handlers act for that run. Here the test sends the signal from
   * its own context, so a handler runs in the context of the run that registered it (an in-process Action step
   * records what it logs there: test/action/fake-core.ts).
   */
  override on(event: NodeJS.Signals, listener: Listener): this {
    let bound = this.#bound.get(listener);
    if (!bound) this.#bound.set(listener, (bound = AsyncLocalStorage.bind(listener)));
    return super.on(event, bound);
  }

  override off(event: NodeJS.Signals, listener: Listener): this {
    return super.off(event, this.#bound.get(listener) ?? listener);
  }

  /** Listeners left for SIGINT and SIGTERM: none once the shell is done. */
  listening(): number {
    return this.listenerCount('SIGINT') + this.listenerCount('SIGTERM');
  }
}
