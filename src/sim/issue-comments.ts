// Pull-request (issue) comments, so the Action's sticky plan comment can be exercised against the simulator
// over HTTP: list with pagination, create and update, GitHub's 65,536-character body limit (422).
// Any repository and issue number is accepted; no issue or pull request is modelled beyond its comments.
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

function render(ctx: RouteContext, c: SimIssueComment): Record<string, unknown> {
  const { api, origin } = ctx.origin;
  return {
    id: c.id,
    node_id: `IC_sim${c.id}`,
    url: `${api}/repos/${c.repository}/issues/comments/${c.id}`,
    html_url: `${origin}/${c.repository}/pull/${c.issueNumber}#issuecomment-${c.id}`,
    issue_url: `${api}/repos/${c.repository}/issues/${c.issueNumber}`,
    body: c.body,
    user: { login: c.user, id: 41898282, type: 'Bot' },
    created_at: c.created_at,
    updated_at: c.updated_at,
    author_association: 'NONE',
  };
}

/** The body's problems as GitHub words them; empty when it is acceptable. */
function bodyErrors(body: unknown): ApiResponse | undefined {
  let message: string | undefined;
  if (typeof body !== 'string' || body.trim() === '') message = "Body can't be blank";
  else if ([...body].length > COMMENT_BODY_LIMIT) {
    message = `Body is too long (maximum is ${COMMENT_BODY_LIMIT} characters)`;
  }
  if (message === undefined) return undefined;
  return {
    status: 422,
    body: {
      message: MESSAGES.validationFailed,
      errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message }],
      documentation_url: DOCS_COMMENTS,
    },
  };
}

function issueNumber(req: ApiRequest): number | undefined {
  const raw = req.params[2] ?? '';
  return /^[1-9]\d*$/.test(raw) ? Number(raw) : undefined;
}

const notFound: ApiResponse = { status: 404, body: { message: MESSAGES.notFound } };
const issueComments = /^\/repos\/([^/]+)\/([^/]+)\/issues\/([^/]+)\/comments$/;

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
      const invalid = bodyErrors(req.body.body);
      if (invalid) return invalid;
      const comment = ctx.store.issueComments.create(
        `${req.params[0]}/${req.params[1]}`,
        number,
        req.body.body as string,
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
      const invalid = bodyErrors(req.body.body);
      if (invalid) return invalid;
      return { status: 200, body: render(ctx, ctx.store.issueComments.update(existing.id, req.body.body as string)!) };
    },
  },
];
