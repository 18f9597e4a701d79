// YAML to data for one config file in any shape, through the `yaml` library, refusing hostile or odd input with a
// located error: syntax errors, tabs used for indentation, duplicate keys, unknown tags, runaway nesting and alias
// expansion, an empty file or a top level that is not a mapping. Loaded only for a file the block reader declines
// (load.ts), so that a config in the common shape never compiles the library.
import {
  CST,
  Lexer,
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Document,
  type Node,
  type YAMLError,
} from 'yaml';
import type { Diagnostic } from '../errors.js';
import { error, locationAt, MAX_ALIAS_COUNT, startOfFile, type Path, type SourceFile } from './source.js';
/** A desired state nests four levels deep; the limit only stops input built to exhaust the parser. */
export const MAX_FLOW_DEPTH = 64;

export interface ParseResult {
  /** Absent when the file cannot be read as data at all. */
  source?: SourceFile;
  diagnostics: Diagnostic[];
}

/**
 * The offset where `[`/`{` nesting first exceeds the limit, found by the lexer alone: the parser takes
 * seconds, and can run out of memory, on a few megabytes of brackets.
 */
function tooDeepAt(text: string): number | undefined {
  // Nesting can never exceed the number of opening brackets: most files have a few, and lexing a large one twice
  // costs as much as a third of its parse (and its garbage), so lex only when the limit is within reach.
  if (countBrackets(text) <= MAX_FLOW_DEPTH) return undefined;
  let depth = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '[' || token === '{') {
      depth++;
      if (depth > MAX_FLOW_DEPTH) return offset;
    } else if (token === ']' || token === '}') {
      depth--;
    }
    // Document, scalar and flow-error markers are the lexer's own, not source text.
    const type = CST.tokenType(token);
    if (type !== 'doc-mode' && type !== 'scalar' && type !== 'flow-error-end') offset += token.length;
  }
  return undefined;
}

/** `[` and `{` anywhere in the text, quoted or not: an upper bound on flow nesting. Stops once past the limit. */
function countBrackets(text: string): number {
  let count = 0;
  for (let at = 0; at < text.length && count <= MAX_FLOW_DEPTH; at++) {
    const code = text.charCodeAt(at);
    if (code === 0x5b || code === 0x7b) count++;
  }
  return count;
}

function leadingWhitespaceHasTab(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*\t/.test(text.slice(lineStart, Math.max(offset, lineStart + 1)));
}

/** The key of a duplicate, and where the first one was written. */
interface ParsedDocument {
  path: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

function describeDuplicate(source: ParsedDocument, offset: number): { key: string; firstLine?: number } {
  let found: { key: string; firstLine?: number } = { key: '' };
  visit(source.doc, {
    Map(_, map) {
      const index = map.items.findIndex((pair) => isScalar(pair.key) && pair.key.range?.[0] === offset);
      const duplicate = map.items[index];
      if (!duplicate || !isScalar(duplicate.key)) return undefined;
      const key = String(duplicate.key.value);
      const first = map.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === key);
      const firstOffset = isScalar(first?.key) ? first.key.range?.[0] : undefined;
      found = { key, firstLine: firstOffset === undefined ? undefined : source.lineCounter.linePos(firstOffset).line };
      return visit.BREAK;
    },
  });
  return found;
}

// yaml's messages can end by quoting the token they stopped at, which may be a literal secret.
function withoutQuotedSource(message: string): string {
  return message.replace(/: ".*"$/s, '');
}

function describeYamlError(err: YAMLError, source: ParsedDocument, text: string): Diagnostic {
  const location = locationAt(source.path, source.lineCounter, err.pos[0]);
  const tabHint = leadingWhitespaceHasTab(text, err.pos[0])
    ? 'YAML does not allow tabs for indentation; indent with spaces'
    : undefined;
  switch (err.code) {
    case 'TAB_AS_INDENT':
      return error('tabs are not allowed for indentation', location, 'indent with spaces');
    case 'DUPLICATE_KEY': {
      const { key, firstLine } = describeDuplicate(source, err.pos[0]);
      const first = firstLine === undefined ? '' : ` (first at line ${firstLine})`;
      return error(`duplicate key \`${key}\`${first}`, location, 'a key may appear once in a mapping; remove one');
    }
    case 'MULTIPLE_DOCS':
      return error(
        'the file holds more than one YAML document',
        location,
        'remove the `---` separator, or put each document in its own file of a config directory',
      );
    case 'TAG_RESOLVE_FAILED':
      return error(withoutQuotedSource(err.message), location, 'config values are plain YAML: no tags');
    default:
      if (/call stack/i.test(err.message)) return error('the YAML nests too deeply', location);
      return error(`YAML syntax error: ${withoutQuotedSource(err.message)}`, location, tabHint);
  }
}

function describeTopLevel(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

/** Any YAML, through the `yaml` library. */
export function parseYamlDocument(path: string, text: string): ParseResult {
  const deepAt = tooDeepAt(text);
  if (deepAt !== undefined) {
    return {
      diagnostics: [
        error(
          `brackets nest more than ${MAX_FLOW_DEPTH} levels deep`,
          locationAt(path, lineCounterFor(text), deepAt),
          'a desired state nests a few levels at most; this file is not one',
        ),
      ],
    };
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    stringKeys: true,
    uniqueKeys: true,
    // Timestamps, sets and binaries are not config values; left unresolved, they are reported below.
    resolveKnownTags: false,
    logLevel: 'error',
  });
  const parsed = { path, doc, lineCounter };
  const diagnostics = [...doc.errors, ...doc.warnings].map((err) => describeYamlError(err, parsed, text));
  // A duplicate key still leaves a complete document; any other error leaves data that cannot be trusted.
  if (doc.errors.some((err) => err.code !== 'DUPLICATE_KEY')) return { diagnostics };

  if (doc.contents === null) {
    diagnostics.push(
      error(
        'the file is empty',
        startOfFile(path),
        'a config file starts with `version: 1`, then environments, hooks or webhooks',
      ),
    );
    return { diagnostics };
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof RangeError) {
      diagnostics.push(error('the YAML nests too deeply', startOfFile(path)));
      return { diagnostics };
    }
    // yaml throws a ReferenceError when maxAliasCount is exceeded; anything else is a bug of ours.
    if (!(err instanceof ReferenceError)) throw err;
    let firstAlias = doc.contents.range[0];
    visit(doc, {
      Alias(_, alias) {
        firstAlias = alias.range?.[0] ?? firstAlias;
        return visit.BREAK;
      },
    });
    diagnostics.push(
      error(
        `YAML aliases expand to too many nodes (more than ${MAX_ALIAS_COUNT})`,
        locationAt(path, lineCounter, firstAlias),
        'this looks like an alias bomb; write the entries out instead',
      ),
    );
    return { diagnostics };
  }

  if (!isMap(doc.contents) || typeof data !== 'object' || data === null || Array.isArray(data)) {
    diagnostics.push(
      error(
        `the top level must be a mapping (version, prune, environments, hooks, webhooks), not ${describeTopLevel(data)}`,
        locationAt(path, lineCounter, doc.contents.range[0]),
      ),
    );
    return { diagnostics };
  }
  const offsetInDocument = (at: Path, part: 'value' | 'key') => offsetIn(doc, at, part);
  return {
    source: {
      path,
      nodes: { offsetInDocument },
      lineCounter,
      mayReference: true,
      data: data as Record<string, unknown>,
    },
    diagnostics,
  };
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
 * Where `path` is written in `doc` (locate() in source.ts). `part: 'key'` points at the key of the last step (for an
 * unknown key). A step that does not exist (a missing required key) leaves the offset at the nearest existing node.
 * Aliases are followed on the way down, but an alias at the end is located where it is used.
 */
function offsetIn(doc: Document.Parsed, path: Path, part: 'value' | 'key'): number {
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
  return offset;
}

function lineCounterFor(text: string): LineCounter {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lineCounter.addNewLine(at + 1);
  return lineCounter;
}
