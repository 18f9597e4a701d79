// The desired state read from a repository through the REST API (`--repo OWNER/NAME[/DIR]`, `--ref`): the ref is
// resolved to a commit with one conditional request (a 304 when it has not moved), and the files of exactly that
// commit are read through the git trees and blobs APIs, which are addressed by sha and so cannot mix two revisions.
import { ConfigError, UserError, type Diagnostic } from '../errors.js';
import { loadDesiredStateFromTexts, MAX_FILE_BYTES, secretValues, type ConfigText } from '../config/load.js';
import { error, startOfFile } from '../config/source.js';
import type { DesiredState } from '../config/types.js';
import { clientOf, type ClientChoice } from '../github/client.js';
import { toGhesApiError, UnexpectedResponseError, type RequestSummary } from '../github/errors.js';
import type { Redactor } from '../redact.js';
import type { DesiredStateSource, PollResult, SourceRevision } from './source.js';

export const DEFAULT_SOURCE_INTERVAL_MS = 60_000;
/** The commit's sha alone, as text: the cheapest answer the API has for "where is this ref now". */
const SHA_MEDIA_TYPE = 'application/vnd.github.sha';
const CONFIG_EXTENSION = /\.ya?ml$/i;

export interface RepositorySpec {
  owner: string;
  name: string;
  /** The directory (or file) inside the repository, without leading or trailing slashes; '' for the top level. */
  dir: string;
}

/** `OWNER/NAME` or `OWNER/NAME/DIR` (`--repo`). Throws UserError naming the flag for anything else. */
export function parseRepositorySpec(spec: string): RepositorySpec {
  const [owner = '', name = '', ...rest] = spec.trim().split('/');
  const dir = rest.filter((part) => part !== '').join('/');
  const valid = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
  if (!valid.test(owner) || !valid.test(name) || rest.some((part) => part === '.' || part === '..')) {
    throw new UserError(
      `invalid --repo "${spec}": expected OWNER/NAME or OWNER/NAME/DIR, e.g. acme/ghes-config or acme/ghes-config/instances/prod`,
    );
  }
  return { owner, name, dir };
}

/** The token that reads the config repository: GHES_SOURCE_TOKEN, else the instance's GHES_TOKEN. */
export function sourceToken(env: Record<string, string | undefined>): string {
  const token = env.GHES_SOURCE_TOKEN?.trim() || env.GHES_TOKEN?.trim();
  if (!token) {
    throw new UserError(
      'no token to read the config repository: set GHES_SOURCE_TOKEN (a token that can read it), or GHES_TOKEN',
    );
  }
  return token;
}

/** `apiUrl` is `--repo-api-url`, else the instance's API URL. */
export interface ApiSourceOptions extends ClientChoice {
  /** `--repo OWNER/NAME[/DIR]`. */
  repository: string;
  /** `--ref`: a branch, tag or commit; default the repository's default branch. */
  ref?: string | undefined;
  /** `--source-interval`. Default 1 minute. */
  pollIntervalMs?: number;
}

interface TreeEntry {
  path: string;
  mode: string;
  type: string;
  sha: string;
  size?: number;
}

interface FilesOfCommit {
  sha: string;
  texts: ConfigText[];
  diagnostics: Diagnostic[];
}

export function createApiSource(options: ApiSourceOptions): DesiredStateSource {
  const spec = parseRepositorySpec(options.repository);
  const { octokit, apiUrl } = clientOf(options);
  const fullName = `${spec.owner}/${spec.name}`;
  const repoPath = `/repos/${encodeURIComponent(spec.owner)}/${encodeURIComponent(spec.name)}`;
  const where = spec.dir === '' ? 'top level' : `${spec.dir}/`;

  /** The ref polled: `--ref`, else the default branch, read once (and again after the ref stopped resolving). */
  let ref = options.ref?.trim() || undefined;
  let etag: string | undefined;
  let seen: string | undefined;
  /** The ref `seen` was found at (the default branch's name when --ref is not given). */
  let seenRef: string | undefined;
  let files: FilesOfCommit | undefined;

  const get = async (path: string, headers: Record<string, string> = {}, signal?: AbortSignal) => {
    const summary: RequestSummary = { method: 'GET', path, apiUrl };
    try {
      const response = await octokit.request({ method: 'GET', url: path, headers, request: { signal } });
      return response as { data: unknown; headers: Record<string, string | number | undefined> };
    } catch (err) {
      // A 304 becomes a GhesApiError with status 304 too: poll() tells it apart by its status.
      throw toGhesApiError(err, summary);
    }
  };

  const refToPoll = async (signal?: AbortSignal): Promise<string> => {
    if (ref !== undefined) return ref;
    const { data } = await get(repoPath, {}, signal).catch((err: unknown) => {
      throw explain(err, `cannot read the config repository ${fullName}`);
    });
    const branch = (data as { default_branch?: unknown } | null)?.default_branch;
    if (typeof branch !== 'string' || branch === '') {
      throw new UnexpectedResponseError({ method: 'GET', path: repoPath, apiUrl }, 'no default_branch');
    }
    return branch;
  };

  const revisionOf = (name: string, sha: string) => `${name}@sha1:${sha}`;

  const poll = async (signal?: AbortSignal): Promise<PollResult> => {
    const name = await refToPoll(signal);
    const path = `${repoPath}/commits/${encodeURIComponent(name)}`;
    const headers: Record<string, string> = { accept: SHA_MEDIA_TYPE };
    if (etag !== undefined && seen !== undefined) headers['if-none-match'] = etag;
    let sha: string;
    try {
      const response = await get(path, headers, signal);
      sha = String(response.data).trim().toLowerCase();
      if (!/^[0-9a-f]{40}$/.test(sha)) {
        throw new UnexpectedResponseError({ method: 'GET', path, apiUrl }, 'not a commit sha');
      }
      const tag = response.headers.etag;
      etag = typeof tag === 'string' ? tag : undefined;
    } catch (err) {
      const status = (err as { status?: unknown }).status;
      // Not modified: the ref is where the last poll saw it. A 304 costs nothing against the rate limit.
      if (status === 304 && seen !== undefined) return { revision: revisionOf(seenRef ?? name, seen), changed: false };
      // The default branch may have been renamed: read it again next time.
      if (options.ref === undefined && (status === 404 || status === 422)) ref = undefined;
      throw explain(err, `cannot resolve ${name} in the config repository ${fullName}`);
    }
    if (options.ref === undefined) ref = name;
    const changed = seen !== undefined && seen !== sha;
    seen = sha;
    seenRef = name;
    return { revision: revisionOf(name, sha), changed };
  };

  /** The config files of one commit: its tree, down to DIR, then the blobs of the *.yml and *.yaml files there. */
  const readCommit = async (sha: string): Promise<FilesOfCommit> => {
    const label = (path: string) => `${fullName}@${sha.slice(0, 7)}:${path}`;
    const fail = (message: string, hint?: string): FilesOfCommit => ({
      sha,
      texts: [],
      diagnostics: [error(message, undefined, hint)],
    });

    let entries = await readTree(sha);
    let dirPath = '';
    let single: TreeEntry | undefined;
    const parts = spec.dir === '' ? [] : spec.dir.split('/');
    for (const [i, part] of parts.entries()) {
      const entry = entries.find((e) => e.path === part);
      const sub = parts.slice(0, i + 1).join('/');
      if (entry?.type === 'tree') {
        entries = await readTree(entry.sha);
        dirPath = `${sub}/`;
      } else if (entry?.type === 'blob' && i === parts.length - 1) {
        single = { ...entry, path: sub };
      } else {
        return fail(
          `${label(sub)}: no such ${i === parts.length - 1 ? 'file or directory' : 'directory'} in the config repository`,
          `check the DIR part of --repo ${options.repository} and the ref`,
        );
      }
    }

    // As for a local directory: its own *.yml/*.yaml files in name order, no dotfiles, no subdirectories.
    const candidates = single
      ? [single]
      : entries
          .filter((e) => e.type === 'blob' && CONFIG_EXTENSION.test(e.path) && !e.path.startsWith('.'))
          .map((e) => ({ ...e, path: `${dirPath}${e.path}` }))
          .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    if (candidates.length === 0) {
      return fail(
        `${label(dirPath || '/')}: the ${where} of the config repository holds no .yml or .yaml files`,
        'files are not searched for in subdirectories; name the directory in --repo OWNER/NAME/DIR',
      );
    }

    const texts: ConfigText[] = [];
    const diagnostics: Diagnostic[] = [];
    // One at a time, as GitHub asks of integrators; a config directory holds a handful of files.
    for (const entry of candidates) {
      const path = label(entry.path);
      if (entry.mode === '120000') {
        diagnostics.push(
          error(`${path} is a symbolic link`, undefined, 'the repository source reads regular files only'),
        );
      } else if ((entry.size ?? 0) > MAX_FILE_BYTES) {
        diagnostics.push(tooLarge(path, entry.size ?? 0));
      } else {
        const content = await readBlob(entry.sha);
        if (content.length > MAX_FILE_BYTES) diagnostics.push(tooLarge(path, content.length));
        else texts.push({ path, text: content.toString('utf8') });
      }
    }
    return { sha, texts, diagnostics };
  };

  const readTree = async (treeish: string): Promise<TreeEntry[]> => {
    const path = `${repoPath}/git/trees/${treeish}`;
    const { data } = await get(path);
    const body = data as { tree?: unknown; truncated?: unknown } | null;
    if (!body || !Array.isArray(body.tree)) {
      throw new UnexpectedResponseError({ method: 'GET', path, apiUrl }, 'no tree');
    }
    // A directory listing is cut only past 100,000 entries; then it is not the whole desired state.
    if (body.truncated === true) {
      throw new ConfigError([
        error(
          `${fullName}: the listing of ${where} at ${treeish.slice(0, 7)} is truncated by the API`,
          undefined,
          'keep the config in a directory of its own',
        ),
      ]);
    }
    return body.tree as TreeEntry[];
  };

  const readBlob = async (blobSha: string): Promise<Buffer> => {
    const path = `${repoPath}/git/blobs/${blobSha}`;
    const { data } = await get(path);
    const blob = data as { content?: unknown; encoding?: unknown } | null;
    if (typeof blob?.content !== 'string' || (blob.encoding !== 'base64' && blob.encoding !== 'utf-8')) {
      throw new UnexpectedResponseError({ method: 'GET', path, apiUrl }, 'no base64 content');
    }
    return blob.encoding === 'base64' ? Buffer.from(blob.content, 'base64') : Buffer.from(blob.content, 'utf8');
  };

  const revision = (name: string, sha: string): SourceRevision => ({
    revision: revisionOf(name, sha),
    async load(env: Record<string, string | undefined>, redactor: Redactor): Promise<DesiredState> {
      // A commit never changes: its files are read once, however often the same revision is reconciled.
      if (files?.sha !== sha) files = await readCommit(sha);
      const desired = await loadDesiredStateFromTexts(files.texts, { env, diagnostics: files.diagnostics });
      redactor.add(...secretValues(desired));
      return desired;
    },
  });

  return {
    description: `repository ${fullName}${options.ref ? `@${options.ref}` : ''} (${where})`,
    pollIntervalMs: options.pollIntervalMs ?? DEFAULT_SOURCE_INTERVAL_MS,
    poll,
    /**
     * Polls first, every time: a reconcile started by a push webhook, SIGHUP or the interval works on the commit
     * the ref is at now, for one more conditional request (a 304 while it has not moved). When that look fails
     * (the repository's host is down), the last revision seen is reconciled rather than nothing.
     */
    async current(signal?: AbortSignal): Promise<SourceRevision> {
      try {
        await poll(signal);
      } catch (err) {
        if (seen === undefined || seenRef === undefined || signal?.aborted) throw err;
      }
      return revision(seenRef!, seen!);
    },
  };
}

function tooLarge(path: string, size: number): Diagnostic {
  return error(
    `the file is ${size} bytes; a config file may be at most ${MAX_FILE_BYTES / (1024 * 1024)} MB`,
    startOfFile(path),
    'a desired state this large is not a config; split it into a directory of files',
  );
}

/** The API error with what we were doing in front, so the user knows it is the config repository that failed. */
function explain(err: unknown, doing: string): unknown {
  if (!(err instanceof UserError)) return err;
  const status = (err as { status?: unknown }).status;
  const hint =
    status === 404
      ? ' (the repository does not exist, or the token cannot read it: check --repo and GHES_SOURCE_TOKEN)'
      : status === 422
        ? ' (no such branch, tag or commit: check --ref)'
        : '';
  err.message = `${doing}: ${err.message}${hint}`;
  return err;
}
