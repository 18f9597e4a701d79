// The sticky pull-request comment: one per pull request, target instance and config, found again by a hidden
// marker and edited in place on every run, so a pull request never collects a trail of stale plans.
// The body stays under GitHub's 65,536-character limit; what does not fit is in the job summary.
import type { getOctokit } from '@actions/github';
import { codeFence, escapeHtml, instanceName, markerValue } from '../report/markdown.js';
import type { Findings } from '../report/findings.js';
import { renderPlanMarkdown } from '../report/plan.js';
import type { Plan } from '../plan/types.js';
import type { PullRequestRef } from './context.js';

/** GitHub refuses longer comment bodies. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** What we allow ourselves: a margin below the limit, in case GitHub counts a character differently than JS. */
export const COMMENT_MAX_LENGTH = 65_000;

export interface CommentTarget {
  apiUrl: string;
  /** The config path as the workflow gives it. */
  config: string;
}

export interface CommentLinks {
  /** The commit the plan is for. */
  sha?: string;
  /** The run's page, where the job summary holds the full plan. */
  runUrl?: string;
}

/** `instances/prod/` and `./instances/prod` are the same config; Windows separators too. */
export function normalizeConfigPath(config: string): string {
  const path = config
    .replace(/\\/g, '/')
    .replace(/\/+/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/\/$/, '');
  return path === '' ? '.' : path;
}

/** The hidden line that identifies our comment for one instance and config. */
export function commentMarker(target: CommentTarget): string {
  return (
    `<!-- ghes-gitops:plan api=${markerValue(instanceName(target.apiUrl))} ` +
    `config=${markerValue(normalizeConfigPath(target.config))} -->`
  );
}

export function commentTitle(target: CommentTarget): string {
  return `ghes-gitops plan: ${instanceName(target.apiUrl)} · ${normalizeConfigPath(target.config)}`;
}

function footer(target: CommentTarget, links: CommentLinks): string {
  const parts: string[] = [];
  if (links.sha) parts.push(`For ${links.sha.slice(0, 7)}`);
  if (links.runUrl) parts.push(`[Workflow run and job summary](${links.runUrl})`);
  parts.push('Updated on every push; nothing is applied before merge');
  return `<sub>${parts.join(' · ')}</sub>\n\n${commentMarker(target)}`;
}

/** The comment for a plan: counts per action first, then the details per kind, cut to fit under the limit. */
export function planCommentBody(
  plan: Plan,
  target: CommentTarget,
  links: CommentLinks = {},
  findings?: Findings,
): string {
  return renderPlanMarkdown(plan, {
    title: commentTitle(target),
    maxLength: COMMENT_MAX_LENGTH,
    footer: footer(target, links),
    ...(findings && { findings }),
  });
}

/** Replaces a plan that is now out of date: the reviewer must not approve a plan the current commit did not make. */
export function failureCommentBody(message: string, target: CommentTarget, links: CommentLinks = {}): string {
  const limit = 20_000;
  const text = message.length > limit ? `${message.slice(0, limit)}\n… (cut; the job log has it all)` : message;
  const fence = codeFence(text.split('\n'));
  return (
    `### ${escapeHtml(commentTitle(target))}\n\n` +
    '**The plan failed**, so there is no plan for this commit; fix the problem below and push again.\n\n' +
    `${fence}\n${text}\n${fence}\n\n${footer(target, links)}\n`
  );
}

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface CommentOutcome {
  action: 'created' | 'updated';
  id: number;
  url: string;
}

/** The account the workflow's GITHUB_TOKEN writes as: GitHub refuses that token `GET /user`. */
export const GITHUB_ACTIONS_LOGIN = 'github-actions[bot]';

/**
 * The account the token writes comments as: `GET /user`, which GitHub refuses (403) to an installation token;
 * the one an Action is given by default is the workflow's GITHUB_TOKEN, whose account is github-actions[bot].
 */
export async function commentAuthor(github: GitHubClient): Promise<string> {
  try {
    return (await github.rest.users.getAuthenticated()).data.login;
  } catch (error) {
    if ((error as { status?: unknown }).status === 403) return GITHUB_ACTIONS_LOGIN;
    throw error;
  }
}

/**
 * Creates or edits our comment on the pull request. Reads every page of comments until it finds one that the
 * token's own account wrote and that carries the marker: anyone can paste the marker into a comment, and editing
 * theirs would overwrite it. When several qualify (a race between two runs), the oldest is kept up to date.
 */
export async function upsertComment(
  github: GitHubClient,
  pr: PullRequestRef,
  marker: string,
  body: string,
): Promise<CommentOutcome> {
  const author = (await commentAuthor(github)).toLowerCase();
  const params = { owner: pr.owner, repo: pr.repo, issue_number: pr.number, per_page: 100 };
  let found: number | undefined;
  for await (const page of github.paginate.iterator(github.rest.issues.listComments, params)) {
    found = page.data.find(
      (comment) => comment.user?.login.toLowerCase() === author && comment.body?.includes(marker),
    )?.id;
    if (found !== undefined) break;
  }
  if (found !== undefined) {
    const { data } = await github.rest.issues.updateComment({
      owner: pr.owner,
      repo: pr.repo,
      comment_id: found,
      body,
    });
    return { action: 'updated', id: data.id, url: data.html_url };
  }
  const { data } = await github.rest.issues.createComment({
    owner: pr.owner,
    repo: pr.repo,
    issue_number: pr.number,
    body,
  });
  return { action: 'created', id: data.id, url: data.html_url };
}

/**
 * A client for the host of the repository that holds the config (GITHUB_API_URL, given as apiUrl), not
 * necessarily the GHES instance being managed. getOctokit reads GITHUB_API_URL itself, but once, when it is loaded.
 * Loaded only when a comment is posted: @actions/github and its HTTP client are most of the Action's bundle, and
 * evaluating them at start-up delayed every run's first request (BENCHMARKS.md, start-up).
 */
export async function createGitHubClient(token: string, apiUrl: string | undefined): Promise<GitHubClient> {
  const { getOctokit } = await import('@actions/github');
  return getOctokit(token, apiUrl ? { baseUrl: apiUrl } : {});
}
