// The shape nearly every config file has, read without the general YAML parser: block mappings and sequences of
// plain or simply quoted scalars, one per line, and anchors on values that aliases repeat. The `yaml` library
// builds a node per scalar and per pair, with source tokens and ranges, and reads a 3,600-entry config at about
// 1 MB/s in a fresh process; this reads it ten times as fast, over offsets into the text (no string per line, a
// scalar's node is its offset), so that a fresh process allocates little. Anything outside that shape (tags, block
// scalars, multi-line scalars, escapes, flow mappings, aliases of aliases, duplicate keys, tabs, CR, odd numbers)
// returns undefined, and the file goes through `yaml` exactly as before, so every diagnostic comes from there. For a
// file it reads, the data and the offset of every node are those `yaml` gives (test/config/block-yaml.test.ts).

/**
 * Where a node of the data is written: what `locate` needs, and no more. A scalar is its offset alone; an empty
 * value (`key:` and nothing after) is undefined, and located by its key.
 */
export type OutlineNode = number | undefined | OutlineMapping | OutlineSequence | OutlineAlias;

export interface OutlineMapping {
  start: number;
  /** The keys in document order, each with the offset of the key and the value's node at the same index. */
  keys: string[];
  keyStarts: number[];
  values: OutlineNode[];
}

export interface OutlineSequence {
  start: number;
  items: OutlineNode[];
}

/** An alias: where it is used, and the node its anchor marks. */
export interface OutlineAlias {
  start: number;
  alias: OutlineNode;
}

/** Where a node starts; undefined for an empty value. */
export function startOf(node: OutlineNode): number | undefined {
  return typeof node === 'object' ? node.start : node;
}

export interface BlockYaml {
  data: Record<string, unknown>;
  root: OutlineMapping;
  lineCounter: LineStarts;
}

/** Where each line of a text starts, and an offset's line and column as yaml's LineCounter gives them (from 1). */
export class LineStarts {
  readonly lineStarts: number[] = [];

  linePos(offset: number): { line: number; col: number } {
    const starts = this.lineStarts;
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (starts[mid]! < offset) low = mid + 1;
      else high = mid;
    }
    if (starts[low] === offset) return { line: low + 1, col: 1 };
    if (low === 0) return { line: 0, col: offset };
    return { line: low, col: offset - starts[low - 1]! + 1 };
  }
}

/** Thrown inside the reader when the text leaves the shape; never escapes it. */
class NotBlockYaml extends Error {}

const bail = (): never => {
  throw new NotBlockYaml();
};

const SPACE = 0x20;
const HASH = 0x23;
const DASH = 0x2d;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const AMPERSAND = 0x26;
const ASTERISK = 0x2a;

/** A key that YAML would read as a bool or null is left to `yaml`, and so is one that would set a prototype. */
const KEYWORD = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE|[Nn]ull|NULL|__proto__)$/;
const NULL = /^(?:~|[Nn]ull|NULL)$/;
const TRUE = /^(?:[Tt]rue|TRUE)$/;
const FALSE = /^(?:[Ff]alse|FALSE)$/;
/** Small decimal integers; every other number form (signs, octal, hex, floats, big ones) goes to `yaml`. */
const INTEGER = /^(?:0|[1-9][0-9]{0,14})$/;
/** Beyond ASCII, the first character of a plain scalar we read as a string must be a letter. */
const LETTER = /^\p{L}/u;
/**
 * A plain scalar outside flow, from its first character (sticky, so `test` only moves `lastIndex`: native speed
 * in a fresh process, where a loop over the characters runs in the interpreter). It takes any character but a line
 * break, a colon only before a character that is no space, and spaces only before a character that starts no
 * comment: it stops at the end of the value on its line, before ` #`, or at a colon that ends a key.
 */
const PLAIN = /(?:[^\n :]|:(?=[^\n ])| +(?=[^\n #]))*/y;
/** The body of a quoted scalar up to its closing quote, a backslash (double quotes) or the end of the line. */
const DOUBLE_QUOTED = /[^\n"\\]*/y;
const SINGLE_QUOTED = /[^\n']*/y;
/** A key as config files write them, and its colon: `name:` before a space or the end of the line. */
const KEY = /[A-Za-z_][A-Za-z0-9_-]*:(?=[\n ]|$)/y;
const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?:\s|$)/;
/** Characters that make a file something else than plain block YAML: tab, CR, other controls, BOM, line breaks. */
// eslint-disable-next-line no-control-regex
const UNUSUAL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

const isLetter = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
/** The characters of a key after its first, and of an anchor's name. */
const isNameChar = (c: number): boolean => isLetter(c) || isDigit(c) || c === 0x5f || c === DASH;

/**
 * Reads `text` if it has the common shape, else undefined. `maxAliasCount` is yaml's guard against alias bombs,
 * applied the same way: beyond it, the file is left to `yaml`, which reports it.
 */
export function readBlockYaml(text: string, maxAliasCount: number): BlockYaml | undefined {
  if (UNUSUAL.test(text)) return undefined;
  const lineCounter = new LineStarts();
  const lineStarts = lineCounter.lineStarts;
  const lines: Lines = { indent: [], start: [], end: [] };
  for (let at = 0; at <= text.length;) {
    lineStarts.push(at);
    let end = text.indexOf('\n', at);
    if (end === -1) end = text.length;
    let content = at;
    while (content < end && text.charCodeAt(content) === SPACE) content++;
    if (content < end && text.charCodeAt(content) !== HASH) {
      let last = end;
      while (text.charCodeAt(last - 1) === SPACE) last--;
      // Directives and document markers are `yaml`'s business.
      const first = text.charCodeAt(content);
      if (content === at && (first === 0x25 || DOCUMENT_MARKER.test(text.slice(content, content + 4)))) {
        return undefined;
      }
      lines.indent.push(content - at);
      lines.start.push(content);
      lines.end.push(last);
    }
    at = end + 1;
  }
  if (lines.start.length === 0 || lines.indent[0] !== 0) return undefined;
  const reader = new Reader(text, lines, maxAliasCount);
  try {
    if (keyEnd(text, lines.start[0]!, lines.end[0]!) < 0) return undefined;
    const root = reader.mapping(0);
    if (!reader.done()) return undefined;
    return { data: reader.data as Record<string, unknown>, root, lineCounter };
  } catch (error) {
    if (error instanceof NotBlockYaml) return undefined;
    throw error;
  }
}

/**
 * The lines that hold something, as three columns: the indentation, the offset of the first character after it,
 * and the offset after the last character that is not a trailing space.
 */
interface Lines {
  indent: number[];
  start: number[];
  end: number[];
}

/** What an anchor marks, and how yaml counts its uses (Alias.resolve in the `yaml` library). */
interface Anchor {
  data: unknown;
  node: OutlineNode;
  /** yaml's alias count of the node: 1 with any scalar in it, 0 for an empty collection (no aliases inside). */
  weight: number;
  uses: number;
}

/** The offset of the colon of a key as config files write them (`name:`, then spaces or the end), else -1. */
function keyEnd(text: string, from: number, to: number): number {
  KEY.lastIndex = from;
  return KEY.test(text) && KEY.lastIndex <= to ? KEY.lastIndex - 1 : -1;
}

/** The first offset from `at` on that is not a space, at most `to`. */
function skipSpaces(text: string, at: number, to: number): number {
  while (at < to && text.charCodeAt(at) === SPACE) at++;
  return at;
}

/** `-` alone, or `- ` and more: a sequence item. */
function isItem(text: string, from: number, to: number): boolean {
  return text.charCodeAt(from) === DASH && (from + 1 === to || text.charCodeAt(from + 1) === SPACE);
}

/** What may follow a value on its line: nothing, or a comment after a space. */
function isCommentOrEnd(text: string, at: number, to: number): boolean {
  if (at === to) return true;
  if (text.charCodeAt(at) !== SPACE) return false;
  const next = skipSpaces(text, at, to);
  return next < to && text.charCodeAt(next) === HASH;
}

/**
 * Reads values line by line. Each reading method returns the node it read and leaves the value in `data`, so
 * that a scalar costs its string and nothing else.
 */
class Reader {
  readonly #text: string;
  readonly #indent: number[];
  readonly #start: number[];
  readonly #end: number[];
  #i = 0;
  readonly #maxAliasCount: number;
  readonly #anchors = new Map<string, Anchor>();
  #aliases = 0;
  /** The value of the node read last. */
  data: unknown = null;

  constructor(text: string, lines: Lines, maxAliasCount: number) {
    this.#text = text;
    this.#indent = lines.indent;
    this.#start = lines.start;
    this.#end = lines.end;
    this.#maxAliasCount = maxAliasCount;
  }

  done(): boolean {
    return this.#i === this.#start.length;
  }

  /** Whether line `i` exists and is indented exactly `indent`. */
  #at(i: number, indent: number): boolean {
    return i < this.#start.length && this.#indent[i] === indent;
  }

  mapping(indent: number): OutlineMapping {
    const text = this.#text;
    const data: Record<string, unknown> = {};
    const node: OutlineMapping = { start: this.#start[this.#i]!, keys: [], keyStarts: [], values: [] };
    while (this.#at(this.#i, indent)) {
      const start = this.#start[this.#i]!;
      const end = this.#end[this.#i]!;
      const colon = keyEnd(text, start, end);
      if (colon < 0) bail();
      const key = text.slice(start, colon);
      if (KEYWORD.test(key) || Object.hasOwn(data, key)) bail();
      const value = this.#value(skipSpaces(text, colon + 1, end), end, indent, true);
      data[key] = this.data;
      node.keys.push(key);
      node.keyStarts.push(start);
      node.values.push(value);
    }
    this.data = data;
    return node;
  }

  sequence(indent: number): OutlineSequence {
    const text = this.#text;
    const data: unknown[] = [];
    const node: OutlineSequence = { start: this.#start[this.#i]!, items: [] };
    while (this.#at(this.#i, indent) && isItem(text, this.#start[this.#i]!, this.#end[this.#i]!)) {
      const start = this.#start[this.#i]!;
      const end = this.#end[this.#i]!;
      const rest = skipSpaces(text, start + 1, end);
      // `-` alone, an empty item, a comment after the dash, or a sequence in a sequence: rare, left to `yaml`.
      if (rest === start + 1 || rest === end || text.charCodeAt(rest) === HASH || isItem(text, rest, end)) bail();
      if (keyEnd(text, rest, end) >= 0) {
        // `- name: x`: the mapping starts after the dash, and its other keys line up with `name`.
        const spaces = rest - start;
        this.#indent[this.#i] = indent + spaces;
        this.#start[this.#i] = rest;
        node.items.push(this.mapping(indent + spaces));
      } else {
        node.items.push(this.#value(rest, end, indent, false));
      }
      data.push(this.data);
    }
    this.data = data;
    return node;
  }

  /** A value from `from` to the end of its line `to`, after its key or dash: an anchor, an alias, or a value. */
  #value(from: number, to: number, indent: number, afterKey: boolean): OutlineNode {
    const text = this.#text;
    const first = text.charCodeAt(from);
    if (from < to && (first === AMPERSAND || first === ASTERISK)) {
      let nameEnd = from + 1;
      while (nameEnd < to && isNameChar(text.charCodeAt(nameEnd))) nameEnd++;
      // No name: a plain scalar that starts with an indicator, which `yaml` refuses.
      if (nameEnd === from + 1) bail();
      const name = text.slice(from + 1, nameEnd);
      return first === AMPERSAND
        ? this.#anchored(name, nameEnd, to, indent, afterKey)
        : this.#alias(name, from, nameEnd, to, indent);
    }
    if (from === to || first === HASH) return afterKey ? this.#nested(indent) : bail();
    return this.#inline(from, to, indent);
  }

  /** `&name value`: the value, remembered under the name. */
  #anchored(name: string, nameEnd: number, to: number, indent: number, afterKey: boolean): OutlineNode {
    const text = this.#text;
    if (nameEnd < to && text.charCodeAt(nameEnd) !== SPACE) bail();
    const rest = skipSpaces(text, nameEnd, to);
    const aliasesBefore = this.#aliases;
    const node = this.#value(rest, to, indent, afterKey);
    // Empty values, `- &a key: x` and anchors over aliases are rare; their ranges and counts are yaml's to tell.
    if (startOf(node) === undefined || (!afterKey && keyEnd(text, rest, to) >= 0) || this.#aliases !== aliasesBefore) {
      bail();
    }
    this.#anchors.set(name, { data: this.data, node, weight: weight(this.data), uses: 0 });
    return node;
  }

  /** `*name`: what the anchor marks, counted as yaml counts it. */
  #alias(name: string, from: number, nameEnd: number, to: number, indent: number): OutlineNode {
    const target = this.#anchors.get(name) ?? bail();
    target.uses++;
    this.#aliases++;
    if (target.uses * target.weight > this.#maxAliasCount || !isCommentOrEnd(this.#text, nameEnd, to)) bail();
    this.#i++;
    if (this.#i < this.#start.length && this.#indent[this.#i]! > indent) bail();
    this.data = target.data;
    return { start: from, alias: target.node };
  }

  /** The value of `key:` with nothing after it: a block on the next lines, or empty. */
  #nested(indent: number): OutlineNode {
    const text = this.#text;
    const i = ++this.#i;
    if (i < this.#start.length) {
      const nextIndent = this.#indent[i]!;
      const start = this.#start[i]!;
      const end = this.#end[i]!;
      if (nextIndent > indent) {
        if (isItem(text, start, end)) return this.sequence(nextIndent);
        if (keyEnd(text, start, end) >= 0) return this.mapping(nextIndent);
        bail(); // a scalar on its own line: multi-line, or an error for `yaml` to describe
      }
      // A sequence may sit at its key's own indentation.
      if (nextIndent === indent && isItem(text, start, end)) return this.sequence(indent);
    }
    this.data = null;
    return undefined;
  }

  /** A value on the same line as its key or dash; the next line must not continue it. */
  #inline(from: number, to: number, indent: number): OutlineNode {
    this.#i++;
    if (this.#i < this.#start.length && this.#indent[this.#i]! > indent) bail();
    if (this.#text.charCodeAt(from) === OPEN_BRACKET) return this.#flowSequence(from, to);
    if (!isCommentOrEnd(this.#text, this.#scalar(from, to, false), to)) bail();
    return from;
  }

  /**
   * A scalar from `from`: leaves its value in `data` and returns the offset after it. Quoted without escapes, or
   * plain (up to a comment, or in a flow sequence up to `,` or `]`), resolved as YAML 1.2's core schema does.
   */
  #scalar(from: number, to: number, inFlow: boolean): number {
    const text = this.#text;
    const quote = text.charCodeAt(from);
    if (quote === DOUBLE_QUOTE || quote === SINGLE_QUOTE) {
      // Escapes (`\` in double quotes, `''` in single) are `yaml`'s business.
      const body = quote === DOUBLE_QUOTE ? DOUBLE_QUOTED : SINGLE_QUOTED;
      body.lastIndex = from + 1;
      body.test(text);
      const close = body.lastIndex;
      if (close >= to || text.charCodeAt(close) !== quote) bail();
      if (close + 1 < to && text.charCodeAt(close + 1) === quote) bail();
      this.data = text.slice(from + 1, close);
      return close + 1;
    }
    if (inFlow) return this.#flowPlain(from, to);
    PLAIN.lastIndex = from;
    PLAIN.test(text);
    const stop = PLAIN.lastIndex;
    // PLAIN stops before a comment, at the end of the line, or at a colon that would make this a key.
    if (stop === from || (stop < to && text.charCodeAt(stop) === COLON)) bail();
    this.data = resolvePlain(text.slice(from, stop));
    return stop;
  }

  /** A plain scalar in a flow sequence: up to `,`, `]` or a comment. */
  #flowPlain(from: number, to: number): number {
    const text = this.#text;
    let stop = from;
    for (; stop < to; stop++) {
      const c = text.charCodeAt(stop);
      if (c === SPACE && stop + 1 < to && text.charCodeAt(stop + 1) === HASH) break;
      if (c === COMMA || c === CLOSE_BRACKET) break;
    }
    while (stop > from && text.charCodeAt(stop - 1) === SPACE) stop--;
    if (stop === from) bail();
    for (let at = from; at < stop; at++) {
      const c = text.charCodeAt(at);
      if (c === COLON && (at + 1 === stop || text.charCodeAt(at + 1) === SPACE)) bail();
      if (c === OPEN_BRACKET || c === CLOSE_BRACKET || c === 0x7b || c === 0x7d || c === COMMA) bail();
    }
    this.data = resolvePlain(text.slice(from, stop));
    return stop;
  }

  /** `[a, b, c]` on one line: scalars only. */
  #flowSequence(from: number, to: number): OutlineSequence {
    const text = this.#text;
    const data: unknown[] = [];
    const node: OutlineSequence = { start: from, items: [] };
    let at = skipSpaces(text, from + 1, to);
    while (at < to && text.charCodeAt(at) !== CLOSE_BRACKET) {
      node.items.push(at);
      at = skipSpaces(text, this.#scalar(at, to, true), to);
      data.push(this.data);
      if (at < to && text.charCodeAt(at) === COMMA) {
        at = skipSpaces(text, at + 1, to);
        if (at < to && text.charCodeAt(at) === CLOSE_BRACKET) bail(); // a trailing comma
      } else if (at === to || text.charCodeAt(at) !== CLOSE_BRACKET) {
        bail();
      }
    }
    if (at === to || !isCommentOrEnd(text, at + 1, to)) bail();
    this.data = data;
    return node;
  }
}

/** yaml's alias count of a node with no alias in it (getAliasCount): the most over its items, 1 for a scalar. */
function weight(data: unknown): number {
  if (Array.isArray(data)) return Math.max(0, ...data.map(weight));
  if (typeof data === 'object' && data !== null) return Math.max(0, ...Object.values(data).map(() => 1));
  return 1;
}

/** A plain scalar as YAML 1.2's core schema reads it; any other form than ours leaves the file to `yaml`. */
function resolvePlain(plain: string): unknown {
  const first = plain.charCodeAt(0);
  if (isDigit(first)) return INTEGER.test(plain) ? Number(plain) : bail();
  if (first === 0x7e || first === 0x6e || first === 0x4e) {
    if (NULL.test(plain)) return null;
  } else if (first === 0x74 || first === 0x54) {
    if (TRUE.test(plain)) return true;
  } else if (first === 0x66 || first === 0x46) {
    if (FALSE.test(plain)) return false;
  }
  // A string starts with no indicator, digit, sign or dot: a letter, `_`, `/` or `$`.
  if (isLetter(first) || first === 0x5f || first === 0x2f || first === 0x24) return plain;
  return first >= 0x80 && LETTER.test(plain) ? plain : bail();
}
