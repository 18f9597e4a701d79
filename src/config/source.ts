// A parsed config file and the way back from a path in its data to the YAML node that wrote it,
// so that every diagnostic can point at a file, line and column.
import type { Diagnostic, SourceLocation } from '../errors.js';
import { readBlockYaml, startOf, type OutlineNode } from './block-yaml.js';

/** A path into the data of one file, as ajv and our own checks name it: keys and list indexes. */
export type Path = readonly (string | number)[];

export interface SourceFile {
  path: string;
  /**
   * Where each node is written: the outline of a file in the common shape (block-yaml.ts), else the offset of a path
   * as a walk of yaml's document finds it (parse.ts, which only a file in another shape loads).
   */
  nodes: { outline: OutlineNode } | { offsetInDocument: (path: Path, part: 'value' | 'key') => number };
  lineCounter: LinePositions;
  /**
   * Whether a value may hold `${`: false only for a file the block reader took and whose text has none (its values
   * are slices of the text, with no escapes), so that the search for references skips its values.
   */
  mayReference: boolean;
  /** The file's data. */
  data: Record<string, unknown>;
}

/** An offset's line and column, from 1: yaml's LineCounter, or the block reader's LineStarts. */
export interface LinePositions {
  linePos(offset: number): { line: number; col: number };
}

/** Enough to share a block of settings between entries; far below what a "billion laughs" file needs. */
export const MAX_ALIAS_COUNT = 100;

/** A file in the common shape, read by the block reader; undefined for any other, which is `yaml`'s (parse.ts). */
export function readCommonShape(path: string, text: string): SourceFile | undefined {
  const block = readBlockYaml(text, MAX_ALIAS_COUNT);
  if (!block) return undefined;
  const { root, lineCounter, data } = block;
  return { path, nodes: { outline: root }, lineCounter, mayReference: text.includes('${'), data };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function locationAt(file: string, lineCounter: LinePositions, offset: number): SourceLocation {
  const { line, col } = lineCounter.linePos(offset);
  return { file, line, column: col };
}

export function startOfFile(file: string): SourceLocation {
  return { file, line: 1, column: 1 };
}

/**
 * Where `path` is written. `part: 'key'` points at the key of the last step (for an unknown key).
 * A step that does not exist (a missing required key) leaves the location at the nearest existing node.
 * Aliases are followed on the way down, but an alias at the end is located where it is used.
 */
export function locate(source: SourceFile, path: Path, part: 'value' | 'key' = 'value'): SourceLocation {
  const offset =
    'outline' in source.nodes
      ? offsetInOutline(source.nodes.outline, path, part)
      : source.nodes.offsetInDocument(path, part);
  return locationAt(source.path, source.lineCounter, offset);
}

/** locate() over an outline: the walk of offsetInDocument (parse.ts), with no aliases to follow. */
function offsetInOutline(root: OutlineNode, path: Path, part: 'value' | 'key'): number {
  let node = root;
  let offset = startOf(root) ?? 0;
  for (let i = 0; i < path.length; i++) {
    const step = path[i]!;
    if (typeof node === 'object' && 'alias' in node) node = node.alias;
    let next: OutlineNode;
    let keyOffset: number | undefined;
    if (typeof node === 'object' && 'keys' in node) {
      const index = node.keys.indexOf(String(step));
      if (index < 0) break;
      keyOffset = node.keyStarts[index];
      next = node.values[index];
    } else if (typeof node === 'object' && 'items' in node && typeof step === 'number') {
      next = node.items[step];
    } else {
      break;
    }
    const last = i === path.length - 1;
    const here = last && part === 'key' ? (keyOffset ?? startOf(next)) : (startOf(next) ?? keyOffset);
    if (here !== undefined) offset = here;
    node = next;
  }
  return offset;
}

export function error(message: string, location?: SourceLocation, hint?: string): Diagnostic {
  const diagnostic: Diagnostic = { severity: 'error', message };
  if (location) diagnostic.location = location;
  if (hint) diagnostic.hint = hint;
  return diagnostic;
}

/** The three lists of a config file and the kind of entry each holds. */
export const LIST_KINDS = { environments: 'environment', hooks: 'hook', webhooks: 'webhook' } as const;
export type ListKey = keyof typeof LIST_KINDS;

export function isListKey(key: unknown): key is ListKey {
  return typeof key === 'string' && Object.hasOwn(LIST_KINDS, key);
}

/** A value short and plain enough to quote back to the user. Never call it on a secret. */
export function quotable(value: unknown): string | undefined {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value !== 'string') return undefined;
  const plain = value.slice(0, 81).replace(/[\n\r`]/g, ' ');
  return value.length <= 80 ? plain : `${plain.slice(0, 60)}…`;
}

/** `hook \`Check Commits\``, `webhook \`https://...\``, or `hooks[2]` for an entry without a usable identity. */
export function entryLabel(listKey: ListKey, index: number, entry: unknown): string {
  const kind = LIST_KINDS[listKey];
  const identity = isRecord(entry) ? entry[kind === 'webhook' ? 'url' : 'name'] : undefined;
  if (typeof identity === 'string' && identity.trim() !== '') return `${kind} \`${quotable(identity)}\``;
  return `${listKey}[${index}]`;
}

function formatPath(path: Path): string {
  return path.map((step, i) => (typeof step === 'number' ? `[${step}]` : i === 0 ? step : `.${step}`)).join('');
}

/**
 * How a message names the thing at `path`: the entry it belongs to (as a prefix, "hook `X`: ") and the
 * field inside it ("enforcement", "events[1]", "prune.hooks").
 */
export function subjectOf(data: Record<string, unknown>, path: Path): { entry?: string; field: string } {
  const [listKey, index] = path;
  if (isListKey(listKey) && typeof index === 'number') {
    const list = data[listKey];
    const entry = Array.isArray(list) ? (list[index] as unknown) : undefined;
    return { entry: entryLabel(listKey, index, entry), field: formatPath(path.slice(2)) };
  }
  return { field: formatPath(path) };
}
