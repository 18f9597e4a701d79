// The git objects behind the repository endpoints: blobs, trees and commits with git's own ids, and the branch
// heads. The default branch follows the repository's `files` (a commit is recorded whenever they changed since the
// last one was read), so older commits stay readable by sha after the branch moves, as on a real server.
import { createHash } from 'node:crypto';
import type { SimFile } from './types.js';

/** What a file without `content` holds (a pre-receive hook script is the usual file in a simulated repository). */
export const STUB_SCRIPT = '#!/bin/sh\n# Simulated pre-receive hook script.\nexit 0\n';

export interface GitTreeEntry {
  name: string;
  /** `100644`, `100755` or `040000`, as the trees API shows them. */
  mode: string;
  type: 'blob' | 'tree';
  sha: string;
}

export interface GitCommit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  /** ISO time of the commit. */
  date: string;
}

type GitObject =
  { type: 'blob'; content: Buffer } | { type: 'tree'; entries: GitTreeEntry[] } | ({ type: 'commit' } & GitCommit);

interface RepositoryObjects {
  objects: Map<string, GitObject>;
  /** Branch name -> commit sha. */
  heads: Map<string, string>;
}

/** A flattened tree entry, as the recursive trees API lists it. */
export interface GitPathEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree';
  sha: string;
  size?: number;
}

const AUTHOR = 'Simulated Committer <sim@ghes.invalid>';

function hashObject(type: string, body: Buffer): string {
  return createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');
}

/** Git's order for tree entries: by name, a tree compared as if its name ended with `/`. */
function treeOrder(a: GitTreeEntry, b: GitTreeEntry): number {
  const key = (e: GitTreeEntry) => (e.type === 'tree' ? `${e.name}/` : e.name);
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

export class GitObjects {
  readonly #repositories = new Map<string, RepositoryObjects>();

  /** Forgets every object and head (the state was replaced). */
  clear(): void {
    this.#repositories.clear();
  }

  #repo(key: string): RepositoryObjects {
    let repo = this.#repositories.get(key.toLowerCase());
    if (!repo) {
      repo = { objects: new Map(), heads: new Map() };
      this.#repositories.set(key.toLowerCase(), repo);
    }
    return repo;
  }

  object(repository: string, sha: string): GitObject | undefined {
    return this.#repositories.get(repository.toLowerCase())?.objects.get(sha);
  }

  commit(repository: string, sha: string): GitCommit | undefined {
    const object = this.object(repository, sha);
    return object?.type === 'commit' ? object : undefined;
  }

  head(repository: string, branch: string): string | undefined {
    return this.#repositories.get(repository.toLowerCase())?.heads.get(branch);
  }

  setHead(repository: string, branch: string, sha: string): void {
    this.#repo(repository).heads.set(branch, sha);
  }

  /** Stores the files as blobs and trees; returns the root tree's sha. */
  writeTree(repository: string, files: Record<string, SimFile>): string {
    const repo = this.#repo(repository);
    const root = new Map<string, unknown>();
    for (const [path, file] of Object.entries(files)) {
      const parts = path.split('/').filter((part) => part !== '');
      let dir = root;
      for (const part of parts.slice(0, -1)) {
        let next = dir.get(part);
        if (!(next instanceof Map)) {
          next = new Map<string, unknown>();
          dir.set(part, next);
        }
        dir = next as Map<string, unknown>;
      }
      dir.set(parts.at(-1) ?? path, file);
    }
    const write = (dir: Map<string, unknown>): string => {
      const entries: GitTreeEntry[] = [];
      for (const [name, value] of dir) {
        if (value instanceof Map) {
          entries.push({ name, mode: '040000', type: 'tree', sha: write(value as Map<string, unknown>) });
        } else {
          const file = value as SimFile;
          const content = Buffer.from(file.content ?? STUB_SCRIPT);
          const sha = hashObject('blob', content);
          repo.objects.set(sha, { type: 'blob', content });
          entries.push({ name, mode: file.executable ? '100755' : '100644', type: 'blob', sha });
        }
      }
      entries.sort(treeOrder);
      const body = Buffer.concat(
        entries.map((e) =>
          Buffer.concat([Buffer.from(`${e.mode.replace(/^0/, '')} ${e.name}\0`), Buffer.from(e.sha, 'hex')]),
        ),
      );
      const sha = hashObject('tree', body);
      repo.objects.set(sha, { type: 'tree', entries });
      return sha;
    };
    return write(root);
  }

  /** Records a commit of `tree` on `branch` (its parent is the branch's head) and moves the branch to it. */
  commitTree(repository: string, branch: string, tree: string, message: string, time: number): string {
    const repo = this.#repo(repository);
    const parent = repo.heads.get(branch);
    const seconds = Math.floor(time / 1000);
    const text =
      `tree ${tree}\n${parent ? `parent ${parent}\n` : ''}` +
      `author ${AUTHOR} ${seconds} +0000\ncommitter ${AUTHOR} ${seconds} +0000\n\n${message}\n`;
    const sha = hashObject('commit', Buffer.from(text));
    const date = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    repo.objects.set(sha, { type: 'commit', sha, tree, parents: parent ? [parent] : [], message, date });
    repo.heads.set(branch, sha);
    return sha;
  }

  /** The files of a tree, by path, with their executable bit and content. */
  files(repository: string, tree: string): Record<string, SimFile> {
    const files: Record<string, SimFile> = {};
    for (const entry of this.walk(repository, tree, true)) {
      if (entry.type !== 'blob') continue;
      const blob = this.object(repository, entry.sha);
      const content = blob?.type === 'blob' ? blob.content.toString('utf8') : '';
      files[entry.path] = { executable: entry.mode === '100755', content };
    }
    return files;
  }

  /** The entries of a tree, flattened with full paths when `recursive`, in git's order. */
  walk(repository: string, tree: string, recursive: boolean, prefix = ''): GitPathEntry[] {
    const object = this.object(repository, tree);
    if (object?.type !== 'tree') return [];
    const out: GitPathEntry[] = [];
    for (const entry of object.entries) {
      const path = `${prefix}${entry.name}`;
      const blob = entry.type === 'blob' ? this.object(repository, entry.sha) : undefined;
      out.push({
        path,
        mode: entry.mode,
        type: entry.type,
        sha: entry.sha,
        ...(blob?.type === 'blob' ? { size: blob.content.length } : {}),
      });
      if (recursive && entry.type === 'tree') out.push(...this.walk(repository, entry.sha, true, `${path}/`));
    }
    return out;
  }

  /** A full or abbreviated (7+ hex digits) commit sha known in this repository, or undefined. */
  findCommit(repository: string, prefix: string): string | undefined {
    if (!/^[0-9a-f]{7,40}$/i.test(prefix)) return undefined;
    const objects = this.#repositories.get(repository.toLowerCase())?.objects;
    if (!objects) return undefined;
    const wanted = prefix.toLowerCase();
    const found = [...objects.entries()].filter(([sha, o]) => o.type === 'commit' && sha.startsWith(wanted));
    return found.length === 1 ? found[0]![0] : undefined;
  }
}
