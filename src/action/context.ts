// What the runner tells the step about the run, read once from the environment and the event payload:
// the event, the pull request (if any), where the workspace and temp folders are, and a link to the run.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

export interface PullRequestRef {
  owner: string;
  repo: string;
  number: number;
  /** The head commit the plan is for, when the payload names it. */
  headSha?: string;
  /**
   * The head branch lives in another repository (a fork): GitHub gives such `pull_request` runs no secrets and a
   * read-only token.
   */
  fromFork?: boolean;
}

export interface RunnerContext {
  /** `GITHUB_EVENT_NAME`; empty outside Actions. */
  eventName: string;
  /** The pull request this run is about, when the event has one and GITHUB_REPOSITORY is set. */
  pullRequest?: PullRequestRef;
  /** `GITHUB_WORKSPACE`, else the current directory: relative config paths start here. */
  workspace: string;
  /** `RUNNER_TEMP`, else the system temp folder: where the plan file goes. */
  runnerTemp: string;
  /** The run's page (its job summary), when the environment says where it is. */
  runUrl?: string;
  /** `GITHUB_SHA` */
  sha?: string;
  /** `GITHUB_API_URL`: the API of the host that holds the config repository, where the comment goes. */
  apiUrl?: string;
  /** `GITHUB_REF`, e.g. `refs/heads/main`; empty outside Actions. */
  ref: string;
  /** `repository.default_branch` from the event payload. */
  defaultBranch?: string;
  /** `GITHUB_REPOSITORY`, split: where the config lives (and its pull requests). */
  repository?: { owner: string; repo: string };
}

export function readRunnerContext(env: Record<string, string | undefined> = process.env): RunnerContext {
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  const payload = readPayload(env.GITHUB_EVENT_PATH);
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const number = pullRequestNumber(payload);
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  return {
    eventName,
    ...(owner &&
      repo &&
      number !== undefined && {
        pullRequest: { owner, repo, number, headSha: headSha(payload), fromFork: fromFork(payload) },
      }),
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    runnerTemp: env.RUNNER_TEMP || tmpdir(),
    ...(env.GITHUB_REPOSITORY &&
      env.GITHUB_RUN_ID && { runUrl: `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` }),
    ...(env.GITHUB_SHA && { sha: env.GITHUB_SHA }),
    ...(env.GITHUB_API_URL && { apiUrl: env.GITHUB_API_URL }),
    ref: env.GITHUB_REF ?? '',
    ...(defaultBranch(payload) !== undefined && { defaultBranch: defaultBranch(payload) }),
    ...(owner && repo && { repository: { owner, repo } }),
  };
}

type Payload = Record<string, unknown>;

function readPayload(path: string | undefined): Payload {
  if (!path) return {};
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Payload) : {};
  } catch {
    return {};
  }
}

function record(value: unknown): Payload | undefined {
  return typeof value === 'object' && value !== null ? (value as Payload) : undefined;
}

/** pull_request* events carry `pull_request`; an issue_comment on a pull request carries `issue.pull_request`. */
export function pullRequestNumber(payload: Payload): number | undefined {
  const pr = record(payload.pull_request);
  if (pr && typeof pr.number === 'number') return pr.number;
  const issue = record(payload.issue);
  if (issue && record(issue.pull_request) && typeof issue.number === 'number') return issue.number;
  return undefined;
}

function headSha(payload: Payload): string | undefined {
  const sha = record(record(payload.pull_request)?.head)?.sha;
  return typeof sha === 'string' ? sha : undefined;
}

function defaultBranch(payload: Payload): string | undefined {
  const branch = record(payload.repository)?.default_branch;
  return typeof branch === 'string' && branch !== '' ? branch : undefined;
}

/** Head and base in different repositories (or the head repository deleted): a pull request from a fork. */
function fromFork(payload: Payload): boolean {
  const pr = record(payload.pull_request);
  if (!pr) return false;
  const head = record(record(pr.head)?.repo);
  const base = record(record(pr.base)?.repo);
  if (!base) return false;
  if (!head) return true;
  return String(head.full_name).toLowerCase() !== String(base.full_name).toLowerCase();
}
