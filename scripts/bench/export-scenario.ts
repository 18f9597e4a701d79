// Scenario 5: `export` of a large installation, end to end: the CLI bundle in its own process against the
// simulator in another, with latency on every request, timed from spawn to exit, the YAML going to stdout.
import { buildLargeState, type LargeStateSize } from '../../src/sim/seed.js';
import { runChild } from './child.js';
import type { BenchSimulator } from './simulator.js';
import { summarize, type Summary } from './stats.js';

export interface ExportScenarioResult {
  size: LargeStateSize;
  latencyMs: number;
  wallMs: Summary;
  cpuMs: Summary;
  /** Size of the exported YAML. */
  outputBytes: number;
  problems: string[];
}

export async function runExportScenario(options: {
  sim: BenchSimulator;
  cli: string;
  size: LargeStateSize;
  latencyMs: number;
  runs: number;
  log?: (message: string) => void;
}): Promise<ExportScenarioResult> {
  const { sim, size, latencyMs } = options;
  const { url, token } = await sim.start({ latencyMs, downloadMs: 0, state: buildLargeState(size) });
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, GHES_API_URL: url, GHES_TOKEN: token, NO_COLOR: '1' };
  const problems: string[] = [];
  const walls: number[] = [];
  const cpus: number[] = [];
  let outputBytes = 0;
  // The first run warms the page cache; it is not counted.
  for (let i = 0; i <= options.runs; i++) {
    const child = await runChild([options.cli, 'export'], env);
    if (child.exitCode !== 0) problems.push(`export exited ${child.exitCode}: ${child.stderr.trim().slice(0, 300)}`);
    const entries = (child.stdout.match(/^ {2}- /gm) ?? []).length;
    if (entries !== size.environments + size.hooks + size.webhooks) {
      problems.push(`export wrote ${entries} entries, expected ${size.environments + size.hooks + size.webhooks}`);
    }
    outputBytes = Buffer.byteLength(child.stdout);
    if (i > 0) {
      walls.push(child.wallMs);
      cpus.push(child.cpuMs);
    }
    options.log?.(`  export @${latencyMs} ms run ${i}${i === 0 ? ' (warm-up)' : ''}: ${child.wallMs.toFixed(0)} ms`);
  }
  return {
    size,
    latencyMs,
    wallMs: summarize(walls),
    cpuMs: summarize(cpus),
    outputBytes,
    problems: [...new Set(problems)],
  };
}
