// Runs the bundled Action (dist/index.js) as a runner does: a child process with INPUT_* variables, an event
// payload file, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files read back afterwards, and GITHUB_API_URL on the
// simulator, which also serves the pull-request comment endpoints.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { inject } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/server.js';
import { checkContract } from '../helpers/harness.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
/** The Action's bundle, built for this test run (test/setup/bundle.ts). */
export const BUNDLE = join(inject('distDir'), 'index.js');

/** Distinctive values, so a leak anywhere is found by a plain substring search. */
export const ADMIN_TOKEN = 'ghp_AdminTokenDoNotLeak0123456789abcdef';
export const GITHUB_TOKEN = 'ghs_CommentTokenDoNotLeak9876543210fedcba';
export const WEBHOOK_SECRET = 'whsec-Sup3r-Secret-Value-DoNotLeak';

export const REPOSITORY = 'octo-org/ghes-admin';
export const PR_NUMBER = 42;
/** GITHUB_SHA of every run: the pushed commit, or the pull request's merge commit. */
export const HEAD_SHA = 'fedcba9876543210fedcba9876543210fedcba98';

/** Registers a cleanup for the end of the current test: the test context's `onTestFinished`, so that tests can run
 * concurrently (a shared afterEach cannot tell which test a simulator belongs to). */
export type OnFinished = (cleanup: () => Promise<void> | void) => void;

export interface Workspace {
  dir: string;
  /** Writes a file below the workspace. */
  write(path: string, text: string): Promise<void>;
}

export interface ActionFixtures {
  /**
   * A simulator that knows our two tokens and the repositories the example hooks use; stopped after the test, once
   * every request the Action sent it (the pull-request and comment endpoints included) has been checked against
   * GHES 3.19's OpenAPI description.
   */
  simulator(this: void, options?: SimulatorOptions): Promise<Simulator>;
  /** A temporary GITHUB_WORKSPACE holding `files`; removed after the test. */
  workspace(this: void, files?: Record<string, string>): Promise<Workspace>;
  /** A temporary directory, removed after the test. */
  tempDir(this: void): Promise<string>;
}

export function fixtures(onFinished: OnFinished): ActionFixtures {
  const tempDir = async (prefix = 'ghes-gitops-action-') => {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    onFinished(() => rm(dir, { recursive: true, force: true }));
    return dir;
  };
  return {
    async simulator(options = {}) {
      const sim = await startSimulator({
        adminTokens: [ADMIN_TOKEN],
        userTokens: [GITHUB_TOKEN],
        // What the workflow's GITHUB_TOKEN is on GitHub: an installation token, refused GET /user.
        logins: { [GITHUB_TOKEN]: 'github-actions[bot]' },
        downloadMs: 0,
        captureResponses: true,
        initialState: {
          repositories: [
            {
              full_name: 'DevIT/hooks',
              files: {
                'scripts/commit_check.sh': { executable: true },
                'scripts/large_files.sh': { executable: true },
              },
            },
          ],
        },
        ...options,
      });
      onFinished(async () => {
        try {
          checkContract(sim);
        } finally {
          await sim.stop();
        }
      });
      return sim;
    },
    async workspace(files = {}) {
      const dir = await tempDir();
      const ws: Workspace = {
        dir,
        async write(path, text) {
          await mkdir(dirname(join(dir, path)), { recursive: true });
          await writeFile(join(dir, path), text);
        },
      };
      for (const [path, text] of Object.entries(files)) await ws.write(path, text);
      return ws;
    },
    tempDir: () => tempDir('ghes-gitops-runner-'),
  };
}

export interface StepRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** GITHUB_OUTPUT, parsed. */
  outputs: Record<string, string>;
  /** GITHUB_STEP_SUMMARY as written ('' when nothing was). */
  summary: string;
  /** stdout without the `::add-mask::` commands, which the runner consumes and never shows. */
  visibleStdout: string;
}

export interface StepOptions {
  fx: ActionFixtures;
  sim: Simulator;
  ws: Workspace;
  event: string;
  /** The event payload; a pull_request payload by default for pull_request events. */
  payload?: Record<string, unknown>;
  /** Inputs by their action.yml names; token, api-url and github-token are filled in unless given. */
  inputs?: Record<string, string>;
  env?: Record<string, string>;
}

export function pullRequestPayload(number = PR_NUMBER, fromFork = false): Record<string, unknown> {
  return {
    action: 'synchronize',
    number,
    pull_request: {
      number,
      head: {
        sha: 'abc1234def5678900000000000000000000000000',
        ref: 'change-hooks',
        repo: { full_name: fromFork ? 'someone/ghes-admin' : REPOSITORY },
      },
      base: { ref: 'main', repo: { full_name: REPOSITORY } },
    },
    repository: { full_name: REPOSITORY, default_branch: 'main' },
  };
}

/** What a runner gives a step: its environment (inputs as INPUT_*), with the event payload and files in `temp`. */
export async function runnerEnvironment(
  options: StepOptions,
  temp: string,
): Promise<{ env: Record<string, string>; inputs: Record<string, string>; outputPath: string; summaryPath: string }> {
  const eventPath = join(temp, 'event.json');
  const outputPath = join(temp, 'output.txt');
  const summaryPath = join(temp, 'summary.md');
  const pullRequest = options.event.startsWith('pull_request');
  const payload =
    options.payload ??
    (pullRequest ? pullRequestPayload() : { ref: 'refs/heads/main', repository: { default_branch: 'main' } });
  await writeFile(eventPath, JSON.stringify(payload));
  await writeFile(outputPath, '');
  await writeFile(summaryPath, '');

  const inputs: Record<string, string> = {
    token: ADMIN_TOKEN,
    'api-url': options.sim.url,
    'github-token': GITHUB_TOKEN,
    ...options.inputs,
  };
  // A clean environment: nothing from the machine running the tests (which may itself be a runner).
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_API_URL: options.sim.url,
    GITHUB_SERVER_URL: 'https://github.example.com',
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_RUN_ID: '1234',
    GITHUB_SHA: HEAD_SHA,
    GITHUB_REF: pullRequest ? `refs/pull/${PR_NUMBER}/merge` : 'refs/heads/main',
    GITHUB_WORKSPACE: options.ws.dir,
    RUNNER_TEMP: join(temp, 'runner-temp'),
    ...options.env,
  };
  // The runner's naming: INPUT_ + the name upper-cased with spaces as underscores; dashes are kept.
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  return { env, inputs, outputPath, summaryPath };
}

/** Runs `node dist/index.js` like a runner runs a node action, and reads back what it wrote. */
export async function runStep(options: StepOptions): Promise<StepRun> {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: the test run's bundle build failed`);
  const { env, outputPath, summaryPath } = await runnerEnvironment(options, await options.fx.tempDir());

  // Asynchronous on purpose: the simulator answers from this process's event loop.
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolvePromise) => {
      execFile(
        process.execPath,
        [BUNDLE],
        { cwd: options.ws.dir, env, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
        (error, out, err) => {
          const exit = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          resolvePromise({ code: exit, stdout: out, stderr: err });
        },
      );
    },
  );
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(await readFile(outputPath, 'utf8')),
    summary: await readFile(summaryPath, 'utf8'),
    visibleStdout: stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n'),
  };
}

/** `name<<DELIMITER\nvalue\nDELIMITER\n`, as @actions/core writes GITHUB_OUTPUT. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]!);
    outputs[m[1]!] = value.join('\n');
  }
  return outputs;
}

/** Requests that changed the admin state: what a pull request must never send. */
export function adminMutations(sim: Simulator) {
  return sim.requests.entries.filter((r) => r.method !== 'GET' && r.path.startsWith('/api/v3/admin'));
}

export function adminRequests(sim: Simulator) {
  return sim.requests.entries.filter((r) => r.path.startsWith('/api/v3/admin'));
}

export function comments(sim: Simulator, number = PR_NUMBER) {
  return sim.state.issueComments.list(REPOSITORY, number);
}

export const CONFIG = `version: 1
hooks:
  - name: Check Commits
    script: scripts/commit_check.sh
    script_repository: DevIT/hooks
    environment: Default
    enforcement: testing
webhooks:
  - url: https://audit.example.com/ghes
    content_type: json
    secret: \${AUDIT_HOOK_SECRET}
    events: [organization, user]
`;

export const SECRET_ENV = { AUDIT_HOOK_SECRET: WEBHOOK_SECRET };
