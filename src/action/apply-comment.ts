// After an apply from a push, the result goes back to the pull request that was merged (as tfcmt and Atlantis do):
// what was applied, what failed. The pull request is found from the pushed commit; one comment per commit,
// instance and config, edited in place when the run is retried.
import type { ApplyResult } from '../apply/types.js';
import { renderApplyMarkdown } from '../report/apply.js';
import { codeFence, escapeHtml, instanceName } from '../report/markdown.js';
import {
  COMMENT_MAX_LENGTH,
  commentMarker,
  normalizeConfigPath,
  type CommentLinks,
  type CommentTarget,
  type GitHubClient,
} from './comment.js';
import type { PullRequestRef } from './context.js';

/**
 * The merged pull request the commit came from: GitHub lists the pull requests a commit belongs to; a merge,
 * squash or rebase leaves the pushed commit as the one whose `merge_commit_sha` it is. Undefined for a direct push.
 */
export async function mergedPullRequest(
  github: GitHubClient,
  repository: { owner: string; repo: string },
  sha: string,
): Promise<PullRequestRef | undefined> {
  const { data } = await github.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: repository.owner,
    repo: repository.repo,
    commit_sha: sha,
  });
  const merged = data.filter((pull) => pull.merged_at !== null);
  const pull = merged.find((p) => p.merge_commit_sha === sha) ?? merged[0];
  return pull && { owner: repository.owner, repo: repository.repo, number: pull.number };
}

/** The hidden line that finds this commit's apply comment again, apart from the plan comment. */
export function applyCommentMarker(target: CommentTarget, sha: string): string {
  return commentMarker(target).replace('ghes-gitops:plan ', `ghes-gitops:apply sha=${encodeURIComponent(sha)} `);
}

export type ApplyOutcome = { result: ApplyResult } | { failure: string };

/** What the merge did to the instance: the apply report, or why nothing (or not everything) was applied. */
export function applyCommentBody(
  outcome: ApplyOutcome,
  target: CommentTarget,
  sha: string,
  links: CommentLinks = {},
): string {
  const title = `ghes-gitops apply: ${instanceName(target.apiUrl)} · ${normalizeConfigPath(target.config)}`;
  const run = links.runUrl ? ` · [Workflow run and job summary](${links.runUrl})` : '';
  const footer = `<sub>Applied from ${sha.slice(0, 7)} after the merge${run}</sub>\n\n${applyCommentMarker(target, sha)}\n`;
  let body: string;
  if ('failure' in outcome) {
    const limit = 20_000;
    const text =
      outcome.failure.length > limit
        ? `${outcome.failure.slice(0, limit)}\n… (cut; the job log has it all)`
        : outcome.failure;
    const fence = codeFence(text.split('\n'));
    body =
      `### ${escapeHtml(title)}\n\n` +
      '**The apply failed before changing anything, or stopped**; the instance is as the job summary says. Fix the ' +
      'cause and run the workflow again: only what still differs is sent.\n\n' +
      `${fence}\n${text}\n${fence}\n\n`;
  } else {
    body = renderApplyMarkdown(outcome.result, { title, maxLength: COMMENT_MAX_LENGTH - footer.length - 2 }) + '\n';
  }
  return `${body}${footer}`;
}
