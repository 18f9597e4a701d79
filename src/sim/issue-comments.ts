// Issues and their comments, so the Action's sticky plan comment and the daemon's drift issue can be exercised
// against the simulator over HTTP: list with pagination and filters, create and update, GitHub's 65,536-character
// body limit (422). Comments accept any repository and issue number (pull requests are not modelled); issues are
// numbered per repository and carry their author, the login of the token that created them.
import { isoTime, type Clock } from './clock.js';
import { DOCS, MESSAGES } from './messages.js';
import { linkHeader, parsePageRequest } from './pagination.js';
import type { ApiRequest, ApiResponse, Route, RouteContext } from './route.js';

/** GitHub refuses a comment body longer than this (counted in characters). */
export const COMMENT_BODY_LIMIT = 65_536;

export interface SimIssueComment {
  id: number;
  /** `owner/name`, as the creating request spelled it. */
  repository: string;
  issueNumber: number;
  body: string;
  user: string;
  created_at: string;
  updated_at: string;
}

const DOCS_COMMENTS = `${DOCS}/issues/comments`;
const BOT_LOGIN = 'github-actions[bot]';

export class IssueCommentStore {
  readonly #comments = new Map<number, SimIssueComment>();
  readonly #clock: Clock;
  #nextId = 1;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** The comments on one issue, oldest first (GitHub's order). */
  list(repository: string, issueNumber: number): SimIssueComment[] {
    const key = repository.toLowerCase();
    return [...this.#comments.values()]
      .filter((c) => c.repository.toLowerCase() === key && c.issueNumber === issueNumber)
      .sort((a, b) => a.id - b.id)
      .map((c) => ({ ...c }));
  }

  get(id: number): SimIssueComment | undefined {
    const comment = this.#comments.get(id);
    return comment && { ...comment };
  }

  create(repository: string, issueNumber: number, body: string, user = BOT_LOGIN): SimIssueComment {
    const now = isoTime(this.#clock());
    const comment = { id: this.#nextId++, repository, issueNumber, body, user, created_at: now, updated_at: now };
    this.#comments.set(comment.id, comment);
    return { ...comment };
  }

  update(id: number, body: string): SimIssueComment | undefined {
    const comment = this.#comments.get(id);
    if (!comment) return undefined;
    comment.body = body;
    comment.updated_at = isoTime(this.#clock());
    return { ...comment };
  }

  clear(): void {
    this.#comments.clear();
    this.#nextId = 1;
  }
}

export interface SimIssue {
  id: number;
  /** `owner/name`, as the creating request spelled it. */
  repository: string;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: 'completed' | 'not_planned' | 'reopened' | null;
  user: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface IssueFilter {
  state?: 'open' | 'closed' | 'all';
  creator?: string;
  sort?: 'created' | 'updated';
  direction?: 'asc' | 'desc';
}

export class IssueStore {
  readonly #issues = new Map<string, SimIssue[]>();
  readonly #clock: Clock;
  readonly #comments: IssueCommentStore;
  #nextId = 1;

  constructor(clock: Clock, comments: IssueCommentStore) {
    this.#clock = clock;
    this.#comments = comments;
  }

  /** The issues of a repository, newest first unless asked otherwise (GitHub's default order). */
  list(repository: string, filter: IssueFilter = {}): SimIssue[] {
    const state = filter.state ?? 'open';
    const creator = filter.creator?.toLowerCase();
    const key = filter.sort === 'updated' ? 'updated_at' : 'created_at';
    const sign = filter.direction === 'asc' ? 1 : -1;
    return (this.#issues.get(repository.toLowerCase()) ?? [])
      .filter(
        (i) => (state === 'all' || i.state === state) && (creator === undefined || i.user.toLowerCase() === creator),
      )
      .sort((a, b) => sign * (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : a.number - b.number))
      .map((i) => ({ ...i }));
  }

  get(repository: string, number: number): SimIssue | undefined {
    const issue = this.#issues.get(repository.toLowerCase())?.find((i) => i.number === number);
    return issue && { ...issue };
  }

  /** How many comments the issue has (the `comments` field of an issue). */
  commentCount(issue: SimIssue): number {
    return this.#comments.list(issue.repository, issue.number).length;
  }

  create(repository: string, fields: { title: string; body?: string | null }, user = BOT_LOGIN): SimIssue {
    const key = repository.toLowerCase();
    const issues = this.#issues.get(key) ?? [];
    this.#issues.set(key, issues);
    const now = isoTime(this.#clock());
    const issue: SimIssue = {
      id: this.#nextId++,
      repository,
      number: issues.length + 1,
      title: fields.title,
      body: fields.body ?? null,
      state: 'open',
      state_reason: null,
      user,
      created_at: now,
      updated_at: now,
      closed_at: null,
    };
    issues.push(issue);
    return { ...issue };
  }

  /** Partial update; a state change sets or clears `closed_at` and the reason, as GitHub does. */
  update(
    repository: string,
    number: number,
    patch: { title?: string; body?: string | null; state?: 'open' | 'closed'; state_reason?: SimIssue['state_reason'] },
  ): SimIssue | undefined {
    const issue = this.#issues.get(repository.toLowerCase())?.find((i) => i.number === number);
    if (!issue) return undefined;
    const now = isoTime(this.#clock());
    if (patch.title !== undefined) issue.title = patch.title;
    if (patch.body !== undefined) issue.body = patch.body;
    if (patch.state !== undefined && patch.state !== issue.state) {
      issue.state = patch.state;
      issue.closed_at = patch.state === 'closed' ? now : null;
      issue.state_reason = patch.state === 'closed' ? (patch.state_reason ?? 'completed') : 'reopened';
    } else if (patch.state_reason !== undefined) issue.state_reason = patch.state_reason;
    issue.updated_at = now;
    return { ...issue };
  }

  clear(): void {
    this.#issues.clear();
    this.#nextId = 1;
  }
}

function renderUser(login: string): Record<string, unknown> {
  const bot = login.endsWith('[bot]');
  // A stable id per login, so that a client comparing ids sees the same account every time.
  const id = bot ? 41898282 : [...login].reduce((sum, ch) => (sum * 31 + ch.charCodeAt(0)) % 1_000_000, 7);
  return { login, id, type: bot ? 'Bot' : 'User' };
}

function render(ctx: RouteContext, c: SimIssueComment): Record<string, unknown> {
  const { api, origin } = ctx.origin;
  return {
    id: c.id,
    node_id: `IC_sim${c.id}`,
    url: `${api}/repos/${c.repository}/issues/comments/${c.id}`,
    html_url: `${origin}/${c.repository}/pull/${c.issueNumber}#issuecomment-${c.id}`,
    issue_url: `${api}/repos/${c.repository}/issues/${c.issueNumber}`,
    body: c.body,
    user: renderUser(c.user),
    created_at: c.created_at,
    updated_at: c.updated_at,
    author_association: 'NONE',
  };
}

function renderIssue(ctx: RouteContext, issue: SimIssue): Record<string, unknown> {
  const { api, origin } = ctx.origin;
  const url = `${api}/repos/${issue.repository}/issues/${issue.number}`;
  return {
    id: issue.id,
    node_id: `I_sim${issue.id}`,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    state_reason: issue.state_reason,
    locked: false,
    user: renderUser(issue.user),
    labels: [],
    assignee: null,
    assignees: [],
    milestone: null,
    comments: ctx.store.issues.commentCount(issue),
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.closed_at,
    author_association: 'MEMBER',
    url,
    repository_url: `${api}/repos/${issue.repository}`,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${origin}/${issue.repository}/issues/${issue.number}`,
  };
}

function invalid(resource: string, field: string, message: string, code = 'custom'): ApiResponse {
  return {
    status: 422,
    body: {
      message: MESSAGES.validationFailed,
      errors: [{ resource, code, field, message }],
      documentation_url: resource === 'Issue' ? DOCS_ISSUES : DOCS_COMMENTS,
    },
  };
}

/** A body's problems as GitHub words them; undefined when it is acceptable. */
function bodyErrors(body: unknown, resource: 'IssueComment' | 'Issue' = 'IssueComment'): ApiResponse | undefined {
  // An issue may have no body; a comment may not.
  if (resource === 'Issue' && (body === undefined || body === null)) return undefined;
  if (typeof body !== 'string' || (resource === 'IssueComment' && body.trim() === '')) {
    return invalid(resource, 'body', "Body can't be blank");
  }
  if ([...body].length > COMMENT_BODY_LIMIT) {
    return invalid(resource, 'body', `Body is too long (maximum is ${COMMENT_BODY_LIMIT} characters)`);
  }
  return undefined;
}

function issueNumber(req: ApiRequest): number | undefined {
  const raw = req.params[2] ?? '';
  return /^[1-9]\d*$/.test(raw) ? Number(raw) : undefined;
}

const notFound: ApiResponse = { status: 404, body: { message: MESSAGES.notFound } };
const DOCS_ISSUES = `${DOCS}/issues/issues`;
const issueComments = /^\/repos\/([^/]+)\/([^/]+)\/issues\/([^/]+)\/comments$/;
const issues = /^\/repos\/([^/]+)\/([^/]+)\/issues$/;
const issue = /^\/repos\/([^/]+)\/([^/]+)\/issues\/([^/]+)$/;
const ISSUE_STATES = ['open', 'closed'];
const STATE_REASONS = ['completed', 'not_planned', 'reopened'];

/** The fields of an issue create or update, or the 422 GitHub answers for them. */
function issueFields(
  body: Record<string, unknown>,
  creating: boolean,
): ApiResponse | Parameters<IssueStore['update']>[2] {
  const fields: Parameters<IssueStore['update']>[2] = {};
  if (creating || body.title !== undefined) {
    if (typeof body.title !== 'string' || body.title.trim() === '') {
      return invalid('Issue', 'title', "Title can't be blank", creating ? 'missing_field' : 'custom');
    }
    fields.title = body.title;
  }
  if (body.body !== undefined) {
    const problem = bodyErrors(body.body, 'Issue');
    if (problem) return problem;
    fields.body = body.body as string | null;
  }
  if (body.state !== undefined) {
    if (creating || typeof body.state !== 'string' || !ISSUE_STATES.includes(body.state)) {
      return invalid('Issue', 'state', 'State is not included in the list');
    }
    fields.state = body.state as 'open' | 'closed';
  }
  if (body.state_reason !== undefined && body.state_reason !== null) {
    if (typeof body.state_reason !== 'string' || !STATE_REASONS.includes(body.state_reason)) {
      return invalid('Issue', 'state_reason', 'State reason is not included in the list');
    }
    fields.state_reason = body.state_reason as SimIssue['state_reason'];
  }
  return fields;
}

export const issueCommentRoutes: Route[] = [
  {
    method: 'GET',
    pattern: issueComments,
    access: 'user',
    docs: `${DOCS_COMMENTS}#list-issue-comments`,
    handle(req, ctx): ApiResponse {
      const number = issueNumber(req);
      if (number === undefined) return notFound;
      const page = parsePageRequest(req.query);
      const all = ctx.store.issueComments.list(`${req.params[0]}/${req.params[1]}`, number);
      const items = all.slice((page.page - 1) * page.perPage, page.page * page.perPage);
      const link = linkHeader(req.url, page, all.length);
      return { status: 200, body: items.map((c) => render(ctx, c)), headers: link ? { link } : {} };
    },
  },
  {
    method: 'POST',
    pattern: issueComments,
    access: 'user',
    docs: `${DOCS_COMMENTS}#create-an-issue-comment`,
    handle(req, ctx): ApiResponse {
      const number = issueNumber(req);
      if (number === undefined) return notFound;
      const problem = bodyErrors(req.body.body);
      if (problem) return problem;
      const comment = ctx.store.issueComments.create(
        `${req.params[0]}/${req.params[1]}`,
        number,
        req.body.body as string,
        ctx.login,
      );
      return { status: 201, body: render(ctx, comment) };
    },
  },
  {
    method: 'PATCH',
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/([^/]+)$/,
    access: 'user',
    docs: `${DOCS_COMMENTS}#update-an-issue-comment`,
    handle(req, ctx): ApiResponse {
      const raw = req.params[2] ?? '';
      const existing = /^\d+$/.test(raw) ? ctx.store.issueComments.get(Number(raw)) : undefined;
      if (!existing || existing.repository.toLowerCase() !== `${req.params[0]}/${req.params[1]}`.toLowerCase()) {
        return notFound;
      }
      const problem = bodyErrors(req.body.body);
      if (problem) return problem;
      return { status: 200, body: render(ctx, ctx.store.issueComments.update(existing.id, req.body.body as string)!) };
    },
  },
  {
    method: 'GET',
    pattern: issues,
    access: 'user',
    docs: `${DOCS_ISSUES}#list-repository-issues`,
    handle(req, ctx): ApiResponse {
      const q = req.query;
      const state = q.get('state');
      const all = ctx.store.issues.list(`${req.params[0]}/${req.params[1]}`, {
        state: state === 'closed' || state === 'all' ? state : 'open',
        ...(q.get('creator') ? { creator: q.get('creator')! } : {}),
        sort: q.get('sort') === 'updated' ? 'updated' : 'created',
        direction: q.get('direction') === 'asc' ? 'asc' : 'desc',
      });
      const page = parsePageRequest(q);
      const items = all.slice((page.page - 1) * page.perPage, page.page * page.perPage);
      const link = linkHeader(req.url, page, all.length);
      return { status: 200, body: items.map((i) => renderIssue(ctx, i)), headers: link ? { link } : {} };
    },
  },
  {
    method: 'POST',
    pattern: issues,
    access: 'user',
    docs: `${DOCS_ISSUES}#create-an-issue`,
    handle(req, ctx): ApiResponse {
      const fields = issueFields(req.body, true);
      if ('status' in fields) return fields;
      const created = ctx.store.issues.create(
        `${req.params[0]}/${req.params[1]}`,
        { title: fields.title!, body: fields.body ?? null },
        ctx.login,
      );
      return { status: 201, body: renderIssue(ctx, created) };
    },
  },
  {
    method: 'GET',
    pattern: issue,
    access: 'user',
    docs: `${DOCS_ISSUES}#get-an-issue`,
    handle(req, ctx): ApiResponse {
      const number = issueNumber(req);
      const found =
        number === undefined ? undefined : ctx.store.issues.get(`${req.params[0]}/${req.params[1]}`, number);
      return found ? { status: 200, body: renderIssue(ctx, found) } : notFound;
    },
  },
  {
    method: 'PATCH',
    pattern: issue,
    access: 'user',
    docs: `${DOCS_ISSUES}#update-an-issue`,
    handle(req, ctx): ApiResponse {
      const number = issueNumber(req);
      if (number === undefined) return notFound;
      const fields = issueFields(req.body, false);
      if ('status' in fields) return fields;
      const updated = ctx.store.issues.update(`${req.params[0]}/${req.params[1]}`, number, fields);
      return updated ? { status: 200, body: renderIssue(ctx, updated) } : notFound;
    },
  },
];
