// The repository endpoints: the repository (for default_branch), the contents API (the preflight script check),
// a commit by ref (with the sha media type, ETag and 304, as the daemon polls it), and the git trees and blobs
// APIs (file modes for the preflight; the files of one exact commit for the daemon's repository source).
import { createHash } from 'node:crypto';
import { DOCS, MESSAGES } from './messages.js';
import { renderBlob, renderCommit, renderDirectoryEntry, renderFile, renderRepository, renderTree } from './render.js';
import { notFound, type ApiRequest, type ApiResponse, type Route } from './route.js';
import type { SimFile } from './types.js';

const repoName = (req: ApiRequest): string => `${req.params[0]}/${req.params[1]}`;

/** `application/vnd.github.sha` (or the older `vnd.github.v3.sha`): the commit's sha alone, as text. */
function wantsSha(req: ApiRequest): boolean {
  return /application\/vnd\.github(?:\.v3)?\.sha\b/i.test(String(req.headers.accept ?? ''));
}

/** Whether an `If-None-Match` header names this ETag (weak or strong, one of a list, or `*`). */
function matches(ifNoneMatch: string | string[] | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const tags = String(ifNoneMatch)
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''));
  return tags.includes('*') || tags.includes(etag);
}

export const repositoryRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/repos\/([^/]+)\/([^/]+)$/,
    access: 'user',
    docs: `${DOCS}/repos/repos#get-a-repository`,
    handle(req, { store, origin }): ApiResponse {
      const repo = store.repository(repoName(req));
      return repo ? { status: 200, body: renderRepository(origin, repo) } : notFound();
    },
  },
  {
    method: 'GET',
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/contents(?:\/(.*))?$/,
    access: 'user',
    docs: `${DOCS}/repos/contents#get-repository-content`,
    handle(req, { store, origin }): ApiResponse {
      const repo = store.repository(repoName(req));
      if (!repo) return notFound();
      const ref = req.query.get('ref') ?? repo.default_branch;
      let files: Record<string, SimFile>;
      if (ref === repo.default_branch || ref === `refs/heads/${repo.default_branch}`) files = repo.files;
      else {
        // Another branch or a commit sha: the files of that commit.
        const commit = store.resolveCommit(repo.full_name, ref);
        const objects = store.gitObjects(repo.full_name);
        if (commit === undefined || commit === 'empty' || !objects) {
          return { status: 404, body: { message: `No commit found for the ref ${ref}` } };
        }
        files = objects.git.files(objects.repository, commit.tree);
      }
      const path = (req.params[2] ?? '').replace(/\/+$/, '');
      const file = path === '' ? undefined : files[path];
      if (file) return { status: 200, body: renderFile(origin, repo, path, ref, file.content) };

      // A directory exists when some file lies below it; list its direct children.
      const prefix = path === '' ? '' : `${path}/`;
      const children = new Map<string, 'file' | 'dir'>();
      for (const filePath of Object.keys(files)) {
        if (!filePath.startsWith(prefix)) continue;
        const [head = '', ...rest] = filePath.slice(prefix.length).split('/');
        children.set(`${prefix}${head}`, rest.length ? 'dir' : 'file');
      }
      if (children.size === 0) return { status: 404, body: { message: MESSAGES.notFound } };
      const entries = [...children].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return { status: 200, body: entries.map(([p, type]) => renderDirectoryEntry(origin, repo, p, type, ref)) };
    },
  },
  {
    // A ref is one segment here; a branch with slashes arrives percent-encoded.
    method: 'GET',
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)$/,
    access: 'user',
    docs: `${DOCS}/commits/commits#get-a-commit`,
    handle(req, { store, origin }): ApiResponse {
      const repo = store.repository(repoName(req));
      if (!repo) return notFound();
      const ref = req.params[2] ?? '';
      const commit = store.resolveCommit(repo.full_name, ref);
      if (commit === 'empty') return { status: 409, body: { message: MESSAGES.repositoryEmpty } };
      if (commit === undefined) return { status: 422, body: { message: `No commit found for SHA: ${ref}` } };
      const sha = wantsSha(req);
      // The ETag depends on the representation, as GitHub's does; a 304 carries it and no body.
      const etag = `"${createHash('sha1')
        .update(`${sha ? 'sha' : 'json'}\0${commit.sha}`)
        .digest('hex')}"`;
      if (matches(req.headers['if-none-match'], etag)) return { status: 304, headers: { etag } };
      if (sha) {
        return {
          status: 200,
          text: commit.sha,
          headers: { etag, 'content-type': 'application/vnd.github.sha; charset=utf-8' },
        };
      }
      return { status: 200, body: renderCommit(origin, repo.full_name, commit), headers: { etag } };
    },
  },
  {
    // tree_sha is a tree's or a commit's sha, or a branch (multi-segment: a branch may contain slashes).
    method: 'GET',
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/git\/trees\/(.+)$/,
    access: 'user',
    docs: `${DOCS}/git/trees#get-a-tree`,
    handle(req, { store, origin }): ApiResponse {
      const objects = store.gitObjects(repoName(req));
      if (!objects) return notFound();
      const { repository, git } = objects;
      const ref = req.params[2] ?? '';
      let tree = git.object(repository, ref)?.type === 'tree' ? ref : undefined;
      if (tree === undefined) {
        const commit = store.resolveCommit(repository, ref);
        // An empty repository has no commit, hence no tree: GitHub answers 409.
        if (commit === 'empty') return { status: 409, body: { message: MESSAGES.repositoryEmpty } };
        if (commit === undefined) return notFound();
        tree = commit.tree;
      }
      const entries = git.walk(repository, tree, req.query.has('recursive'));
      return {
        status: 200,
        body: renderTree(origin, repository, tree, entries, store.repository(repository)?.tree_limit),
      };
    },
  },
  {
    method: 'GET',
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/git\/blobs\/([^/]+)$/,
    access: 'user',
    docs: `${DOCS}/git/blobs#get-a-blob`,
    handle(req, { store, origin }): ApiResponse {
      const objects = store.gitObjects(repoName(req));
      const sha = (req.params[2] ?? '').toLowerCase();
      const blob = objects?.git.object(objects.repository, sha);
      if (!objects || blob?.type !== 'blob') return notFound();
      return { status: 200, body: renderBlob(origin, objects.repository, sha, blob.content) };
    },
  },
];
