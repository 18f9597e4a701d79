// action.yml and the README's Action section are one contract: every input and output is in the README's tables
// with the same required flag and default, nothing extra is listed, and each has a description in action.yml.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './harness.js';

interface ActionYml {
  inputs: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description?: string }>;
  runs: { using: string; main: string };
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYml;
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('<!-- action:start -->'), readme.indexOf('<!-- action:end -->'));

/** The rows of the first table after `heading`, cells trimmed, header and separator dropped. */
function table(heading: string): string[][] {
  const start = section.indexOf(`\n${heading}\n`);
  expect(start, `README has no "${heading}"`).toBeGreaterThan(-1);
  const lines = section.slice(start + heading.length + 2).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
  }
  return rows.slice(2);
}

/** `` `x` `` → x; `` `""` `` → the empty string, as action.yml writes `default: ''`. */
const unquote = (cell: string) => {
  const text = cell.replace(/^`(.*)`$/, '$1');
  return text === '""' ? '' : text;
};

describe('README ↔ action.yml', () => {
  it('the section exists between its markers', () => {
    expect(section.length).toBeGreaterThan(100);
    expect(section).toContain('## GitHub Action');
  });

  it('lists every input once, with the same required flag and default, and nothing else', () => {
    const rows = table('### Inputs');
    const listed = rows.map(([name, required, defaultValue]) => ({
      name: unquote(name!),
      required: required === 'yes',
      default: defaultValue === '—' ? undefined : unquote(defaultValue!),
    }));
    const declared = Object.entries(action.inputs).map(([name, input]) => ({
      name,
      required: input.required === true,
      default: input.default,
    }));
    expect(listed).toEqual(declared);
    for (const [, required] of rows) expect(['yes', 'no']).toContain(required);
  });

  it('lists every output once, and nothing else', () => {
    expect(table('### Outputs').map(([name]) => unquote(name!))).toEqual(Object.keys(action.outputs));
  });

  it('describes every input and output in action.yml', () => {
    for (const [name, item] of [...Object.entries(action.inputs), ...Object.entries(action.outputs)]) {
      expect(item.description?.trim(), name).toBeTruthy();
    }
  });

  it('runs the committed bundle on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });
});
