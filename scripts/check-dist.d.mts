/** The files that differ between a fresh build and the committed dist/, each with why: missing, not built any more, stale. */
export function distDifferences(fresh: string, committed: string): string[];
