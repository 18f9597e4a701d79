// Preloaded into a measured child process (`node --import .../probe.mjs ...`): on exit, writes the process's own
// peak resident set size and CPU time to the file named by BENCH_PROBE_FILE. Costs one tiny module load.
import { readFileSync, writeFileSync } from 'node:fs';

const target = process.env.BENCH_PROBE_FILE;
if (target) {
  process.on('exit', () => {
    let vmHwmKb = null;
    try {
      const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
      vmHwmKb = match ? Number(match[1]) : null;
    } catch {
      // Not Linux: maxRSS alone.
    }
    const cpu = process.cpuUsage();
    writeFileSync(
      target,
      JSON.stringify({
        maxRssKb: process.resourceUsage().maxRSS,
        vmHwmKb,
        cpuMs: (cpu.user + cpu.system) / 1000,
        startedAt: performance.timeOrigin,
        exitedAt: performance.timeOrigin + performance.now(),
      }),
    );
  });
}
