// Scenario 4: start-up. How long a fresh `node dist/index.js` (the Action) takes to send its first request, the
// same for the CLI's `plan`, `node dist/cli.js --version` to exit, and bare `node -e 0` for scale; and what each
// start loads of dist/ (its entry and the chunks that imports statically), beside the size of the whole folder.
// The first request is timed where it lands: in the simulator's log, on the same wall clock.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLargeState } from '../../src/sim/seed.js';
import { bytesOf, loadedAtStart, loadedByCommand, readDist, type DistFile } from './bundle-loads.js';
import { runChild } from './child.js';
import type { BenchSimulator } from './simulator.js';
import { SECRET_VARIABLE, writeConfigDirectory } from './states.js';
import { summarize, type Summary } from './stats.js';

export interface StartupFigure {
  /** Median and spread, or undefined when it could not be measured. */
  ms: Summary | undefined;
  /** Why not, when not. */
  note?: string;
}

export interface StartupResult {
  nodeBaseline: StartupFigure;
  cliVersion: StartupFigure;
  cliFirstRequest: StartupFigure;
  actionFirstRequest: StartupFigure;
  /** What each start reads and compiles before it runs anything: an entry and its static chunks. */
  loads: BundleLoad[];
  /** The whole dist/ folder: its JavaScript (what every start together could load) and its source maps. */
  dist: { files: number; codeBytes: number; mapBytes: number };
}

export interface BundleLoad {
  /** e.g. "Action", "CLI `plan`". */
  label: string;
  files: number;
  bytes: number;
}

/** The starts the report lists, each with the files it loads; CLI commands that load the same files share a row. */
function bundleLoads(dist: Map<string, DistFile>): BundleLoad[] {
  const cli = new Map<string, { commands: string[]; files: DistFile[] }>();
  const starts: [string, DistFile[]][] = [
    ['`--version`', loadedAtStart(dist, ['cli.js'])],
    ...['plan', 'apply', 'export', 'validate', 'serve', 'simulate'].map((command): [string, DistFile[]] => [
      `\`${command}\``,
      loadedByCommand(dist, command),
    ]),
  ];
  for (const [command, files] of starts) {
    const key = files.map((file) => file.name).join(' ');
    const row = cli.get(key) ?? { commands: [], files };
    row.commands.push(command);
    cli.set(key, row);
  }
  const load = (label: string, files: DistFile[]) => ({ label, files: files.length, bytes: bytesOf(files) });
  return [
    load('Action (`dist/index.js`)', loadedAtStart(dist, ['index.js'])),
    ...[...cli.values()].map((row) => load(`CLI ${row.commands.join(', ')}`, row.files)),
  ];
}

/** Every file under dir, with its size. */
function filesUnder(dir: string): { name: string; bytes: number }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { name: path, bytes: statSync(path).size };
    });
}

/** The Action's inputs as the runner passes them: INPUT_<NAME> variables, plus the files it writes to. */
function actionEnvironment(work: string, url: string, token: string, config: string): Record<string, string> {
  const file = (name: string, content = '') => {
    const path = join(work, name);
    writeFileSync(path, content);
    return path;
  };
  return {
    INPUT_CONFIG: config,
    INPUT_MODE: 'plan',
    INPUT_TOKEN: token,
    'INPUT_API-URL': url,
    'INPUT_GITHUB-TOKEN': '',
    INPUT_COMMENT: 'false',
    GITHUB_API_URL: url,
    GITHUB_WORKSPACE: work,
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_EVENT_PATH: file('event.json', '{}'),
    GITHUB_OUTPUT: file('output'),
    GITHUB_STEP_SUMMARY: file('summary.md'),
    GITHUB_STATE: file('state'),
    RUNNER_TEMP: work,
    GITHUB_ACTIONS: 'true',
  };
}

async function timeToFirstRequest(
  sim: BenchSimulator,
  args: string[],
  env: Record<string, string | undefined>,
  runs: number,
): Promise<StartupFigure> {
  const times: number[] = [];
  let note: string | undefined;
  for (let i = 0; i <= runs; i++) {
    await sim.clearRequests();
    const child = await runChild(args, env, { probe: false, timeoutMs: 20_000 });
    const { requests } = await sim.requests();
    const first = Math.min(...requests.map((r) => r.startedAt));
    if (!Number.isFinite(first)) {
      const why = `${child.stderr}${child.stdout}`.trim().split('\n').slice(-3).join(' ').slice(0, 200);
      note = `no request reached the simulator (exit ${child.exitCode}): ${why}`;
      break;
    }
    if (i > 0) times.push(first - child.spawnedAt); // the first run warms the file cache
  }
  return note === undefined ? { ms: summarize(times) } : { ms: undefined, note };
}

async function timeToExit(args: string[], runs: number): Promise<StartupFigure> {
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const child = await runChild(args, { PATH: process.env.PATH }, { probe: false });
    if (child.exitCode !== 0) return { ms: undefined, note: `exit ${child.exitCode}: ${child.stderr.slice(0, 200)}` };
    if (i > 0) times.push(child.wallMs);
  }
  return { ms: summarize(times) };
}

export async function runStartupScenario(options: {
  sim: BenchSimulator;
  distDir: string;
  runs: number;
}): Promise<StartupResult> {
  const { sim, distDir, runs } = options;
  const work = mkdtempSync(join(tmpdir(), 'ghes-gitops-startup-'));
  try {
    const state = buildLargeState({ environments: 2, hooks: 5, webhooks: 2 });
    const config = join(work, 'config');
    mkdirSync(config);
    writeConfigDirectory(config, state);
    const { url, token } = await sim.start({ latencyMs: 0, downloadMs: 0, state });
    const cli = join(distDir, 'cli.js');
    const action = join(distDir, 'index.js');
    const exists = (path: string) => {
      try {
        return statSync(path).isFile();
      } catch {
        return false;
      }
    };
    const base = { PATH: process.env.PATH, HOME: process.env.HOME, [SECRET_VARIABLE]: 'bench-secret-value' };

    const files = exists(cli) ? filesUnder(distDir) : [];
    const sum = (list: typeof files) => list.reduce((total, file) => total + file.bytes, 0);
    const loads = exists(cli) && exists(action) ? bundleLoads(await readDist(distDir)) : [];
    return {
      nodeBaseline: await timeToExit(['-e', '0'], runs),
      cliVersion: exists(cli) ? await timeToExit([cli, '--version'], runs) : { ms: undefined, note: 'not built' },
      cliFirstRequest: exists(cli)
        ? await timeToFirstRequest(
            sim,
            [cli, 'plan', '--config', config],
            { ...base, GHES_API_URL: url, GHES_TOKEN: token },
            runs,
          )
        : { ms: undefined, note: 'not built' },
      actionFirstRequest: exists(action)
        ? await timeToFirstRequest(sim, [action], { ...base, ...actionEnvironment(work, url, token, config) }, runs)
        : { ms: undefined, note: 'dist/index.js not built yet' },
      loads,
      dist: {
        files: files.length,
        codeBytes: sum(files.filter((file) => file.name.endsWith('.js'))),
        mapBytes: sum(files.filter((file) => file.name.endsWith('.map'))),
      },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
