// The bundles are split so that a start loads only the code it can run (scripts/build.mjs): what each entry loads,
// read from the test run's build (its import statements and source maps), and a plan that runs from a copy of
// dist/ holding only those files, which shows that nothing else is reached at run time.
import { cpSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { loadedAtStart, loadedByCommand, readDist, sourcesOf, type Dist } from '../../scripts/bench/bundle-loads.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { scoped } from '../helpers/harness.js';

const distDir = inject('distDir');
let dist: Dist;
beforeAll(async () => {
  dist = await readDist(distDir);
});

/** The sources among `sources` that match any of `patterns`. */
const matching = (sources: string[], patterns: RegExp[]) => sources.filter((s) => patterns.some((p) => p.test(s)));

const DAEMON = [
  /^src\/daemon\//,
  /^src\/cli\/serve\.ts$/,
  /^node_modules\/(pino|prom-client|thread-stream|sonic-boom)\//,
];
// The simulator, but the text of `simulate --help`, which the argument parser holds.
const SIMULATOR = [/^src\/sim\/(?!state-file-format\.ts$)/, /^src\/cli\/simulate\.ts$/];
const COMMENT_CLIENT = [/^node_modules\/@actions\/github\//, /^node_modules\/undici\//];

describe('what each start loads', () => {
  it('the CLI (plan, apply, export, validate): the pipeline, not the daemon, the simulator or the comment client', () => {
    const files = loadedByCommand(dist, 'plan');
    expect(files.map((file) => file.name)).toEqual(loadedAtStart(dist, ['cli.js']).map((file) => file.name));
    const sources = sourcesOf(files);
    expect(sources).toEqual(
      expect.arrayContaining(['src/cli/commands.ts', 'src/config/load.ts', 'src/plan/plan.ts', 'src/apply/apply.ts']),
    );
    expect(matching(sources, [...DAEMON, ...SIMULATOR, ...COMMENT_CLIENT, /^src\/action\//])).toEqual([]);
  });

  it('the Action: the pipeline, not the comment client (@actions/github, undici), the daemon, the simulator or the CLI', () => {
    const sources = sourcesOf(loadedAtStart(dist, ['index.js']));
    expect(sources).toEqual(expect.arrayContaining(['src/action/run.ts', 'src/config/load.ts', 'src/plan/plan.ts']));
    expect(matching(sources, [...COMMENT_CLIENT, ...DAEMON, ...SIMULATOR, /^src\/cli\//])).toEqual([]);
  });

  it('serve, simulate and the comment client are chunks of their own, which a start imports dynamically', () => {
    const holding = (pattern: RegExp) => [...dist.values()].find((file) => file.sources.some((s) => pattern.test(s)));
    const chunks = {
      'cli.js': [/^src\/cli\/serve\.ts$/, /^src\/cli\/simulate\.ts$/],
      'index.js': [/^node_modules\/@actions\/github\//],
    };
    for (const [entry, patterns] of Object.entries(chunks)) {
      const start = loadedAtStart(dist, [entry]);
      for (const pattern of patterns) {
        const chunk = holding(pattern)!.name;
        expect(chunk, String(pattern)).toMatch(/^chunks\/(serve|simulate|github)-[A-Z0-9]+\.js$/);
        expect(start.map((file) => file.name)).not.toContain(chunk);
        expect(start.some((file) => file.dynamicImports.includes(chunk))).toBe(true);
      }
      // A start loads a handful of files: every ES module has a fixed cost, however small.
      expect(start.length, entry).toBeLessThanOrEqual(8);
    }
  });
});

describe('a copy of dist/ with only what plan loads', () => {
  it('plans against the simulator: nothing else is needed at run time', async ({ onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const copy = join(fx.tempDir(), 'dist');
    cpSync(distDir, copy, { recursive: true });
    const needed = new Set(loadedByCommand(dist, 'plan').map((file) => file.name));
    const removed = [...dist.keys()].filter((name) => !needed.has(name));
    for (const name of removed) rmSync(join(copy, name));
    // The daemon's, the simulator's and the comment client's chunks are among those gone.
    const holding = (pattern: RegExp) => [...dist.values()].filter((f) => f.sources.some((s) => pattern.test(s)));
    for (const pattern of [/^src\/cli\/serve\.ts$/, /^src\/sim\/router\.ts$/, /^node_modules\/undici\//]) {
      expect(holding(pattern).map((file) => file.name)).not.toEqual([]);
      expect(holding(pattern).filter((file) => needed.has(file.name))).toEqual([]);
    }
    const token = 'ghp_splitSuiteToken0123456789abcdef';
    const sim = await fx.simulator({
      adminTokens: [token],
      initialState: { repositories: [{ full_name: 'DevIT/hooks', files: ['scripts/commit_check.sh'] }] },
    });
    const run = await runCli(['plan', '--config', resolve(ROOT, 'examples/minimal.yml'), '--detailed-exitcode'], {
      cli: join(copy, 'cli.js'),
      env: { GHES_API_URL: sim.url, GHES_TOKEN: token },
    });
    expect(run.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|internal error/);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toMatch(/to create/);
  });
});
