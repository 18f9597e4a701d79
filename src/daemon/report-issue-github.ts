// The drift/failure issue (`--report-issue OWNER/REPO`): one issue per instance, found again by a hidden marker
// among the issues the token's own account opened, kept up to date while the instance is drifted, failed or
// stalled, closed with a comment when it is back in sync and reopened if it leaves it again. Never a second one.
import { UserError } from '../errors.js';
import { clientOf, type ClientChoice } from '../github/client.js';
import { GhesApiError, toGhesApiError } from '../github/errors.js';
import { Redactor, type Logger } from '../redact.js';
import { DEFAULT_MAX_LENGTH, escapeHtml, inlineCode, instanceName, markerValue } from '../report/markdown.js';
import type { InstanceCondition, IssueReporter } from './report-issue.js';

/** `apiUrl` is `--report-api-url`, else the instance's API URL; `token` GITHUB_TOKEN, which can open issues there. */
export interface IssueReporterOptions extends ClientChoice {
  /** `--report-issue OWNER/REPO`. */
  repository: string;
  /** The managed instance: the marker and the title name it. */
  instanceApiUrl: string;
  log: Logger;
  /** Knows the run's secrets; the token is added to it. */
  redactor?: Redactor;
}

type BadState = Exclude<InstanceCondition['state'], 'in-sync'>;

const WORDING: Record<BadState, { title: string; label: string }> = {
  drifted: { title: 'has drifted from its desired state', label: 'Drifted' },
  failed: { title: 'failed to reconcile', label: 'Reconcile failed' },
  stalled: { title: 'is stalled on an invalid desired state', label: 'Stalled' },
};

interface KnownIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  url: string;
}

interface Response {
  data: unknown;
  headers: Record<string, string | number | undefined>;
}

/** `OWNER/REPO` (`--report-issue`). Throws UserError naming the flag for anything else. */
export function parseReportRepository(spec: string): { owner: string; repo: string } {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\/([A-Za-z0-9._-]+)$/.exec(spec.trim());
  if (!m) throw new UserError(`invalid --report-issue "${spec}": expected OWNER/REPO, e.g. acme/ghes-alerts`);
  return { owner: m[1]!, repo: m[2]! };
}

/** The hidden line that identifies the issue of one instance. */
export function issueMarker(instanceApiUrl: string): string {
  return `<!-- ghes-gitops:daemon api=${markerValue(instanceName(instanceApiUrl))} -->`;
}

export function issueTitle(instanceApiUrl: string, state: BadState): string {
  return `ghes-gitops: ${instanceName(instanceApiUrl)} ${WORDING[state].title}`;
}

/** The issue's body for a condition: what is wrong, at which revision, then the details, cut to fit. */
export function issueBody(instanceApiUrl: string, condition: Exclude<InstanceCondition, { state: 'in-sync' }>): string {
  const marker = issueMarker(instanceApiUrl);
  const revision = condition.revision ? ` at revision ${inlineCode(condition.revision)}` : '';
  const head = `**${WORDING[condition.state].label}**${revision}: ${escapeHtml(condition.summary)}\n\n`;
  const tail =
    '\n\n<sub>Kept up to date by the ghes-gitops daemon while this lasts; closed when the instance is back in sync.' +
    `</sub>\n\n${marker}\n`;
  const room = DEFAULT_MAX_LENGTH - head.length - tail.length;
  const details =
    condition.details.length > room
      ? `${condition.details.slice(0, Math.max(0, room - 80))}\n\n… (cut to fit; the daemon's /status has it all)`
      : condition.details;
  return `${head}${details}${tail}`;
}

export function createIssueReporter(options: IssueReporterOptions): IssueReporter {
  const { owner, repo } = parseReportRepository(options.repository);
  const { octokit, apiUrl } = clientOf(options);
  const redactor = (options.redactor ?? new Redactor()).add(options.token);
  const marker = issueMarker(options.instanceApiUrl);
  const issuesPath = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/issues`;

  /** Our account, once known; `bot` while an installation token's account is not known yet (see whoAmI). */
  let me: { login: string } | { bot: true } | undefined;
  /** What the issue says now, as far as we know; undefined until looked up (again, after any failure). */
  let known: { issue: KnownIssue | undefined } | undefined;

  const call = async (method: string, url: string, data?: Record<string, unknown>): Promise<Response> => {
    const path = url.startsWith('http') ? new URL(url).pathname.replace(/^\/api\/v3/, '') : url;
    try {
      return await octokit.request({ method, url, ...(data && { data }) });
    } catch (err) {
      throw toGhesApiError(err, { method, path, apiUrl, unsafeToRepeat: method === 'POST' });
    }
  };

  /**
   * Who the token's account is: `GET /user`, which GitHub refuses (403) to an installation token, a GitHub App's,
   * whose account is `<app>[bot]`. Its issues are then looked for among those of bot accounts (a person cannot
   * write as one), and the first one found, or the one we open, names our account from then on.
   */
  const whoAmI = async (): Promise<{ login: string } | { bot: true }> => {
    if (me !== undefined) return me;
    try {
      const { data } = await call('GET', '/user');
      const name = (data as { login?: unknown } | null)?.login;
      if (typeof name !== 'string' || name === '') throw new UserError('GET /user: the token has no account login');
      me = { login: name };
    } catch (err) {
      if (!(err instanceof GhesApiError && err.status === 403)) throw err;
      me = { bot: true };
    }
    return me;
  };

  const authorOf = (issue: unknown): { login?: unknown; type?: unknown } =>
    (issue as { user?: unknown } | null)?.user ?? {};

  /** An installation token's account, learnt from an issue it wrote (found by our marker, or opened by us). */
  const learnAccount = (login: string): void => {
    if (me !== undefined && 'bot' in me) me = { login };
  };

  /** Whether our account wrote `issue`; the first bot-written one found names an installation token's account. */
  const isOurs = (issue: unknown): boolean => {
    const { login, type } = authorOf(issue);
    if (typeof login !== 'string' || me === undefined) return false;
    if ('login' in me) return login === me.login;
    if (type !== 'Bot') return false;
    learnAccount(login);
    return true;
  };

  const toKnown = (raw: Record<string, unknown>): KnownIssue => ({
    number: Number(raw.number),
    title: typeof raw.title === 'string' ? raw.title : '',
    body: typeof raw.body === 'string' ? raw.body : '',
    state: raw.state === 'closed' ? 'closed' : 'open',
    url: typeof raw.html_url === 'string' ? raw.html_url : '',
  });

  /**
   * Our issues in `state`, page by page in `direction` of creation, until `stop` says enough. Only issues our
   * account opened count: anyone can paste the marker into an issue of their own.
   */
  const findMarked = async (state: 'open' | 'closed', direction: 'asc' | 'desc'): Promise<KnownIssue | undefined> => {
    const account = await whoAmI();
    const query = new URLSearchParams({ state, sort: 'created', direction, per_page: '100' });
    if ('login' in account) query.set('creator', account.login);
    let url: string | undefined = `${issuesPath}?${query.toString()}`;
    while (url !== undefined) {
      const { data, headers }: Response = await call('GET', url);
      if (!Array.isArray(data)) throw new UserError(`GET ${issuesPath}: the answer is not a list of issues`);
      for (const raw of data as Record<string, unknown>[]) {
        if ('pull_request' in raw || typeof raw.body !== 'string' || !raw.body.includes(marker)) continue;
        if (isOurs(raw)) return toKnown(raw);
      }
      url = /<([^>]+)>;\s*rel="next"/.exec(String(headers.link ?? ''))?.[1];
    }
    return undefined;
  };

  const comment = (number: number, body: string) => call('POST', `${issuesPath}/${number}/comments`, { body });

  const patch = async (issue: KnownIssue, fields: Record<string, unknown>): Promise<KnownIssue> =>
    toKnown((await call('PATCH', `${issuesPath}/${issue.number}`, fields)).data as Record<string, unknown>);

  const reconcileIssue = async (condition: InstanceCondition): Promise<void> => {
    // The oldest open one when a race ever made two; it is the one everybody already watches.
    known ??= { issue: await findMarked('open', 'asc') };
    const issue = known.issue;
    if (condition.state === 'in-sync') {
      if (issue?.state !== 'open') return;
      const revision = condition.revision ? ` at revision ${inlineCode(condition.revision)}` : '';
      await comment(issue.number, `**Back in sync**${revision}. Closing; this issue reopens if it drifts again.`);
      known.issue = await patch(issue, { state: 'closed', state_reason: 'completed' });
      options.log.info(`report issue: closed ${known.issue.url || `#${issue.number}`}, back in sync`);
      return;
    }

    const title = redactor.redact(issueTitle(options.instanceApiUrl, condition.state));
    const body = redactor.redact(issueBody(options.instanceApiUrl, condition));
    if (issue?.state === 'open') {
      if (issue.title === title && issue.body === body) return;
      // What we sent, not what came back: a server that normalizes the text must not cause an edit every pass.
      known.issue = { ...(await patch(issue, { title, body })), title, body };
      options.log.info(`report issue: updated ${known.issue.url || `#${issue.number}`}`);
      return;
    }
    // Never a second issue: the last closed one comes back, with its history.
    const closed = issue ?? (await findMarked('closed', 'desc'));
    if (closed) {
      known.issue = { ...(await patch(closed, { state: 'open', title, body })), title, body };
      await comment(
        closed.number,
        `**${WORDING[condition.state].label} again**: ${escapeHtml(redactor.redact(condition.summary))}`,
      );
      options.log.info(`report issue: reopened ${known.issue.url || `#${closed.number}`}`);
      return;
    }
    const { data } = await call('POST', issuesPath, { title, body });
    const { login } = authorOf(data);
    if (typeof login === 'string') learnAccount(login);
    known.issue = { ...toKnown(data as Record<string, unknown>), title, body };
    options.log.info(`report issue: opened ${known.issue.url || `#${known.issue.number}`}`);
  };

  return {
    async update(condition: InstanceCondition): Promise<void> {
      try {
        await reconcileIssue(condition);
      } catch (err) {
        // Whatever happened, read the issue again next time instead of trusting what we think it says: a create
        // whose answer was lost may have opened it, and the marker finds it.
        known = undefined;
        const message = err instanceof Error ? err.message : String(err);
        options.log.warn(`report issue in ${owner}/${repo}: ${redactor.redact(message)}`);
      }
    },
  };
}
