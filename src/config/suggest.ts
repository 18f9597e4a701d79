// Did-you-mean hints for the config stage: the known word closest to a misspelled key, value or name.
import { escapeLiteral } from './interpolate.js';

/** Edit distance (insertions, deletions, substitutions) between two strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The candidate a typo most likely meant, compared case-insensitively, or undefined when none is close.
 * A third of the word may differ: close enough for `enforcment`, far enough that `user` never suggests `team`.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  // Long input cannot be a typo of a short key, and comparing it would cost time for nothing.
  if (word.length > 100) return undefined;
  const lowered = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lowered, candidate.toLowerCase());
    const allowed = Math.max(1, Math.floor(Math.max(word.length, candidate.length) / 3));
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** "did you mean `x`?", or undefined when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const match = closest(word, candidates);
  return match === undefined ? undefined : `did you mean \`${match}\`?`;
}

/**
 * "did you mean `x`?" for a name, as a config must write it: a live name may hold `${`, which a config writes `$${`
 * (written as it is, the suggestion would be refused as a reference outside a secret).
 */
export function didYouMeanName(name: string, names: readonly string[]): string | undefined {
  const match = closest(name, names);
  return match === undefined ? undefined : `did you mean \`${escapeLiteral(match)}\`?`;
}
