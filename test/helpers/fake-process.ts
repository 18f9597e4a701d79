// Stands for the process a shell runs in (src/interrupt.ts's SignalHost): a test sends signals with kill() and
// reads what the shell did with its exit, without touching the test runner's own process.
import { EventEmitter } from 'node:events';

export class FakeProcess extends EventEmitter {
  exitCode: number | string | undefined;
  /** Codes passed to exit(): a real process would have stopped at the first. */
  readonly exits: number[] = [];

  exit(code: number): void {
    this.exits.push(code);
  }

  kill(signal: NodeJS.Signals): void {
    this.emit(signal, signal);
  }

  /** Listeners left for SIGINT and SIGTERM: none once the shell is done. */
  listening(): number {
    return this.listenerCount('SIGINT') + this.listenerCount('SIGTERM');
  }
}
