// The daemon's repository source (`serve --repo`) between commits: what one poll of an unchanged ref costs, in
// requests (the floor is one conditional request, answered 304), wall time against the network's round trip, and
// the client's CPU. The first poll and the first load are made before measuring, as the daemon makes them at start.
import { createApiSource } from '../../src/daemon/source-api.js';
import { Redactor } from '../../src/redact.js';
import type { BenchSimulator } from './simulator.js';
import { summarize, type Summary } from './stats.js';

export interface SourcePollResult {
  latencyMs: number;
  polls: number;
  /** Requests the unchanged polls sent, per poll. */
  requestsPerPoll: number;
  /** Statuses those requests got, e.g. { 304: 30 }. */
  statuses: Record<string, number>;
  wallMs: Summary;
  /** The client's CPU time (user + system) per poll. */
  cpuMsPerPoll: number;
}

const CONFIG = `version: 1
environments:
  - name: Build Env
    image_url: https://files.example.com/build.tar.gz
`;

export async function runSourcePollScenario(options: {
  sim: BenchSimulator;
  latencyMs: number;
  polls: number;
  log: (message: string) => void;
}): Promise<SourcePollResult> {
  const { url, token } = await options.sim.start({
    latencyMs: options.latencyMs,
    downloadMs: 0,
    state: {
      repositories: [
        {
          full_name: 'bench/ghes-config',
          files: { 'config/10-environments.yml': { executable: false, content: CONFIG } },
        },
      ],
    },
  });
  const source = createApiSource({ repository: 'bench/ghes-config/config', apiUrl: url, token });
  await (await source.current()).load({}, new Redactor());
  await options.sim.clearRequests();

  const wall: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < options.polls; i++) {
    const started = performance.now();
    const poll = await source.poll();
    wall.push(performance.now() - started);
    if (poll.changed) throw new Error('the ref moved during the source-poll scenario');
  }
  const cpu = process.cpuUsage(cpuBefore);
  const { requests } = await options.sim.requests();
  const statuses: Record<string, number> = {};
  for (const request of requests) statuses[String(request.status)] = (statuses[String(request.status)] ?? 0) + 1;
  const result: SourcePollResult = {
    latencyMs: options.latencyMs,
    polls: options.polls,
    requestsPerPoll: requests.length / options.polls,
    statuses,
    wallMs: summarize(wall),
    cpuMsPerPoll: (cpu.user + cpu.system) / 1000 / options.polls,
  };
  options.log(
    `  ${options.latencyMs} ms latency: ${result.requestsPerPoll} request(s) per poll ` +
      `(${JSON.stringify(statuses)}), ${result.wallMs.median.toFixed(1)} ms, ${result.cpuMsPerPoll.toFixed(2)} ms CPU`,
  );
  return result;
}
