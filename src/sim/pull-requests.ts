// Pull requests as far as the Action needs them: which ones a commit belongs to (GET .../commits/{sha}/pulls), so
// that an apply after a merge can comment on the pull request that was merged. Tests register them; nothing else.
import { isoTime, type Clock } from './clock.js';
import { DOCS } from './messages.js';
import type { ApiResponse, Route, RouteContext } from './route.js';

export interface SimPullRequest {
  /** `owner/name`. */
  repository: string;
  number: number;
  title: string;
  state: 'open' | 'closed';
  /** The commits the pull request holds, its merge commit included once merged. */
  commits: string[];
  merge_commit_sha: string | null;
  merged_at: string | null;
}

export class PullRequestStore {
  readonly #pulls: SimPullRequest[] = [];
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** A pull request merged as `mergeCommit` (a merge, squash or rebase: the commit a push to the base branch names). */
  merged(repository: string, number: number, mergeCommit: string, title = `Pull request #${number}`): SimPullRequest {
    const pull: SimPullRequest = {
      repository,
      number,
      title,
      state: 'closed',
      commits: [mergeCommit],
      merge_commit_sha: mergeCommit,
      merged_at: isoTime(this.#clock()),
    };
    this.#pulls.push(pull);
    return { ...pull };
  }

  /** An open pull request holding `commits`. */
  open(repository: string, number: number, commits: string[], title = `Pull request #${number}`): SimPullRequest {
    const pull: SimPullRequest = {
      repository,
      number,
      title,
      state: 'open',
      commits: [...commits],
      merge_commit_sha: null,
      merged_at: null,
    };
    this.#pulls.push(pull);
    return { ...pull };
  }

  /** The pull requests a commit belongs to, as GitHub lists them for the commit. */
  forCommit(repository: string, sha: string): SimPullRequest[] {
    const key = repository.toLowerCase();
    return this.#pulls
      .filter((p) => p.repository.toLowerCase() === key && p.commits.includes(sha))
      .map((p) => ({ ...p, commits: [...p.commits] }));
  }
}

function render(ctx: RouteContext, pull: SimPullRequest) {
  const html = `${ctx.origin.origin}/${pull.repository}/pull/${pull.number}`;
  return {
    id: pull.number * 1000,
    number: pull.number,
    state: pull.state,
    title: pull.title,
    html_url: html,
    url: `${ctx.origin.api}/repos/${pull.repository}/pulls/${pull.number}`,
    merge_commit_sha: pull.merge_commit_sha,
    merged_at: pull.merged_at,
  };
}

export const pullRequestRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/pulls$/,
    access: 'user',
    docs: `${DOCS}/commits/commits#list-pull-requests-associated-with-a-commit`,
    handle(req, ctx): ApiResponse {
      const pulls = ctx.store.pullRequests.forCommit(`${req.params[0]}/${req.params[1]}`, req.params[2] ?? '');
      return { status: 200, body: pulls.map((pull) => render(ctx, pull)) };
    },
  },
];
