// A parsed config file and the way back from a path in its data to the YAML node that wrote it,
// so that every diagnostic can point at a file, line and column.
import { isAlias, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { Diagnostic, SourceLocation } from '../errors.js';
import { startOf, type OutlineNode } from './block-yaml.js';

/** A path into the data of one file, as ajv and our own checks name it: keys and list indexes. */
export type Path = readonly (string | number)[];

export interface SourceFile {
  path: string;
  /** Where each node is written: the outline of a file in the common shape (block-yaml.ts), else yaml's document. */
  nodes: { outline: OutlineNode } | { doc: Document.Parsed };
  lineCounter: LinePositions;
  /** The file's data. */
  data: Record<string, unknown>;
}

/** An offset's line and column, from 1: yaml's LineCounter, or the block reader's LineStarts. */
export interface LinePositions {
  linePos(offset: number): { line: number; col: number };
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

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/** Where a node starts; undefined for an empty value (`key:` and nothing after), which is located by its key. */
function start(node: unknown): number | undefined {
  if (isScalar(node) && node.value === null && node.source === '') return undefined;
  return (node as Node | null)?.range?.[0];
}

/**
 * Where `path` is written. `part: 'key'` points at the key of the last step (for an unknown key).
 * A step that does not exist (a missing required key) leaves the location at the nearest existing node.
 * Aliases are followed on the way down, but an alias at the end is located where it is used.
 */
export function locate(source: SourceFile, path: Path, part: 'value' | 'key' = 'value'): SourceLocation {
  if ('outline' in source.nodes) return locateInOutline(source, source.nodes.outline, path, part);
  const doc = source.nodes.doc;
  let node: unknown = doc.contents;
  let offset = start(node) ?? 0;
  for (const [i, step] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    let keyOffset: number | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(step));
      if (!pair) break;
      keyOffset = start(pair.key);
      next = pair.value;
    } else if (isSeq(node) && typeof step === 'number') {
      next = node.items[step];
    } else {
      break;
    }
    const last = i === path.length - 1;
    const here = last && part === 'key' ? (keyOffset ?? start(next)) : (start(next) ?? keyOffset);
    if (here !== undefined) offset = here;
    node = next;
  }
  return locationAt(source.path, source.lineCounter, offset);
}

/** locate() over an outline: the same walk, with no aliases to follow. */
function locateInOutline(source: SourceFile, root: OutlineNode, path: Path, part: 'value' | 'key'): SourceLocation {
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
  return locationAt(source.path, source.lineCounter, offset);
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
