// Turns state records into GHES 3.19 response bodies, with url/html_url fields on the simulator's own origin.
import { createHash } from 'node:crypto';
import type { SimStateStore } from './state.js';
import { STUB_SCRIPT, type GitCommit, type GitPathEntry } from './git.js';
import type { SimDownload, SimEnvironment, SimHook, SimRepository, SimWebhook } from './types.js';

/** Where the simulator is reachable: `http://127.0.0.1:PORT`; the API lives under `${origin}/api/v3`. */
export interface Origin {
  origin: string;
  api: string;
}

export function originOf(origin: string): Origin {
  return { origin, api: `${origin}/api/v3` };
}

export function renderDownload(o: Origin, environmentId: number, d: SimDownload): Record<string, unknown> {
  return {
    url: `${o.api}/admin/pre-receive-environments/${environmentId}/downloads/latest`,
    state: d.state,
    downloaded_at: d.downloaded_at,
    message: d.message,
  };
}

export function renderEnvironment(o: Origin, env: SimEnvironment, hooksCount: number): Record<string, unknown> {
  return {
    id: env.id,
    name: env.name,
    image_url: env.image_url,
    url: `${o.api}/admin/pre-receive-environments/${env.id}`,
    html_url: `${o.origin}/admin/pre-receive-environments/${env.id}`,
    default_environment: env.default_environment,
    created_at: env.created_at,
    hooks_count: hooksCount,
    download: renderDownload(o, env.id, env.download),
  };
}

export function renderHook(o: Origin, hook: SimHook, store: SimStateStore): Record<string, unknown> {
  const env = store.environment(hook.environment_id);
  // A repository removed behind the hook's back keeps its name; id 0 says it is gone.
  const repo = store.repositoryRef(hook.script_repository);
  return {
    id: hook.id,
    name: hook.name,
    enforcement: hook.enforcement,
    script: hook.script,
    script_repository: {
      id: repo?.id ?? 0,
      full_name: repo?.full_name ?? hook.script_repository,
      url: `${o.api}/repos/${hook.script_repository}`,
      html_url: `${o.origin}/${hook.script_repository}`,
    },
    environment: env ? renderEnvironment(o, env, store.hooksCount(env.id)) : null,
    allow_downstream_configuration: hook.allow_downstream_configuration,
  };
}

/**
 * `global-hook` for GET, list and POST: the secret key appears only when one is set, always masked.
 * `withSecret: false` gives `global-hook-2`, the PATCH response, which never has the key.
 */
export function renderWebhook(o: Origin, hook: SimWebhook, withSecret = true): Record<string, unknown> {
  const config: Record<string, string> = {
    url: hook.url,
    content_type: hook.content_type,
    insecure_ssl: hook.insecure_ssl,
  };
  if (withSecret && hook.secret !== null) config.secret = '********';
  return {
    type: 'Global',
    id: hook.id,
    name: 'web',
    active: hook.active,
    events: [...hook.events],
    config,
    updated_at: hook.updated_at,
    created_at: hook.created_at,
    url: `${o.api}/admin/hooks/${hook.id}`,
    ping_url: `${o.api}/admin/hooks/${hook.id}/pings`,
  };
}

export function renderRepository(o: Origin, repo: SimRepository): Record<string, unknown> {
  const [owner = '', name = ''] = repo.full_name.split('/');
  return {
    id: repo.id,
    node_id: Buffer.from(`010:Repository${repo.id}`).toString('base64'),
    name,
    full_name: repo.full_name,
    owner: {
      login: owner,
      type: 'Organization',
      url: `${o.api}/users/${owner}`,
      html_url: `${o.origin}/${owner}`,
    },
    private: false,
    visibility: 'internal',
    html_url: `${o.origin}/${repo.full_name}`,
    url: `${o.api}/repos/${repo.full_name}`,
    default_branch: repo.default_branch,
    archived: false,
    disabled: false,
  };
}

/** The contents API's `file` object. Content is a stub unless the state gives one. */
export function renderFile(o: Origin, repo: SimRepository, path: string, ref: string, content?: string): object {
  const body = Buffer.from(content ?? STUB_SCRIPT);
  // Git's blob id, so the sha is what a real server would report for the same bytes.
  const { sha } = blobSha(content);
  const self = `${o.api}/repos/${repo.full_name}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const html = `${o.origin}/${repo.full_name}/blob/${ref}/${path}`;
  const git = `${o.api}/repos/${repo.full_name}/git/blobs/${sha}`;
  return {
    type: 'file',
    encoding: 'base64',
    size: body.length,
    name: path.split('/').pop(),
    path,
    content: body.toString('base64'),
    sha,
    url: self,
    git_url: git,
    html_url: html,
    download_url: `${o.origin}/${repo.full_name}/raw/${ref}/${path}`,
    _links: { self, git, html },
  };
}

/** A directory listing entry (the contents API returns an array for a directory). */
export function renderDirectoryEntry(
  o: Origin,
  repo: SimRepository,
  path: string,
  type: 'file' | 'dir',
  ref = repo.default_branch,
): object {
  const self = `${o.api}/repos/${repo.full_name}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const html = `${o.origin}/${repo.full_name}/${type === 'dir' ? 'tree' : 'blob'}/${ref}/${path}`;
  return { type, name: path.split('/').pop(), path, url: self, html_url: html, _links: { self, html } };
}

/** Git's object id for a blob with these bytes. */
function blobSha(content: string | undefined): { sha: string; size: number } {
  const body = Buffer.from(content ?? STUB_SCRIPT);
  return { sha: createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex'), size: body.length };
}

/**
 * The git trees API's `git-tree`: blobs carry the file mode (100755 executable, 100644 not), which is the only
 * place the REST API reveals it, and their size. Past `limit` entries the list is cut and says `truncated`.
 */
export function renderTree(
  o: Origin,
  fullName: string,
  sha: string,
  entries: readonly GitPathEntry[],
  limit?: number,
): object {
  const truncated = limit !== undefined && entries.length > limit;
  const tree = entries.slice(0, truncated ? limit : undefined).map((entry) => ({
    ...entry,
    url: `${o.api}/repos/${fullName}/git/${entry.type === 'tree' ? 'trees' : 'blobs'}/${entry.sha}`,
  }));
  return { sha, url: `${o.api}/repos/${fullName}/git/trees/${sha}`, tree, truncated };
}

/** The git blobs API's `blob`: base64 in lines of 60 characters, as GitHub sends it. */
export function renderBlob(o: Origin, fullName: string, sha: string, content: Buffer): object {
  const base64 = content.toString('base64').replace(/.{60}/g, '$&\n');
  return {
    sha,
    node_id: Buffer.from(`04:Blob${sha}`).toString('base64'),
    size: content.length,
    url: `${o.api}/repos/${fullName}/git/blobs/${sha}`,
    content: base64.endsWith('\n') ? base64 : `${base64}\n`,
    encoding: 'base64',
  };
}

/** The commits API's `commit`, the parts a client reads: sha, message, tree, parents and links. */
export function renderCommit(o: Origin, fullName: string, commit: GitCommit): object {
  const author = { name: 'Simulated Committer', email: 'sim@ghes.invalid', date: commit.date };
  return {
    sha: commit.sha,
    node_id: Buffer.from(`04:Commit${commit.sha}`).toString('base64'),
    url: `${o.api}/repos/${fullName}/commits/${commit.sha}`,
    html_url: `${o.origin}/${fullName}/commit/${commit.sha}`,
    comments_url: `${o.api}/repos/${fullName}/commits/${commit.sha}/comments`,
    commit: {
      url: `${o.api}/repos/${fullName}/git/commits/${commit.sha}`,
      author,
      committer: author,
      message: commit.message,
      tree: { sha: commit.tree, url: `${o.api}/repos/${fullName}/git/trees/${commit.tree}` },
      comment_count: 0,
    },
    author: null,
    committer: null,
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${o.api}/repos/${fullName}/commits/${sha}`,
      html_url: `${o.origin}/${fullName}/commit/${sha}`,
    })),
    files: [],
  };
}
