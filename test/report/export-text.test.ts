// The export's YAML text, written line by line, against `yaml`'s own writer over the same file (the way export
// wrote it before): for random live states full of strings that YAML reads as something else, the text reads back
// to the same data and comments, through `yaml` and through the config loader, and plans to nothing.
import { describe, expect, it } from 'vitest';
import schema from '../../schemas/ghes-gitops.schema.json' with { type: 'json' };
import { Document, isMap, isSeq, parse, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import { readBlockYaml } from '../../src/config/block-yaml.js';
import { loadDesiredStateFromTexts } from '../../src/config/load.js';
import { MAX_ALIAS_COUNT } from '../../src/config/source.js';
import type { ObservedState } from '../../src/github/types.js';
import { createPlan } from '../../src/plan/plan.js';
import { exportedFile, exportWarnings, renderExport } from '../../src/report/export.js';
import { writeYaml, type YamlFile } from '../../src/report/yaml-text.js';
import { observedState } from '../plan/state.js';
import { HOSTILE_STRINGS, ODD_STRINGS, oddState } from './odd-states.js';

const SEEDS = Array.from({ length: 80 }, (_, i) => 7 + i * 7919);
const LISTS = ['environments', 'hooks', 'webhooks'] as const;

/** The file as export wrote it before this writer: a `yaml` Document, lists and organizations' values in flow. */
function writtenByYaml(file: YamlFile): string {
  const lists = Object.entries(file.lists).map(([key, entries]) => [key, entries.map((entry) => entry.fields)]);
  const doc = new Document({ ...file.settings, ...Object.fromEntries(lists) });
  doc.commentBefore = file.header.map((line) => ` ${line}`).join('\n');
  for (const [key, entries] of Object.entries(file.lists)) {
    const items = (doc.get(key) as YAMLSeq<YAMLMap>).items;
    entries.forEach((entry, i) => {
      for (const pair of items[i]!.items) {
        if (isSeq(pair.value)) pair.value.flow = true;
        if (isMap(pair.value)) for (const inner of pair.value.items) if (isMap(inner.value)) inner.value.flow = true;
      }
      if (entry.comments.length > 0) items[i]!.commentBefore = entry.comments.map((line) => ` ${line}`).join('\n');
    });
  }
  return doc.toString({ lineWidth: 0 });
}

/** The comment above each entry, and the header, as `yaml` reads them back. */
function comments(text: string): unknown {
  const doc = parseDocument(text);
  expect(doc.errors).toEqual([]);
  const lists = LISTS.map((key) => {
    const list = doc.get(key);
    return isSeq(list) ? list.items.map((item) => (item as YAMLMap).commentBefore) : [];
  });
  return { header: doc.commentBefore, lists };
}

function expectReadsBackAsYamlWrote(observed: ObservedState): string {
  const text = renderExport(observed);
  const reference = writtenByYaml(exportedFile(observed));
  expect(parse(text)).toEqual(parse(reference));
  expect(comments(text)).toEqual(comments(reference));
  // The fast path, where it reads the file at all, reads what `yaml` reads.
  const fast = readBlockYaml(text, MAX_ALIAS_COUNT);
  if (fast) expect(fast.data).toEqual(parse(text));
  return text;
}

describe('the exported text', () => {
  it.each(SEEDS)('reads back as `yaml` wrote it, and loads, whatever the strings (seed %i)', async (seed) => {
    const observed = oddState(seed, 'any');
    const text = expectReadsBackAsYamlWrote(observed);
    // Nothing YAML may not hold raw: controls, C1, BOM, non-characters, lone surrogates, line separators.
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/);
    expect(text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    // Export never writes what the tool itself refuses: what no config can declare is left out instead.
    const desired = await loadDesiredStateFromTexts([{ path: 'exported.yml', text }], { env: {} });
    createPlan(desired, observed, { syncSecrets: false });
  });

  it.each(SEEDS)('loads as a config that plans to nothing but the downloads it names (seed %i)', async (seed) => {
    const observed = oddState(seed, 'valid');
    const text = expectReadsBackAsYamlWrote(observed);
    const desired = await loadDesiredStateFromTexts([{ path: 'exported.yml', text }], { env: {} });
    const plan = createPlan(desired, observed, { syncSecrets: false });
    const downloads = observed.environments
      .filter((env) => !env.default_environment && env.download.state !== 'success')
      .map((env) => `environment:download:${env.name}`)
      .sort();
    expect(plan.operations.map((op) => op.id).sort()).toEqual(downloads);
    expect(plan.unmanaged).toEqual([]);
  });

  it.each(SEEDS)(
    'leaves out what no config can declare, and no plan of it deletes that, prune on or off (seed %i)',
    async (seed) => {
      const observed = oddState(seed, 'names');
      const text = expectReadsBackAsYamlWrote(observed);
      // Worked out from the schema's own patterns, apart from the code under test.
      const { environment, hook, webhook } = schema.definitions;
      const fits = (pattern: string, value: string) => new RegExp(pattern, 'u').test(value);
      const leftOut = new Set([
        ...observed.environments
          .filter((env) => !env.default_environment)
          .filter(
            (env) =>
              !fits(environment.properties.name.pattern, env.name) ||
              !fits(environment.properties.image_url.pattern, env.image_url),
          )
          .map((env) => `environment:${env.id}`),
        ...observed.hooks
          .filter(
            (live) =>
              !fits(hook.properties.name.pattern, live.name) ||
              !fits(hook.properties.script.pattern, live.script) ||
              !fits(hook.properties.script_repository.pattern, live.script_repository) ||
              (!live.environment.default_environment &&
                !fits(hook.properties.environment.pattern, live.environment.name)),
          )
          .map((live) => `hook:${live.id}`),
        ...observed.webhooks
          .filter((live) => !fits(webhook.properties.url.pattern, live.url.trim()))
          .map((live) => `webhook:${live.id}`),
      ]);
      const downloads = observed.environments
        .filter((env) => !env.default_environment && env.download.state !== 'success')
        .filter((env) => !leftOut.has(`environment:${env.id}`))
        .map((env) => `environment:download:${env.name}`)
        .sort();
      for (const prune of ['false', 'true']) {
        const file = text.replace('\nprune: false\n', `\nprune: ${prune}\n`);
        const desired = await loadDesiredStateFromTexts([{ path: 'exported.yml', text: file }], { env: {} });
        const plan = createPlan(desired, observed, { syncSecrets: false });
        expect(plan.operations.map((op) => op.id).sort()).toEqual(downloads);
        expect(plan.unmanaged.map((object) => `${object.kind}:${object.id}`).sort()).toEqual([...leftOut].sort());
      }
      expect(exportWarnings(observed).filter((warning) => warning.includes(' is left out of the file: '))).toHaveLength(
        leftOut.size,
      );
    },
  );

  it('writes each odd string so that it reads back as itself, quoting only where it must', () => {
    // The writer itself: export leaves out the objects whose names a config cannot hold, but writes any string.
    const file = (name: string): YamlFile => ({
      header: [],
      settings: {},
      lists: { environments: [{ comments: [], fields: { name, image_url: name } }] },
    });
    for (const name of [...ODD_STRINGS, ...HOSTILE_STRINGS]) {
      const data = parse(writeYaml(file(name))) as { environments: { name: unknown; image_url: unknown }[] };
      expect(data.environments[0], JSON.stringify(name)).toEqual({ name, image_url: name });
    }
    const written = (name: string) => /^ {2}- name: (.*)$/m.exec(writeYaml(file(name)))![1];
    expect(['DevTools Hook Env', 'Ümlaut – ünïcode ✓', 'a#b', 'https://h.example.com/p?q=1&r=#f'].map(written)).toEqual(
      ['DevTools Hook Env', 'Ümlaut – ünïcode ✓', 'a#b', 'https://h.example.com/p?q=1&r=#f'],
    );
    expect(['yes', 'null', '0x1F', '- x', 'a: b', 'a #b', '', 'trailing '].map(written)).toEqual([
      '"yes"',
      '"null"',
      '"0x1F"',
      '"- x"',
      '"a: b"',
      '"a #b"',
      '""',
      '"trailing "',
    ]);
    expect(written('u\u2028\u0085\u007f\ufeff')).toBe('"u\\u2028\\u0085\\u007f\\ufeff"');
  });

  it('takes the config loader’s fast path for the common shape, quoted names included', () => {
    const names = ['hook-00001', 'yes', '123', 'null', '0x1F', '- looks like a list', 'a: b', 'Ümlaut ✓', ''];
    const observed = observedState({
      environments: names.map((name, i) => ({
        id: i + 2,
        name: `env ${name}`,
        image_url: `https://x.example.com/${i}`,
      })),
      hooks: names.map((name, i) => ({ id: i + 1, name, script: `hooks/${i}.sh`, script_repository: 'org/hooks' })),
      webhooks: [{ id: 1, url: 'https://hooks.example.com/r/1', events: ['user', 'organization'], has_secret: true }],
    });
    const text = renderExport(observed);
    expect(readBlockYaml(text, MAX_ALIAS_COUNT)?.data).toEqual(parse(text));
  });

  it('keeps a download message’s line breaks and controls out of its comment', () => {
    const message = 'disk\r\nfull\rreally\u2028now\u0085\ttab';
    const observed = observedState({
      environments: [{ id: 2, name: 'broken', image_url: 'https://x/b.tgz', download: { state: 'failed', message } }],
    });
    const text = renderExport(observed);
    expect(parse(text)).toEqual(parse(writtenByYaml({ ...exportedFile(observed) })));
    expect(text).toContain(
      '  # The last download of this environment failed: disk full really now  tab. The next apply downloads it again.\n',
    );
    expect(readBlockYaml(text, MAX_ALIAS_COUNT)).toBeDefined();
  });
});
