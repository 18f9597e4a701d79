// Repositories in the simulator's state, for hook validation and the preflight script check, with their git
// objects: the default branch follows `files` (committed when they change), other branches take commits.
import { GitObjects, type GitCommit } from './git.js';
import { SimNotFoundError } from './errors.js';
import type { StoreContext } from './tables.js';
import type { SimFile, SimRepository, SimRepositoryInput } from './types.js';
import { Checker } from './checker.js';
import { lower } from '../names.js';

export class RepositoryStore {
  readonly #ctx: StoreContext;
  /** Commits, trees and blobs of the repositories; the default branch follows `files` (see #defaultHead). */
  readonly #git = new GitObjects();
  /** Lower-cased full_name -> the default branch's head for the files as they are; dropped when they change. */
  readonly #defaultHeads = new Map<string, string>();

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  /** After load(): the commits of the state before are gone with it. */
  clearHistory(): void {
    this.#git.clear();
    this.#defaultHeads.clear();
  }

  get autoRegisterRepositories(): boolean {
    return this.#ctx.tables.autoRegister;
  }

  set autoRegisterRepositories(value: boolean) {
    this.#ctx.tables.autoRegister = value;
  }

  repositories(): SimRepository[] {
    return [...this.#ctx.tables.repositories.values()].sort((a, b) => a.id - b.id).map(copyRepository);
  }

  /** Case-insensitive, like GitHub. */
  repository(fullName: string): SimRepository | undefined {
    const repo = this.#ctx.tables.repositories.get(lower(fullName));
    return repo && copyRepository(repo);
  }

  /** Id and canonical name only: cheap enough to call for every hook on a page. */
  repositoryRef(fullName: string): { id: number; full_name: string } | undefined {
    const repo = this.#ctx.tables.repositories.get(lower(fullName));
    return repo && { id: repo.id, full_name: repo.full_name };
  }

  /** Adds or replaces a repository (keeping its id when it exists). */
  addRepository(input: SimRepositoryInput): SimRepository {
    const existing = this.#ctx.tables.repositories.get(lower(input.full_name));
    const repo = normalizeRepository(
      { ...input, id: input.id ?? existing?.id ?? this.#ctx.tables.nextId.repository },
      'repository',
    );
    this.#ctx.tables.repositories.set(lower(repo.full_name), repo);
    this.#ctx.tables.nextId.repository = Math.max(this.#ctx.tables.nextId.repository, repo.id + 1);
    this.#defaultHeads.delete(lower(repo.full_name));
    return copyRepository(repo);
  }

  /** Removes a repository even if hooks still use it: that is the drift the preflight check must catch. */
  removeRepository(fullName: string): boolean {
    this.#defaultHeads.delete(lower(fullName));
    return this.#ctx.tables.repositories.delete(lower(fullName));
  }

  /** Adds, replaces or (with null) removes a file on the default branch. */
  setFile(fullName: string, path: string, file: Partial<SimFile> | null): void {
    const repo = this.#ctx.tables.repositories.get(lower(fullName));
    if (!repo) throw new SimNotFoundError(`no repository ${fullName}`);
    if (file === null) delete repo.files[path];
    else
      repo.files[path] = {
        executable: file.executable ?? true,
        ...(file.content === undefined ? {} : { content: file.content }),
      };
    this.#defaultHeads.delete(lower(fullName));
  }

  /**
   * Commits `changes` on `branch` (default: the default branch) and moves the branch to the new commit, as a push
   * would; returns its sha. A string is a regular file's content, null deletes the path. A new branch starts from
   * the default branch's head. Commits seen before stay readable by their sha.
   */
  commitFiles(
    fullName: string,
    changes: Record<string, string | Partial<SimFile> | null>,
    options: { branch?: string; message?: string } = {},
  ): string {
    const repo = this.#ctx.tables.repositories.get(lower(fullName));
    if (!repo) throw new SimNotFoundError(`no repository ${fullName}`);
    const branch = options.branch ?? repo.default_branch;
    const message = options.message ?? `Update ${Object.keys(changes).join(', ')}`;
    const asFile = (change: string | Partial<SimFile>): Partial<SimFile> =>
      typeof change === 'string' ? { executable: false, content: change } : change;
    if (branch === repo.default_branch) {
      // Record the commit the files are at now, so that the new one has it as its parent.
      this.#defaultHead(repo);
      for (const [path, change] of Object.entries(changes))
        this.setFile(fullName, path, change === null ? null : asFile(change));
      const head = this.#git.commitTree(
        repo.full_name,
        branch,
        this.#git.writeTree(repo.full_name, repo.files),
        message,
        this.#ctx.clock(),
      );
      this.#defaultHeads.set(lower(fullName), head);
      return head;
    }
    const base = this.#git.head(repo.full_name, branch) ?? this.#defaultHead(repo);
    const baseCommit = base === undefined ? undefined : this.#git.commit(repo.full_name, base);
    const files = baseCommit ? this.#git.files(repo.full_name, baseCommit.tree) : {};
    for (const [path, change] of Object.entries(changes)) {
      if (change === null) delete files[path];
      else {
        const file = asFile(change);
        files[path] = {
          executable: file.executable ?? true,
          ...(file.content === undefined ? {} : { content: file.content }),
        };
      }
    }
    // Branching off: the new branch starts at the default branch's head, the parent of its first commit.
    if (base !== undefined) this.#git.setHead(repo.full_name, branch, base);
    return this.#git.commitTree(
      repo.full_name,
      branch,
      this.#git.writeTree(repo.full_name, files),
      message,
      this.#ctx.clock(),
    );
  }

  /**
   * The commit `ref` names in a repository: a branch (`main` or `refs/heads/main`) or a full or abbreviated commit
   * sha. undefined when the repository or the ref is unknown, 'empty' when the repository has no commit at all.
   */
  resolveCommit(fullName: string, ref: string): GitCommit | 'empty' | undefined {
    const repo = this.#ctx.tables.repositories.get(lower(fullName));
    if (!repo) return undefined;
    const branch = ref.replace(/^refs\/heads\//, '');
    const defaultHead = this.#defaultHead(repo);
    if (defaultHead === undefined && this.#git.head(repo.full_name, branch) === undefined) return 'empty';
    const sha =
      branch === repo.default_branch
        ? defaultHead
        : (this.#git.head(repo.full_name, branch) ?? this.#git.findCommit(repo.full_name, ref));
    return sha === undefined ? undefined : this.#git.commit(repo.full_name, sha);
  }

  /** The repository's git objects (trees and blobs by sha), for the git endpoints. */
  gitObjects(fullName: string): { repository: string; git: GitObjects } | undefined {
    const repo = this.#ctx.tables.repositories.get(lower(fullName));
    return repo && { repository: repo.full_name, git: this.#git };
  }

  /** The default branch's head for the files as they are now, committing them when they changed since. */
  #defaultHead(repo: SimRepository): string | undefined {
    const key = lower(repo.full_name);
    const cached = this.#defaultHeads.get(key);
    if (cached !== undefined) return cached;
    const previous = this.#git.head(repo.full_name, repo.default_branch);
    if (Object.keys(repo.files).length === 0 && previous === undefined) return undefined;
    const tree = this.#git.writeTree(repo.full_name, repo.files);
    const head =
      previous !== undefined && this.#git.commit(repo.full_name, previous)?.tree === tree
        ? previous
        : this.#git.commitTree(
            repo.full_name,
            repo.default_branch,
            tree,
            previous === undefined ? 'Initial commit' : 'Update files',
            this.#ctx.clock(),
          );
    this.#defaultHeads.set(key, head);
    return head;
  }
}

export function normalizeRepository(input: SimRepositoryInput & { id: number }, at: string): SimRepository {
  const check = new Checker();
  check.object(input, at);
  check.type(input.full_name, 'string', `${at}.full_name`);
  if (!/^[^/\s]+\/[^/\s]+$/.test(input.full_name)) check.fail(`${at}.full_name must be owner/name`);
  const limit = input.tree_limit;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) check.fail(`${at}.tree_limit must be a count`);
  const files: Record<string, SimFile> = {};
  const raw = input.files ?? {};
  if (Array.isArray(raw)) {
    for (const path of raw) files[check.type(path, 'string', `${at}.files[]`)] = { executable: true };
  } else {
    for (const [path, file] of Object.entries(check.object(raw, `${at}.files`) as Record<string, Partial<SimFile>>)) {
      check.object(file, `${at}.files.${path}`);
      files[path] = { executable: check.type(file.executable ?? true, 'boolean', `${at}.files.${path}.executable`) };
      if (file.content !== undefined) files[path].content = check.type(file.content, 'string', `${at}.files.${path}`);
    }
  }
  return {
    id: input.id,
    full_name: input.full_name,
    default_branch: check.type(input.default_branch ?? 'main', 'string', `${at}.default_branch`),
    files,
    ...(input.tree_limit !== undefined && { tree_limit: input.tree_limit }),
  };
}

function copyRepository(repo: SimRepository): SimRepository {
  const files: Record<string, SimFile> = {};
  for (const [path, file] of Object.entries(repo.files)) files[path] = { ...file };
  return { ...repo, files };
}
