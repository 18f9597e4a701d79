// Runs one measured child process: `node --import probe.mjs <args>`, timed from spawn to exit, with the peak
// RSS and CPU time the process reports about itself (probe.mjs), so that nothing of the benchmark is counted.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PROBE = pathToFileURL(fileURLToPath(new URL('./probe.mjs', import.meta.url))).href;

export interface ChildRun {
  exitCode: number | null;
  /** Wall clock at spawn, comparable with the simulator's request log. */
  spawnedAt: number;
  /** Spawn to exit, as the parent sees it. */
  wallMs: number;
  /** Peak resident set size, in bytes (VmHWM where available, else maxRSS). */
  peakRssBytes: number;
  cpuMs: number;
  stdout: string;
  stderr: string;
}

export function now(): number {
  return performance.timeOrigin + performance.now();
}

export async function runChild(
  args: string[],
  env: Record<string, string | undefined>,
  options: { timeoutMs?: number; probe?: boolean } = {},
): Promise<ChildRun> {
  const work = mkdtempSync(join(tmpdir(), 'ghes-gitops-bench-'));
  const probeFile = join(work, 'probe.json');
  const probe = options.probe !== false;
  try {
    const spawnedAt = now();
    const child = spawn(process.execPath, [...(probe ? ['--import', PROBE] : []), ...args], {
      env: { ...env, BENCH_PROBE_FILE: probe ? probeFile : undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => resolve(code));
    });
    const wallMs = now() - spawnedAt;
    clearTimeout(timer);
    await new Promise((resolve) => setImmediate(resolve));
    let peakRssBytes = NaN;
    let cpuMs = NaN;
    if (probe) {
      try {
        const report = JSON.parse(readFileSync(probeFile, 'utf8')) as {
          maxRssKb: number;
          vmHwmKb: number | null;
          cpuMs: number;
        };
        peakRssBytes = (report.vmHwmKb ?? report.maxRssKb) * 1024;
        cpuMs = report.cpuMs;
      } catch {
        // The child died before its exit handler ran; the figures stay NaN and the run is reported as failed.
      }
    }
    return { exitCode, spawnedAt, wallMs, peakRssBytes, cpuMs, stdout, stderr };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
