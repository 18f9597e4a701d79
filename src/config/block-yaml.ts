// The shape nearly every config file has, read without the general YAML parser: block mappings and sequences of
// plain or simply quoted scalars, one per line, and anchors on values that aliases repeat. The `yaml` library
// builds a node per scalar and per pair, with source tokens and ranges, and reads a 3,600-entry config at about
// 1 MB/s in a fresh process; this reads it ten times as fast. Anything outside that shape (tags, block scalars,
// multi-line scalars, escapes, flow mappings, aliases of aliases, duplicate keys, tabs, CR, odd numbers) returns
// undefined, and the file goes through `yaml` exactly as before, so every diagnostic comes from there. For a file it reads, the data and the offset of every node are
// those `yaml` gives (test/config/block-yaml.test.ts compares them).
import { LineCounter } from 'yaml';

/** Where a node of the data is written: what `locate` needs, and no more. */
export interface OutlineNode {
  /** Offset of the node; undefined for an empty value (`key:` and nothing after), located by its key. */
  start: number | undefined;
  /** A mapping: each key's offset and value. */
  pairs?: Map<string, { keyStart: number; value: OutlineNode }>;
  /** A sequence. */
  items?: OutlineNode[];
  /** An alias: the node its anchor marks. */
  alias?: OutlineNode;
}

export interface BlockYaml {
  data: Record<string, unknown>;
  root: OutlineNode;
  lineCounter: LineCounter;
}

interface Line {
  indent: number;
  /** Offset of the first character after the indentation. */
  start: number;
  /** The line from `start`, without its newline. */
  text: string;
}

/** Thrown inside the reader when the text leaves the shape; never escapes it. */
class NotBlockYaml extends Error {}

const bail = (): never => {
  throw new NotBlockYaml();
};

/** A key as config files write them; a key that YAML would read as a bool or null is left to `yaml`. */
const KEY = /^([A-Za-z_][A-Za-z0-9_-]*):(?: +|$)/;
const KEYWORD = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE|[Nn]ull|NULL|__proto__)$/;
/** The first character of a plain scalar we read as a string: no indicator, digit, sign or dot. */
const PLAIN_START = /^[\p{L}_/$]/u;
/** Characters that make a file something else than plain block YAML: tab, CR, other controls, BOM, line breaks. */
// eslint-disable-next-line no-control-regex
const UNUSUAL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

/**
 * Reads `text` if it has the common shape, else undefined. `maxAliasCount` is yaml's guard against alias bombs,
 * applied the same way: beyond it, the file is left to `yaml`, which reports it.
 */
export function readBlockYaml(text: string, maxAliasCount: number): BlockYaml | undefined {
  if (UNUSUAL.test(text)) return undefined;
  const lineCounter = new LineCounter();
  const lines: Line[] = [];
  for (let at = 0; at <= text.length;) {
    lineCounter.addNewLine(at);
    let end = text.indexOf('\n', at);
    if (end === -1) end = text.length;
    let content = at;
    while (content < end && text.charCodeAt(content) === 0x20) content++;
    const first = text[content];
    if (content < end && first !== '#') {
      const line = { indent: content - at, start: content, text: trimSpaces(text.slice(content, end)) };
      // Directives and document markers are `yaml`'s business.
      if (line.indent === 0 && (first === '%' || /^(?:---|\.\.\.)(?:\s|$)/.test(line.text))) return undefined;
      lines.push(line);
    }
    at = end + 1;
  }
  try {
    const reader = new Reader(lines, maxAliasCount);
    if (lines.length === 0 || lines[0]!.indent !== 0 || !KEY.test(lines[0]!.text)) return undefined;
    const { data, node } = reader.mapping(0);
    if (!reader.done()) return undefined;
    return { data: data as Record<string, unknown>, root: node, lineCounter };
  } catch (error) {
    if (error instanceof NotBlockYaml) return undefined;
    throw error;
  }
}

interface Read {
  data: unknown;
  node: OutlineNode;
}

/** What an anchor marks, and how yaml counts its uses (Alias.resolve in the `yaml` library). */
interface Anchor {
  read: Read;
  /** yaml's alias count of the node: 1 with any scalar in it, 0 for an empty collection (no aliases inside). */
  weight: number;
  uses: number;
}

const ANCHOR = /^&([A-Za-z0-9_-]+)(?: +|$)/;
const ALIAS = /^\*([A-Za-z0-9_-]+)/;

class Reader {
  #lines: Line[];
  #i = 0;
  #maxAliasCount: number;
  #anchors = new Map<string, Anchor>();
  #aliases = 0;

  constructor(lines: Line[], maxAliasCount: number) {
    this.#lines = lines;
    this.#maxAliasCount = maxAliasCount;
  }

  done(): boolean {
    return this.#i === this.#lines.length;
  }

  mapping(indent: number): Read {
    const data: Record<string, unknown> = {};
    const pairs = new Map<string, { keyStart: number; value: OutlineNode }>();
    const start = this.#lines[this.#i]!.start;
    for (let line = this.#lines[this.#i]; line?.indent === indent; line = this.#lines[this.#i]) {
      const match = KEY.exec(line.text);
      if (!match) return bail();
      const key = match[1]!;
      if (KEYWORD.test(key) || pairs.has(key)) bail();
      const value = this.#value(line.text.slice(match[0].length), line.start + match[0].length, indent, true);
      data[key] = value.data;
      pairs.set(key, { keyStart: line.start, value: value.node });
    }
    return { data, node: { start, pairs } };
  }

  sequence(indent: number): Read {
    const data: unknown[] = [];
    const items: OutlineNode[] = [];
    const start = this.#lines[this.#i]!.start;
    for (let line = this.#lines[this.#i]; line?.indent === indent && isItem(line.text); line = this.#lines[this.#i]) {
      const spaces = /^- +/.exec(line.text)?.[0].length ?? bail();
      const rest = line.text.slice(spaces);
      // An empty item, a comment after the dash, or a sequence in a sequence: rare, left to `yaml`.
      if (rest === '' || rest.startsWith('#') || isItem(rest)) bail();
      let item: Read;
      if (KEY.test(rest)) {
        // `- name: x`: the mapping starts after the dash, and its other keys line up with `name`.
        this.#lines[this.#i] = { indent: indent + spaces, start: line.start + spaces, text: rest };
        item = this.mapping(indent + spaces);
      } else {
        item = this.#value(rest, line.start + spaces, indent, false);
      }
      data.push(item.data);
      items.push(item.node);
    }
    return { data, node: { start, items } };
  }

  /** A value after its key or dash, at `offset`: marked by an anchor, an alias, on this line or the next ones. */
  #value(text: string, offset: number, indent: number, afterKey: boolean): Read {
    const anchor = ANCHOR.exec(text);
    if (anchor) {
      const rest = text.slice(anchor[0].length);
      const aliasesBefore = this.#aliases;
      const read = this.#value(rest, offset + anchor[0].length, indent, afterKey);
      // Empty values, `- &a key: x` and anchors over aliases are rare; their ranges and counts are yaml's to tell.
      if (read.node.start === undefined || (!afterKey && KEY.test(rest)) || this.#aliases !== aliasesBefore) bail();
      this.#anchors.set(anchor[1]!, { read, weight: weight(read.data), uses: 0 });
      return read;
    }
    const alias = ALIAS.exec(text);
    if (alias) {
      const target = this.#anchors.get(alias[1]!) ?? bail();
      target.uses++;
      this.#aliases++;
      if (target.uses * target.weight > this.#maxAliasCount || !isCommentOrEnd(text.slice(alias[0].length))) bail();
      this.#i++;
      const next = this.#lines[this.#i];
      if (next && next.indent > indent) bail();
      return { data: target.read.data, node: { start: offset, alias: target.read.node } };
    }
    if (text === '' || text.startsWith('#')) return afterKey ? this.#nested(indent) : bail();
    return this.#inline(text, offset, indent);
  }

  /** The value of `key:` with nothing after it: a block on the next lines, or empty. */
  #nested(indent: number): Read {
    this.#i++;
    const next = this.#lines[this.#i];
    if (next && next.indent > indent) {
      if (isItem(next.text)) return this.sequence(next.indent);
      if (KEY.test(next.text)) return this.mapping(next.indent);
      bail(); // a scalar on its own line: multi-line, or an error for `yaml` to describe
    }
    // A sequence may sit at its key's own indentation.
    if (next && next.indent === indent && isItem(next.text)) return this.sequence(indent);
    return { data: null, node: { start: undefined } };
  }

  /** A value on the same line as its key or dash, at `offset`; the next line must not continue it. */
  #inline(text: string, offset: number, indent: number): Read {
    this.#i++;
    const next = this.#lines[this.#i];
    if (next && next.indent > indent) bail();
    if (text.startsWith('[')) return flowSequence(text, offset);
    const { value, length } = scalar(text, false);
    if (!isCommentOrEnd(text.slice(length))) bail();
    return { data: value, node: { start: offset } };
  }
}

/** yaml's alias count of a node with no alias in it (getAliasCount): the most over its items, 1 for a scalar. */
function weight(data: unknown): number {
  if (Array.isArray(data)) return Math.max(0, ...data.map(weight));
  if (typeof data === 'object' && data !== null) return Math.max(0, ...Object.values(data).map(() => 1));
  return 1;
}

/** Trailing spaces off: YAML's white space is space and tab (no tab gets this far), not Unicode's. */
function trimSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x20) end--;
  return text.slice(0, end);
}

function isItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

/** What may follow a value on its line: nothing, or a comment after a space. */
function isCommentOrEnd(rest: string): boolean {
  return rest === '' || /^ +#/.test(rest);
}

/**
 * A scalar at the start of `text`: its value and how many characters it takes. Quoted without escapes, or plain
 * (up to a comment, or in a flow sequence up to `,` or `]`), resolved as YAML 1.2's core schema does.
 */
function scalar(text: string, inFlow: boolean): { value: unknown; length: number } {
  const quote = text[0];
  if (quote === '"' || quote === "'") {
    const close = text.indexOf(quote, 1);
    if (close === -1) bail();
    const value = text.slice(1, close);
    // Escapes (`\` in double quotes, `''` in single) are `yaml`'s business.
    if ((quote === '"' && value.includes('\\')) || text[close + 1] === quote) bail();
    return { value, length: close + 1 };
  }
  const end = inFlow ? /[,\]]| #/.exec(text) : / #/.exec(text);
  const plain = trimSpaces(end ? text.slice(0, end.index) : text);
  if (plain === '' || /: |:$/.test(plain) || (inFlow && /[[\]{},]/.test(plain))) bail();
  return { value: resolvePlain(plain), length: plain.length };
}

function resolvePlain(plain: string): unknown {
  if (/^(?:~|[Nn]ull|NULL)$/.test(plain)) return null;
  if (/^(?:[Tt]rue|TRUE)$/.test(plain)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(plain)) return false;
  // Small decimal integers; every other number form (signs, octal, hex, floats, big ones) goes to `yaml`.
  if (/^(?:0|[1-9][0-9]{0,14})$/.test(plain)) return Number(plain);
  if (!PLAIN_START.test(plain)) bail();
  return plain;
}

/** `[a, b, c]` on one line: scalars only. */
function flowSequence(text: string, offset: number): Read {
  const data: unknown[] = [];
  const items: OutlineNode[] = [];
  let at = 1;
  const skipSpaces = () => {
    while (text[at] === ' ') at++;
  };
  skipSpaces();
  while (text[at] !== ']') {
    const { value, length } = scalar(text.slice(at), true);
    data.push(value);
    items.push({ start: offset + at });
    at += length;
    skipSpaces();
    if (text[at] === ',') {
      at++;
      skipSpaces();
      if (text[at] === ']') bail(); // a trailing comma
    } else if (text[at] !== ']') {
      bail();
    }
  }
  if (!isCommentOrEnd(text.slice(at + 1))) bail();
  return { data, node: { start: offset, items } };
}
