// The repository endpoints the preflight script check uses: the repository (for default_branch), the contents
// API (does the script exist on that branch?) and the git trees API (is it executable?). Only the default branch
// is modelled.
import { DOCS, MESSAGES } from './messages.js';
import { renderDirectoryEntry, renderFile, renderRepository, renderTree } from './render.js';
import { notFound, type ApiResponse, type Route } from './route.js';

export const repositoryRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/repos\/([^/]+)\/([^/]+)$/,
    access: 'user',
    docs: `${DOCS}/repos/repos#get-a-repository`,
    handle(req, { store, origin }): ApiResponse {
      const repo = store.repository(`${req.params[0]}/${req.params[1]}`);
      return repo ? { status: 200, body: renderRepository(origin, repo) } : notFound();
    },
  },
  {
    method: 'GET',
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/contents(?:\/(.*))?$/,
    access: 'user',
    docs: `${DOCS}/repos/contents#get-repository-content`,
    handle(req, { store, origin }): ApiResponse {
      const repo = store.repository(`${req.params[0]}/${req.params[1]}`);
      if (!repo) return notFound();
      const ref = req.query.get('ref') ?? repo.default_branch;
      if (ref !== repo.default_branch && ref !== `refs/heads/${repo.default_branch}`) {
        return { status: 404, body: { message: `No commit found for the ref ${ref}` } };
      }
      const path = (req.params[2] ?? '').replace(/\/+$/, '');
      const file = path === '' ? undefined : repo.files[path];
      if (file) return { status: 200, body: renderFile(origin, repo, path, ref, file.content) };

      // A directory exists when some file lies below it; list its direct children.
      const prefix = path === '' ? '' : `${path}/`;
      const children = new Map<string, 'file' | 'dir'>();
      for (const filePath of Object.keys(repo.files)) {
        if (!filePath.startsWith(prefix)) continue;
        const [head = '', ...rest] = filePath.slice(prefix.length).split('/');
        children.set(`${prefix}${head}`, rest.length ? 'dir' : 'file');
      }
      if (children.size === 0) return { status: 404, body: { message: MESSAGES.notFound } };
      const entries = [...children].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return { status: 200, body: entries.map(([p, type]) => renderDirectoryEntry(origin, repo, p, type)) };
    },
  },
  {
    // tree_sha is multi-segment (a branch may contain slashes); only the default branch is known here.
    method: 'GET',
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/git\/trees\/(.+)$/,
    access: 'user',
    docs: `${DOCS}/git/trees#get-a-tree`,
    handle(req, { store, origin }): ApiResponse {
      const repo = store.repository(`${req.params[0]}/${req.params[1]}`);
      if (!repo) return notFound();
      // An empty repository has no commit, hence no tree: GitHub answers 409.
      if (Object.keys(repo.files).length === 0) return { status: 409, body: { message: MESSAGES.repositoryEmpty } };
      const ref = req.params[2] ?? '';
      if (ref !== repo.default_branch && ref !== `refs/heads/${repo.default_branch}`) return notFound();
      return { status: 200, body: renderTree(origin, repo, req.query.has('recursive')) };
    },
  },
];
