// What the figures were measured on: they mean little without the machine, and its load while measuring.
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  os: string;
  /** 1-minute load average when the benchmark started and ended. */
  loadAtStart: number;
  loadAtEnd?: number;
}

export function describeMachine(): Machine {
  let release = `${os.type()} ${os.release()}`;
  try {
    const match = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (match?.[1]) release = `${match[1]} (${os.type()} ${os.release()})`;
  } catch {
    // Not Linux: the kernel name is enough.
  }
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGb: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: release,
    loadAtStart: os.loadavg()[0] ?? NaN,
  };
}

export function loadAverage(): number {
  return os.loadavg()[0] ?? NaN;
}
