// Which branches `mode: auto` applies from: the repository's default branch, and whatever `apply-branches` allows.
// Anything else was not reviewed and merged, so it is planned, and the summary says why. Pure.

/** The branch a run is on, and what the event says of the repository. */
export interface BranchContext {
  /** `GITHUB_REF`, e.g. `refs/heads/main`, `refs/tags/v1`; empty outside Actions. */
  ref: string;
  /** `repository.default_branch` from the event payload, when it has one. */
  defaultBranch?: string;
  /** The `apply-branches` patterns. */
  applyBranches: readonly string[];
}

/** The branch name of `refs/heads/<name>`; undefined for a tag or anything else. */
export function branchOf(ref: string): string | undefined {
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
}

/**
 * GitHub's branch filter syntax, as in `on.push.branches`: `*` matches any characters but `/`, `**` any
 * characters, `?` one character; everything else literally.
 */
export function globMatches(pattern: string, name: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (c === '*') {
      source += '[^/]*';
    } else if (c === '?') {
      source += '[^/]';
    } else {
      source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`).test(name);
}

/**
 * Why this run must not apply, or undefined when it may: the default branch always may; another branch when an
 * `apply-branches` pattern matches it; a tag, an unknown default branch or an unmatched branch may not.
 */
export function notAppliedBecause(context: BranchContext): string | undefined {
  const branch = branchOf(context.ref);
  const patterns = context.applyBranches.length > 0 ? ` or ${context.applyBranches.map(quote).join(', ')}` : '';
  if (branch === undefined) {
    const ref = context.ref === '' ? 'no branch (GITHUB_REF is not set)' : `\`${context.ref}\`, which is not a branch`;
    return `this run is on ${ref}; mode: auto applies only from the default branch${patterns}`;
  }
  if (context.defaultBranch !== undefined && branch === context.defaultBranch) return undefined;
  if (context.applyBranches.some((pattern) => globMatches(pattern, branch))) return undefined;
  if (context.defaultBranch === undefined) {
    return (
      `the event payload does not name the repository's default branch, so \`${branch}\` cannot be told to be it; ` +
      'mode: auto applies only from the default branch: list the branch in `apply-branches`, or set `mode: apply`'
    );
  }
  return `\`${branch}\` is not the default branch (\`${context.defaultBranch}\`)${
    context.applyBranches.length > 0
      ? ` and matches no \`apply-branches\` pattern (${context.applyBranches.map(quote).join(', ')})`
      : ''
  }: mode: auto applies only what was reviewed and merged there. Add the branch to \`apply-branches\` to apply from it`;
}

function quote(pattern: string): string {
  return `\`${pattern}\``;
}

/** `apply-branches`: one pattern per line, or separated by commas; blank entries ignored. */
export function parseBranchPatterns(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((pattern) => pattern.trim())
    .filter((pattern) => pattern !== '');
}
