// The desired state from a local path (`--config`), re-read at every reconcile: a checkout kept fresh by a
// git-sync sidecar, a deploy job or a cron `git pull`. Its revision is the checkout's commit, read from .git itself.
import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { DesiredState } from '../config/types.js';
import type { Redactor } from '../redact.js';
import { loadDesired } from '../reconcile.js';
import type { DesiredStateSource, PollResult, SourceRevision } from './source.js';

/** How often a path inside a git work tree is looked at for a new commit: two or three small file reads. */
export const LOCAL_GIT_POLL_MS = 10_000;

export class LocalPathSource implements DesiredStateSource {
  readonly description: string;
  readonly pollIntervalMs: number | undefined;
  readonly #path: string;
  #lastPolled: string | undefined;

  /** `pollIntervalMs` is only used when the path is inside a git work tree (see `create`). */
  private constructor(path: string, pollIntervalMs: number | undefined) {
    this.#path = path;
    this.description = `path ${path}`;
    this.pollIntervalMs = pollIntervalMs;
  }

  /** Polls for new commits only when the path is inside a git work tree; otherwise each reconcile re-reads it. */
  static async create(path: string, options: { gitPollMs?: number } = {}): Promise<LocalPathSource> {
    const inGit = (await gitRevision(path)) !== '';
    return new LocalPathSource(path, inGit ? (options.gitPollMs ?? LOCAL_GIT_POLL_MS) : undefined);
  }

  async poll(): Promise<PollResult> {
    const revision = await gitRevision(this.#path);
    const changed = this.#lastPolled !== undefined && revision !== this.#lastPolled;
    this.#lastPolled = revision;
    return { revision, changed };
  }

  async current(): Promise<SourceRevision> {
    const revision = await gitRevision(this.#path);
    // What is reconciled counts as seen: a commit that lands before the first poll is not announced again.
    this.#lastPolled = revision;
    const path = this.#path;
    return {
      revision,
      load: (env: Record<string, string | undefined>, redactor: Redactor): Promise<DesiredState> =>
        loadDesired(path, env, redactor),
    };
  }
}

/**
 * `sha1:<commit>` of the git work tree holding `path`, or '' when it is not in one (or .git cannot be read).
 * Reads .git directly (HEAD, loose refs, packed-refs, a worktree's `gitdir:` file as git-sync makes them), so the
 * image needs no git binary. The path's symlinks are resolved first: git-sync swaps a link to each new worktree.
 */
export async function gitRevision(path: string): Promise<string> {
  try {
    let directory = await realpath(resolve(path));
    if (!(await stat(directory)).isDirectory()) directory = dirname(directory);
    for (;;) {
      const gitDir = await findGitDir(join(directory, '.git'));
      if (gitDir) {
        const commit = await resolveHead(gitDir);
        return commit ? `sha1:${commit}` : '';
      }
      const parent = dirname(directory);
      if (parent === directory) return '';
      directory = parent;
    }
  } catch {
    return '';
  }
}

async function findGitDir(dotGit: string): Promise<string | undefined> {
  const info = await stat(dotGit).catch(() => undefined);
  if (!info) return undefined;
  if (info.isDirectory()) return dotGit;
  // A linked worktree or submodule: `.git` is a file saying `gitdir: <path>`.
  const match = /^gitdir:\s*(.+?)\s*$/m.exec(await readFile(dotGit, 'utf8'));
  if (!match) return undefined;
  return isAbsolute(match[1]!) ? match[1] : resolve(dirname(dotGit), match[1]!);
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

async function resolveHead(gitDir: string): Promise<string | undefined> {
  const head = (await readFile(join(gitDir, 'HEAD'), 'utf8')).trim();
  if (SHA.test(head)) return head;
  const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
  if (!ref) return undefined;
  // A linked worktree keeps its HEAD; its branches live in the common directory.
  const common = await readFile(join(gitDir, 'commondir'), 'utf8').then(
    (text) => resolve(gitDir, text.trim()),
    () => gitDir,
  );
  for (const dir of new Set([gitDir, common])) {
    const loose = await readFile(join(dir, ref), 'utf8').catch(() => undefined);
    if (loose !== undefined && SHA.test(loose.trim())) return loose.trim();
  }
  const packed = await readFile(join(common, 'packed-refs'), 'utf8').catch(() => '');
  for (const line of packed.split('\n')) {
    const [sha, name] = line.trim().split(' ');
    if (name === ref && sha && SHA.test(sha)) return sha;
  }
  return undefined;
}
