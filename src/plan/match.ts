// Pairs desired entries with live objects by name, case-insensitively, following `previous_names` for renames.
// Anything that could pair one entry with two live objects, or two entries with one, is a refusal: never a guess.
import type { Diagnostic, SourceLocation } from '../errors.js';
import { lower } from '../names.js';

export interface DesiredNamed {
  name: string;
  previous_names: string[];
  location: SourceLocation;
}

export interface LiveNamed {
  id: number;
  name: string;
}

export interface NameMatch<D, L> {
  matches: Map<D, L>;
  /** Live ids that some entry claims, including ambiguous candidates, so they are neither pruned nor listed. */
  claimed: Set<number>;
  /** Entries refused here (ambiguous, or a live object claimed twice): planned no further, so never as a create. */
  refused: Set<D>;
}

export function quoteNames(objects: readonly LiveNamed[]): string {
  return objects.map((o) => `"${o.name}" (id ${o.id})`).join(' and ');
}

/**
 * The live objects an entry may pair with: those with its name or one of its previous names, each once, by id.
 * Most entries have no previous names and match one object: that list is used as it is.
 */
function candidatesOf<L extends LiveNamed>(entry: DesiredNamed, name: string, liveByName: Map<string, L[]>): L[] {
  const byName = liveByName.get(name) ?? [];
  if (entry.previous_names.length === 0 && byName.length <= 1) return byName;
  const candidates = new Map<number, L>();
  for (const object of byName) candidates.set(object.id, object);
  for (const previous of entry.previous_names) {
    if (lower(previous) === name) continue;
    for (const object of liveByName.get(lower(previous)) ?? []) candidates.set(object.id, object);
  }
  return [...candidates.values()].sort((a, b) => a.id - b.id);
}

export function matchByName<D extends DesiredNamed, L extends LiveNamed>(
  noun: string,
  desired: readonly D[],
  live: readonly L[],
  reasons: Diagnostic[],
): NameMatch<D, L> {
  const liveByName = new Map<string, L[]>();
  for (const object of live) {
    const key = lower(object.name);
    const list = liveByName.get(key);
    if (list) list.push(object);
    else liveByName.set(key, [object]);
  }

  const matches = new Map<D, L>();
  const claimed = new Set<number>();
  const refused = new Set<D>();
  const claimedBy = new Map<number, D>();
  const declared = new Map<string, D>();
  for (const entry of desired) {
    const name = lower(entry.name);
    const twin = declared.get(name);
    if (twin) {
      reasons.push({
        severity: 'error',
        message: `${noun} "${entry.name}" is declared twice (also at ${twin.location.file}:${twin.location.line})`,
        location: entry.location,
      });
      continue;
    }
    declared.set(name, entry);

    const found = candidatesOf(entry, name, liveByName);
    for (const object of found) claimed.add(object.id);
    if (found.length > 1) {
      reasons.push({
        severity: 'error',
        message: `${noun} "${entry.name}": ambiguous: ${quoteNames(found)} ${found.length === 2 ? 'both' : 'all'} match its name or previous_names on the live instance`,
        location: entry.location,
        hint: 'delete or rename the extra live object by hand, or drop the stale name from previous_names',
      });
      refused.add(entry);
      continue;
    }
    const match = found[0];
    if (!match) continue;
    const rival = claimedBy.get(match.id);
    if (rival) {
      reasons.push({
        severity: 'error',
        message: `${noun} "${entry.name}": the live ${noun} "${match.name}" (id ${match.id}) is also claimed by "${rival.name}"`,
        location: entry.location,
        hint: 'a live object can be renamed into only one entry; check previous_names',
      });
      matches.delete(rival);
      refused.add(rival).add(entry);
      continue;
    }
    claimedBy.set(match.id, entry);
    matches.set(entry, match);
  }
  return { matches, claimed, refused };
}
