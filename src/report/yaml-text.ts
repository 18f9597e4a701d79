// Writes a file of the config's shape as YAML text, line by line: scalars plain where an allow-list proves they
// read back as the same string, double-quoted everywhere else; comments that nothing inside can end early. Export
// used a `yaml` Document: a node per scalar, and its stringifier, were most of the time a large export took.

/**
 * A plain scalar in a block: it starts with a letter, `_` or `/` (never an indicator, digit, sign or dot, so never
 * a number); then `word` characters, single spaces only between words, `:` only before a word (`https://`), never
 * as `: ` or at the end, and `#` never after a space. The config loader's fast path (src/config/block-yaml.ts)
 * reads every one of these.
 */
function plainScalar(letter: string, word: string, flags: string): RegExp {
  return new RegExp(`^[${letter}_/](?:${word}|:(?=${word})|#| (?=${word}))*$`, flags);
}
/** ASCII punctuation that is never an indicator inside a scalar: not `:`, `#`, `,[]{}`, quotes, `\`, `|`, `>`, backtick. */
const PUNCTUATION = "_./@+=~%&!*?()$;'-";
let unicodePlain: RegExp | undefined;
/**
 * Any string: after the first character, letters, marks, digits, dashes, currency and other symbols (`–`, `€`, `✓`;
 * of ASCII, these classes hold only letters, digits, `-` and `$`). Built on first use: a pattern of Unicode classes
 * takes milliseconds to build, at every start of every command, and most exports are ASCII.
 */
const PLAIN = (): RegExp =>
  (unicodePlain ??= plainScalar('\\p{L}', `[\\p{L}\\p{M}\\p{N}\\p{Pd}\\p{Sc}\\p{So}${PUNCTUATION}]`, 'u'));
/** The same for ASCII text, which is nearly every string: the Unicode classes make a slow regular expression. */
const ASCII_PLAIN = plainScalar('A-Za-z', `[A-Za-z0-9${PUNCTUATION}]`, '');
const ASCII = /^[\x20-\x7e]*$/;
/** Inside `[ ]` and `{ }`: words without spaces or punctuation, such as event names and enforcement values. */
const FLOW_PLAIN = /^[\p{L}_/][\p{L}\p{M}\p{N}_./-]*$/u;
/** Read as null or a boolean by YAML 1.2 (any case here), or by YAML 1.1 tools that may read the file too. */
const KEYWORD = /^(?:null|true|false|yes|no|on|off|y|n)$/i;
/**
 * What JSON leaves unescaped but YAML may not hold raw in a double-quoted scalar: DEL and C1 controls, the
 * BOM, U+FFFE/U+FFFF; and U+2028/U+2029, which YAML 1.1 reads as line breaks.
 */
const NOT_PRINTABLE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;
/**
 * What would end a comment line, or that the fast path refuses anywhere in a file: line breaks and controls; and
 * a lone surrogate (the `u` flag matches only those), which UTF-8 cannot encode.
 */
// eslint-disable-next-line no-control-regex
const NOT_IN_COMMENT = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]/gu;

export type YamlScalar = string | number | boolean;
/** A field's value: a scalar; a list, written `[ a, b ]`; or a mapping under the key, each value a scalar or `{ … }`. */
export type YamlValue = YamlScalar | readonly YamlScalar[] | Readonly<Record<string, YamlScalar | YamlFlowMapping>>;
export type YamlFlowMapping = Readonly<Record<string, YamlScalar>>;

/** An entry of a list: a mapping, with lines of comment above it. */
export interface YamlEntry {
  comments: readonly string[];
  fields: Readonly<Record<string, YamlValue>>;
}

/** A header comment, then top-level settings, then lists of entries, in that order (the config's shape). */
export interface YamlFile {
  header: readonly string[];
  settings: Readonly<Record<string, YamlScalar>>;
  lists: Readonly<Record<string, readonly YamlEntry[]>>;
}

/**
 * The file as text, in the layout `yaml` gives it (a blank line after the header, items two spaces in from their
 * key, `key: []` for an empty list); keys are written as given, so they must be plain words.
 */
export function writeYaml(file: YamlFile): string {
  let out = '';
  for (const line of commentLines(file.header, '')) out += `${line}\n`;
  out += '\n';
  for (const key in file.settings) out += `${key}: ${scalar(file.settings[key]!)}\n`;
  for (const key in file.lists) {
    const entries = file.lists[key]!;
    if (entries.length === 0) {
      out += `${key}: []\n`;
      continue;
    }
    out += `${key}:\n`;
    for (const { comments, fields } of entries) {
      for (const line of commentLines(comments, '  ')) out += `${line}\n`;
      let lead = '  - ';
      for (const name in fields) {
        out += writeField(lead, name, fields[name]!);
        lead = '    ';
      }
    }
  }
  return out;
}

function writeField(lead: string, key: string, value: YamlValue): string {
  if (Array.isArray(value)) return `${lead}${key}: ${flowSequence(value as readonly YamlScalar[])}\n`;
  if (typeof value !== 'object') return `${lead}${key}: ${scalar(value)}\n`;
  const mapping = Object.entries(value as Record<string, YamlScalar | YamlFlowMapping>);
  if (mapping.length === 0) return `${lead}${key}: {}\n`;
  let out = `${lead}${key}:\n`;
  const indent = ' '.repeat(lead.length + 2);
  for (const [name, item] of mapping) {
    out += `${indent}${scalar(name)}: ${typeof item === 'object' ? flowMapping(item) : scalar(item)}\n`;
  }
  return out;
}

/** A scalar in block context: a mapping's value or key, or a sequence item. */
function scalar(value: YamlScalar): string {
  if (typeof value !== 'string') return String(value);
  const plain = ASCII.test(value) ? ASCII_PLAIN.test(value) : PLAIN().test(value);
  return plain && !KEYWORD.test(value) ? value : quoted(value);
}

/** A scalar inside a flow collection. */
function flowScalar(value: YamlScalar): string {
  if (typeof value !== 'string') return String(value);
  return FLOW_PLAIN.test(value) && !KEYWORD.test(value) ? value : quoted(value);
}

/** `[ a, b ]`, or `[]`. */
function flowSequence(values: readonly YamlScalar[]): string {
  return values.length === 0 ? '[]' : `[ ${values.map(flowScalar).join(', ')} ]`;
}

/** `{ key: value, ... }` on one line, or `{}`. */
function flowMapping(mapping: YamlFlowMapping): string {
  const entries = Object.entries(mapping);
  if (entries.length === 0) return '{}';
  return `{ ${entries.map(([key, value]) => `${flowScalar(key)}: ${flowScalar(value)}`).join(', ')} }`;
}

/**
 * A JSON string is a YAML double-quoted scalar: the same escapes (`\"`, `\\`, `\n`, `\t`, `\uXXXX`, and `\b`,
 * `\f`, which YAML has too). JSON escapes every C0 control and lone surrogate; the rest YAML needs is escaped here.
 */
function quoted(text: string): string {
  return JSON.stringify(text).replace(
    NOT_PRINTABLE,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** One `#` line per line of text, at `indent`; a control character or line break inside a line becomes a space. */
function commentLines(lines: readonly string[], indent: string): string[] {
  return lines.map((line) => `${indent}# ${line.replace(NOT_IN_COMMENT, ' ')}`);
}
