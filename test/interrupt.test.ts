// The signal policy every shell shares (src/interrupt.ts): the first signal aborts, a second exits at once, the
// grace period bounds the wait, and dispose gives the signals back.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_GRACE_MS, onInterrupt, signalExitCode } from '../src/interrupt.js';
import type { Logger } from '../src/redact.js';
import { FakeProcess } from './helpers/fake-process.js';

function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => lines.push(`${level}: ${message}`);
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('onInterrupt', () => {
  it('exit codes are 128 + the signal number', () => {
    expect(signalExitCode('SIGINT')).toBe(130);
    expect(signalExitCode('SIGTERM')).toBe(143);
  });

  it.for([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('the first %s aborts the signal and says so; exit code %i', ([signal, code]) => {
    const host = new FakeProcess();
    const log = recordingLog();
    const interrupt = onInterrupt({ log, work: 'operation', host });
    expect(interrupt.signal.aborted).toBe(false);
    expect(interrupt.exitCode).toBeUndefined();

    host.kill(signal);
    expect(interrupt.signal.aborted).toBe(true);
    expect(interrupt.received).toBe(signal);
    expect(interrupt.exitCode).toBe(code);
    expect(host.exits).toEqual([]);
    expect(log.lines).toEqual([
      `warn: ${signal}: starting no new operation; waiting for those in flight (up to 30 s)…`,
    ]);
    interrupt.dispose();
  });

  it('a second signal exits at once, with its own code', () => {
    const host = new FakeProcess();
    const log = recordingLog();
    const interrupt = onInterrupt({ log, work: 'reconcile', host });
    host.kill('SIGTERM');
    host.kill('SIGINT');
    expect(host.exits).toEqual([130]);
    expect(log.lines[1]).toMatch(/^error: second signal \(SIGINT\): exiting now/);
    interrupt.dispose();
  });

  it('exits when the grace period ends with work still in flight; 30 s by default', () => {
    vi.useFakeTimers();
    const host = new FakeProcess();
    const interrupt = onInterrupt({ log: recordingLog(), work: 'operation', host });
    host.kill('SIGTERM');
    vi.advanceTimersByTime(DEFAULT_GRACE_MS - 1);
    expect(host.exits).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(host.exits).toEqual([143]);
    expect(DEFAULT_GRACE_MS).toBe(30_000);
    interrupt.dispose();
  });

  it('takes another grace period; dispose cancels it and stops listening', () => {
    vi.useFakeTimers();
    const host = new FakeProcess();
    const log = recordingLog();
    const interrupt = onInterrupt({ log, work: 'operation', host, graceMs: 5_000 });
    expect(host.listening()).toBe(2);
    host.kill('SIGINT');
    expect(log.lines[0]).toContain('(up to 5 s)');
    interrupt.dispose();
    expect(host.listening()).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(host.exits).toEqual([]);
  });
});
