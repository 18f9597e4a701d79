// The fast reader of the common config shape against the `yaml` library: on every file it reads, the same data
// and the same location for every node (value and key); every file it declines is left to `yaml` whole. Checked
// over the fixtures, the examples, the benchmark's generated configs, hand-picked edge cases and random documents.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildLargeState } from '../../src/sim/seed.js';
import { readBlockYaml } from '../../src/config/block-yaml.js';
import { parseConfigText } from '../../src/config/load.js';
import { parseYamlDocument } from '../../src/config/parse.js';
import { locate, MAX_ALIAS_COUNT, type Path } from '../../src/config/source.js';
import { configFiles } from '../../scripts/bench/states.js';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/i.test(name) ? [path] : [];
  });
}

/** Every path into the data, and a missing key under each mapping (located at the nearest node). */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (Array.isArray(value)) {
    value.forEach((item, i) => paths.push(...pathsOf(item, [...prefix, i])));
    paths.push([...prefix, value.length]);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
    paths.push([...prefix, 'no-such-key', 0]);
  }
  return paths;
}

/** Whether the fast reader took `text`; when it did, it must agree with `yaml` in every respect. */
async function compare(text: string): Promise<boolean> {
  if (readBlockYaml(text, MAX_ALIAS_COUNT) === undefined) return false;
  const fast = await parseConfigText('f.yml', text);
  const full = parseYamlDocument('f.yml', text);
  expect(full.diagnostics, text).toEqual([]);
  expect(fast.diagnostics).toEqual([]);
  expect(fast.source!.data, text).toStrictEqual(full.source!.data);
  for (const path of pathsOf(full.source!.data)) {
    for (const part of ['value', 'key'] as const) {
      expect(locate(fast.source!, path, part), `${JSON.stringify(path)} ${part} in\n${text}`).toEqual(
        locate(full.source!, path, part),
      );
    }
  }
  return true;
}

describe('the fast reader of the common config shape', () => {
  it('reads the examples and the benchmark configs exactly as yaml does', async () => {
    // rollout.yml writes overrides as flow mappings (`{ enforcement: disabled }`), which are left to `yaml`.
    const examples = yamlFiles('examples').filter(
      (file) => !file.includes('workflows') && !file.endsWith('rollout.yml'),
    );
    const files = [...examples, ...yamlFiles('test/fixtures/config')];
    const taken: string[] = [];
    for (const file of files) if (await compare(readFileSync(file, 'utf8'))) taken.push(file);
    // The plain ones, at least: the examples and most fixtures.
    expect(taken).toEqual(expect.arrayContaining(examples));
    expect(taken.length).toBeGreaterThan(files.length / 2);
    const bench = configFiles(buildLargeState({ environments: 5, hooks: 40, webhooks: 8 }));
    // The webhooks file shares its event lists through anchors and aliases.
    expect(await Promise.all(bench.map((file) => compare(file.text)))).toEqual(bench.map(() => true));
  });

  it.each([
    ['anchors and aliases', 'a: &x [1]\nb: *x\nc: &y\n  - p\n  - q\nd:\n  - *y # again\n  - &z s\ne: *z\nf: *y\n'],
    ['an anchor used again after a new one of the same name', 'a: &x 1\nb: *x\nc: &x 2\nd: *x\n'],
    ['a sequence at its key’s indentation', 'hooks:\n- name: a\n  script: s.sh\n- name: b\n'],
    ['comments everywhere', '# head\nversion: 1 # one\nhooks: # list\n  # before\n  - name: a # x\n\n    script: b\n'],
    ['empty values and explicit nulls', 'version: 1\nprune:\nhooks: ~\nwebhooks: null\nenvironments:\n'],
    ['quoted scalars', `a: "x # y"\nb: 'it is'\nc: "1"\nd: ''\ne: "true"\n`],
    ['flow sequences', 'e: [user, "team", organization]\nf: []\ng: [ a , b ]\n'],
    ['odd but plain strings', 'a: a#b\nb: https://x.example/p?q=1#f\nc: ${SECRET}\nd: /abs/path\ne: Ünïcode\nf: x:y\n'],
    ['booleans and numbers', 'a: true\nb: False\nc: TRUE\nd: 0\ne: 42\nf: 123456789012345\n'],
    ['deeper indentation', 'a:\n      b:\n          - c: 1\n            d: [x]\nz: 2\n'],
    ['more spaces after a dash', 'a:\n  -   b: 1\n      c: 2\n  -    x\n'],
    ['no final newline', 'version: 1\nhooks:\n  - name: a'],
    ['trailing spaces', 'a: b   \nc:   \n  - d   \n'],
    ['a non-breaking space at the end of a value, which is no YAML white space', 'a: b\u00a0\n'],
  ])('%s: read, and exactly as yaml reads it', async (_, text) => {
    expect(await compare(text)).toBe(true);
  });

  it.each([
    ['an alias of an alias', 'a: &x [1]\nb: &y [*x]\n'],
    ['an alias before its anchor', 'a: *x\nb: &x 1\n'],
    [
      'an alias used more often than the limit allows',
      `a: &x [1]\n${Array.from({ length: 101 }, (_, i) => `b${i}: *x`).join('\n')}\n`,
    ],
    ['an anchor on an empty value', 'a: &x\nb: 1\n'],
    ['tags', 'a: !!str 1\n'],
    ['block scalars', 'a: |\n  text\n'],
    ['multi-line plain scalars', 'a: one\n  two\n'],
    ['escapes', "a: \"x\\ty\"\nb: 'it''s'\n"],
    ['flow mappings', 'a: {b: 1}\n'],
    ['duplicate keys', 'a: 1\na: 2\n'],
    ['tabs', 'a:\n\t- b\n'],
    ['CRLF', 'a: 1\r\nb: 2\r\n'],
    ['document markers', '---\na: 1\n'],
    ['other numbers', 'a: 1.5\n'],
    ['signed and octal numbers', 'a: -1\nb: 0o17\n'],
    ['a key yaml reads as a bool', 'true: 1\n'],
    ['an empty sequence item', 'a:\n  -\n  - b\n'],
    ['a top-level list', '- a\n'],
    ['an empty file', '# nothing\n'],
    ['bad indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['a colon and space inside a plain scalar', 'a: b: c\n'],
    ['a trailing comma in a flow sequence', 'a: [b, ]\n'],
    ['a sequence in a sequence', 'a:\n  - - b\n'],
  ])('%s: left to yaml', async (_, text) => {
    expect(readBlockYaml(text, MAX_ALIAS_COUNT)).toBeUndefined();
    // ...which then reads (or rejects) it as it always did.
    const parsed = await parseConfigText('f.yml', text);
    const full = parseYamlDocument('f.yml', text);
    expect(parsed.diagnostics).toEqual(full.diagnostics);
    expect(parsed.source?.data).toEqual(full.source?.data);
    expect(parsed.source === undefined ? undefined : 'offsetInDocument' in parsed.source.nodes).toBe(
      full.source === undefined ? undefined : true,
    );
  });

  it('agrees with yaml on documents a few characters away from the common shape', async () => {
    const bases = [
      'version: 1\nprune: false\nhooks:\n  - name: a # c\n    script: "s.sh"\n    events: [push, "pull", x]\n    e: &x [a, b]\n    f: *x\n',
      "a: 'q'\nb:\n- x\n- y: 1\n  z: [ 'a' , b ]\nc: ~\nd: 12\n",
    ];
    // Indicators, quotes, separators and line breaks inserted, deleted or replaced at random places.
    const alphabet = [
      ' ',
      '#',
      ':',
      '"',
      "'",
      '[',
      ']',
      ',',
      '&',
      '*',
      '-',
      'a',
      '\n',
      '1',
      '~',
      '!',
      '|',
      '{',
      '}',
      'é',
      '\\',
    ];
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let taken = 0;
    for (let i = 0; i < 4000; i++) {
      let text = bases[i % bases.length]!;
      for (let edit = Math.floor(random() * 3); edit >= 0; edit--) {
        const at = Math.floor(random() * text.length);
        const roll = random();
        const ch = alphabet[Math.floor(random() * alphabet.length)]!;
        const cut = roll < 0.5 ? 0 : 1;
        text = text.slice(0, at) + (roll < 0.8 && roll >= 0.5 ? '' : ch) + text.slice(at + cut);
      }
      if (await compare(text)) taken++;
    }
    // Enough of them still in the shape for the comparison to mean something.
    expect(taken).toBeGreaterThan(300);
  });

  it('agrees with yaml on random documents', async () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const scalars = [
      'plain',
      'two words',
      'true',
      'False',
      'null',
      '~',
      '',
      '0',
      '7',
      '007',
      '1.5',
      '-1',
      '+1',
      '.inf',
      'a: b',
      'a #b',
      'a#b',
      ' lead',
      'trail ',
      "it's",
      'say "hi"',
      '${VAR}',
      'https://h.example/x?y=1',
      'ü',
      'x:y',
      '[a]',
      '- a',
      '@at',
      '`tick`',
      '%pct',
      'yes',
      'on',
      '0x1F',
      '1e3',
      'back\\slash',
      'tab\there',
      true,
      false,
      null,
      0,
      12,
      3.5,
    ];
    const keys = ['name', 'script', 'events', 'a-b', 'x_1', 'prune', 'on', 'true', 'hooks'];
    // Collections used twice, which yaml writes as an anchor and aliases.
    const shared: unknown[] = [];
    const value = (depth: number): unknown => {
      const roll = random();
      if (depth > 2 || roll < 0.45) return pick(scalars);
      if (roll < 0.5 && shared.length > 0) return pick(shared);
      const collection =
        roll < 0.75
          ? Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1))
          : Object.fromEntries(
              Array.from({ length: 1 + Math.floor(random() * 4) }, () => [pick(keys), value(depth + 1)]),
            );
      shared.push(collection);
      return collection;
    };
    let taken = 0;
    let withAliases = 0;
    for (let i = 0; i < 1000; i++) {
      shared.length = 0;
      const data = Object.fromEntries(
        Array.from({ length: 1 + Math.floor(random() * 4) }, () => [pick(keys), value(0)]),
      );
      const text = stringify(data, {
        indent: pick([2, 3, 4]),
        indentSeq: random() < 0.5,
        flowCollectionPadding: random() < 0.5,
        defaultStringType: pick(['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE'] as const),
        defaultKeyType: 'PLAIN',
        lineWidth: 0,
        collectionStyle: random() < 0.2 ? 'flow' : 'any',
      });
      // Comments and blank lines in random places.
      const lines = text.split('\n').flatMap((line) => {
        const r = random();
        if (r < 0.1) return ['', line];
        if (r < 0.2) return ['  # note', line];
        if (r < 0.3 && line.trim() !== '' && !line.includes('#')) return [`${line} # end`];
        return [line];
      });
      const document = lines.join('\n');
      if (await compare(document)) {
        taken++;
        if (document.includes('*')) withAliases++;
      }
    }
    // Enough of them are in the common shape, aliases included, for the comparison to mean something.
    expect(taken).toBeGreaterThan(250);
    expect(withAliases).toBeGreaterThan(8);
  });
});
