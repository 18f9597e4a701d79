// The AdminApi over HTTP: builds each request body the way GHES expects it (string booleans, full webhook bodies,
// no masked secrets), normalizes responses and turns every failure into a typed, user-readable error.
import type { AdminApi, HookRequest, RequestLimit, ScriptCheck, StartDownloadResult, WebhookRequest } from './api.js';
import type { DownloadStatus, ObservedEnvironment, ObservedHook, ObservedWebhook } from './types.js';
import { isSafeToRepeat, type GhesOctokit } from './client.js';
import { GhesApiError, MaskedSecretError, isMaskedSecret, toGhesApiError, type RequestSummary } from './errors.js';
import { expectObject, normalizeDownload, normalizeEnvironment, normalizeHook, normalizeWebhook } from './normalize.js';
import { DEFAULT_PAGE_CONCURRENCY, observe, type Send } from './observe.js';
import { normalizeAtTarget, targetPath } from './overrides.js';

export interface AdminApiOptions {
  /** Page requests in flight at once while observing. Default 4. */
  pageConcurrency?: number;
}

const ENVIRONMENTS = '/admin/pre-receive-environments';
const HOOKS = '/admin/pre-receive-hooks';
const WEBHOOKS = '/admin/hooks';

interface Response<T = unknown> {
  data: T;
  headers: Record<string, string | number | undefined>;
}

export function createAdminApi(octokit: GhesOctokit, options: AdminApiOptions = {}): AdminApi {
  const apiUrl = String(octokit.request.endpoint.DEFAULTS.baseUrl);
  const summary = (method: string, path: string): RequestSummary => ({ method, path, apiUrl });

  const mapError = (error: unknown, request: { method: string; path: string; adminList?: boolean }) =>
    toGhesApiError(error, {
      ...summary(request.method, request.path),
      adminList: request.adminList === true,
      unsafeToRepeat: !isSafeToRepeat(request.method, request.path),
    });

  const send: Send = async (request, run) => {
    try {
      return await run();
    } catch (error) {
      throw mapError(error, request);
    }
  };

  const call = <T = unknown>(method: string, path: string, body?: Record<string, unknown>): Promise<Response<T>> =>
    send(
      { method, path },
      () =>
        octokit.request({ method, url: path, ...(body === undefined ? {} : { data: body }) }) as Promise<Response<T>>,
    );

  /** DELETE: a 404 after a retry means our first attempt went through and only its answer was lost. */
  const remove = async (path: string): Promise<void> => {
    try {
      await octokit.request({ method: 'DELETE', url: path });
    } catch (error) {
      if (wasRetried404(error)) return;
      throw mapError(error, { method: 'DELETE', path });
    }
  };

  const webhookBody = (w: WebhookRequest): Record<string, unknown> => {
    if (w.secret !== undefined && isMaskedSecret(w.secret)) throw new MaskedSecretError(w.url);
    return {
      config: {
        url: w.url,
        content_type: w.content_type,
        insecure_ssl: w.insecure_ssl ? '1' : '0',
        ...(w.secret === undefined ? {} : { secret: w.secret }),
      },
      events: w.events,
      active: w.active,
    };
  };

  const hookBody = (h: Partial<HookRequest>): Record<string, unknown> => {
    const body: Record<string, unknown> = {};
    if (h.name !== undefined) body.name = h.name;
    if (h.script !== undefined) body.script = h.script;
    if (h.script_repository !== undefined) body.script_repository = { full_name: h.script_repository };
    if (h.environmentId !== undefined) body.environment = { id: h.environmentId };
    if (h.enforcement !== undefined) body.enforcement = h.enforcement;
    if (h.allow_downstream_configuration !== undefined) {
      body.allow_downstream_configuration = h.allow_downstream_configuration;
    }
    return body;
  };

  const getLatestDownload = async (id: number): Promise<DownloadStatus> => {
    const path = `${ENVIRONMENTS}/${id}/downloads/latest`;
    const { data } = await call('GET', path);
    return normalizeDownload(expectObject(data, summary('GET', path), 'the download status'));
  };

  /**
   * One repository read for many scripts: the repository (for its default branch), then the branch's recursive
   * tree, which names every file with its git mode (the only place the REST API shows one). Two requests per
   * repository, whatever the number of scripts. The contents API answers only what the tree cannot: a path a
   * truncated tree leaves out, a symlink (the contents API follows it to a file or not), a path git would not
   * store as written, or every script when the tree cannot be read at all; those requests go out together.
   */
  const checkScripts = async (
    repository: string,
    scripts: string[],
    limit: RequestLimit = (request) => request(),
  ): Promise<ScriptCheck[]> => {
    const [owner, repo, ...extra] = repository.split('/');
    if (!owner || !repo || extra.length > 0) {
      return scripts.map(() => ({ repositoryExists: false, scriptExists: false }));
    }
    const repoPath = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
    let defaultBranch: string;
    try {
      const { data } = await limit(() => call('GET', repoPath));
      const raw = expectObject(data, summary('GET', repoPath), 'the repository');
      defaultBranch = typeof raw.default_branch === 'string' ? raw.default_branch : 'main';
    } catch (error) {
      if (error instanceof GhesApiError && error.status === 404) {
        return scripts.map(() => ({ repositoryExists: false, scriptExists: false }));
      }
      throw error;
    }
    const tree = await limit(() => readTree(repoPath, defaultBranch));
    return Promise.all(
      scripts.map(async (script): Promise<ScriptCheck> => {
        const path = script.replace(/^\/+/, '');
        const entry = tree?.entries.get(path);
        const decided = tree !== undefined && isGitPath(path) && (entry ? entry.mode !== SYMLINK : !tree.truncated);
        const scriptExists = decided
          ? entry?.type === 'blob'
          : await limit(() => isFileOnBranch(repoPath, path, defaultBranch));
        const mode = scriptExists ? entry?.mode : undefined;
        const executable = mode === '100755' ? true : mode === '100644' ? false : undefined;
        return {
          repositoryExists: true,
          defaultBranch,
          scriptExists,
          ...(executable === undefined ? {} : { executable }),
          ...(mode === undefined ? {} : { mode }),
        };
      }),
    );
  };

  /** The contents API: a file (not a directory, symlink or submodule) at this path on the branch? */
  const isFileOnBranch = async (repoPath: string, path: string, branch: string): Promise<boolean> => {
    const contentsPath = `${repoPath}/contents/${encodePath(path)}?ref=${encodeURIComponent(branch)}`;
    try {
      const { data } = await call('GET', contentsPath);
      // A directory comes back as an array; only a file can be a hook script.
      return !Array.isArray(data) && expectObject(data, summary('GET', contentsPath)).type === 'file';
    } catch (error) {
      if (!(error instanceof GhesApiError && error.status === 404)) throw error;
      return false;
    }
  };

  /**
   * Every entry of the branch's recursive tree by path, or undefined when the tree cannot be read: an empty
   * repository (409), a missing ref, any failure. The contents API then decides existence and the executable
   * check is left out, rather than failing the others.
   */
  const readTree = async (repoPath: string, branch: string): Promise<GitTree | undefined> => {
    const treePath = `${repoPath}/git/trees/${encodePath(branch)}?recursive=1`;
    let raw: Record<string, unknown>;
    try {
      const { data } = await call('GET', treePath);
      raw = expectObject(data, summary('GET', treePath), 'the git tree');
    } catch {
      return undefined;
    }
    if (!Array.isArray(raw.tree)) return undefined;
    const entries = new Map<string, GitTreeEntry>();
    for (const item of raw.tree as unknown[]) {
      const { path, mode, type } = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
      if (typeof path === 'string' && typeof mode === 'string' && typeof type === 'string') {
        entries.set(path, { mode, type });
      }
    }
    // Over GitHub's limit (100,000 entries or 7 MB) the list stops short: a path it leaves out may still exist.
    return { entries, truncated: raw.truncated === true };
  };

  return {
    observe: (targets) => observe(octokit, send, apiUrl, options.pageConcurrency ?? DEFAULT_PAGE_CONCURRENCY, targets),

    async createEnvironment(body): Promise<ObservedEnvironment> {
      const { data } = await call('POST', ENVIRONMENTS, { name: body.name, image_url: body.image_url });
      return normalizeEnvironment(data, summary('POST', ENVIRONMENTS));
    },

    async updateEnvironment(id, body): Promise<ObservedEnvironment> {
      const path = `${ENVIRONMENTS}/${id}`;
      const patch: Record<string, unknown> = {};
      if (body.name !== undefined) patch.name = body.name;
      if (body.image_url !== undefined) patch.image_url = body.image_url;
      const { data } = await call('PATCH', path, patch);
      return normalizeEnvironment(data, summary('PATCH', path));
    },

    deleteEnvironment: (id) => remove(`${ENVIRONMENTS}/${id}`),

    async startDownload(id): Promise<StartDownloadResult> {
      const path = `${ENVIRONMENTS}/${id}/downloads`;
      try {
        const { data } = await call('POST', path);
        return {
          started: true,
          status: normalizeDownload(expectObject(data, summary('POST', path), 'the download status')),
        };
      } catch (error) {
        // "Can not start a new download when a download is in progress": one is running already; poll that one.
        if (error instanceof GhesApiError && error.status === 422 && /in progress/i.test(error.serverMessage ?? '')) {
          return { started: false, status: await getLatestDownload(id) };
        }
        throw error;
      }
    },

    getLatestDownload,

    async createHook(body): Promise<ObservedHook> {
      const { data } = await call('POST', HOOKS, hookBody(body));
      return normalizeHook(data, summary('POST', HOOKS));
    },

    async updateHook(id, body): Promise<ObservedHook> {
      const path = `${HOOKS}/${id}`;
      const { data } = await call('PATCH', path, hookBody(body));
      return normalizeHook(data, summary('PATCH', path));
    },

    deleteHook: (id) => remove(`${HOOKS}/${id}`),

    async createWebhook(body): Promise<ObservedWebhook> {
      const { data } = await call('POST', WEBHOOKS, { name: 'web', ...webhookBody(body) });
      // We know better than the response whether a secret is set: we just sent it (or did not).
      return { ...normalizeWebhook(data, summary('POST', WEBHOOKS)), has_secret: hasSecret(body) };
    },

    async updateWebhook(id, body): Promise<ObservedWebhook> {
      const path = `${WEBHOOKS}/${id}`;
      // The full body every time: GHES resets whatever a webhook PATCH leaves out, secret and `active` included.
      const { data } = await call('PATCH', path, webhookBody(body));
      // The PATCH response has no `secret` key at all, so it cannot tell us whether one is set.
      return { ...normalizeWebhook(data, summary('PATCH', path)), has_secret: hasSecret(body) };
    },

    deleteWebhook: (id) => remove(`${WEBHOOKS}/${id}`),

    async setOverride(scope, target, hookId, body) {
      const path = `${targetPath(scope, target)}/${hookId}`;
      // A repository's PATCH takes enforcement alone; only an organization decides for the levels below it.
      const patch: Record<string, unknown> = { enforcement: body.enforcement };
      if (scope === 'organization' && body.allow_downstream_configuration !== undefined) {
        patch.allow_downstream_configuration = body.allow_downstream_configuration;
      }
      const { data } = await call('PATCH', path, patch);
      return normalizeAtTarget(data, summary('PATCH', path), scope, target);
    },

    async removeOverride(scope, target, hookId) {
      const path = `${targetPath(scope, target)}/${hookId}`;
      // Not `remove`: this DELETE answers 200 with the inherited values, and repeating it is harmless, so a 404
      // after a retry means the organization, repository or hook is gone, not that the first attempt went through.
      const { data } = await call('DELETE', path);
      return normalizeAtTarget(data, summary('DELETE', path), scope, target);
    },

    checkScripts: (repository, scripts, limit) => checkScripts(repository, scripts, limit),
  };
}

/** A recursive git tree: `type` is blob, tree or commit (a submodule); `mode` the git file mode. */
interface GitTree {
  entries: Map<string, GitTreeEntry>;
  truncated: boolean;
}

interface GitTreeEntry {
  mode: string;
  type: string;
}

/** A symlink's blob: whether it leads to a file is the contents API's call. */
const SYMLINK = '120000';

/** A path as git stores it: no empty, `.` or `..` segment. Any other spelling is left to the contents API. */
function isGitPath(path: string): boolean {
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** Each segment escaped, the slashes kept: `scripts/a b.sh` -> `scripts/a%20b.sh`. */
function encodePath(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function hasSecret(body: WebhookRequest): boolean {
  return body.secret !== undefined && body.secret !== '';
}

/** The client's retry marks the request options that the RequestError keeps (authorization redacted). */
function wasRetried404(error: unknown): boolean {
  const e = error as { status?: unknown; request?: { request?: { repeated?: unknown } } } | null;
  return e?.status === 404 && e.request?.request?.repeated === true;
}
