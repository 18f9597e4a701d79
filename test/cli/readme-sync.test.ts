// The README and `--help` tell the same story: the bundle's help for every command (and the overview) against the
// README's command table, its flag tables and the Daemon section's, every flag both ways with the same value; every
// command line the README shows uses only flags its command takes; and the JSON plan's keys, as `plan --format
// json` and `plan --out` print them against the simulator, and those of `apply --format json`'s result, against
// the README's tables of them, both ways.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, type CommandName } from '../../src/cli/args.js';
import { finished, ROOT, runCli, startCli } from '../helpers/cli.js';
import { scoped } from '../helpers/harness.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const NAMES = Object.keys(COMMANDS) as CommandName[];
/** Flags of `ghes-gitops` itself, as the README's tables name that scope. */
const TOP = 'ghes-gitops';
type Scope = CommandName | typeof TOP;

/** A flag and the value it takes (`--out FILE` → ['--out', 'FILE']; `--once` → ['--once', undefined]). */
type Flag = [name: string, value: string | undefined];

/** A value with the brackets of the synopsis around it dropped: `REF]]` → `REF`, `OWNER/NAME[/DIR]` kept. */
function balanced(value: string): string {
  let text = value;
  const count = (c: string) => text.split(c).length - 1;
  while (text.endsWith(']') && count(']') > count('[')) text = text.slice(0, -1);
  return text;
}

/** The flags a synopsis or a table cell names, in order: `[--output FILE [--force]]`, `-h, --help`. */
function flagsIn(text: string): Flag[] {
  const plain = text.replace(/\\\|/g, '|').replace(/`/g, '');
  return [...plain.matchAll(/(?<![\w-])(--[a-z][a-z0-9-]*)(?: ([A-Za-z][^\s]*))?/g)].map((m): Flag => [
    m[1]!,
    m[2] === undefined ? undefined : balanced(m[2]),
  ]);
}

interface Table {
  /** The paragraph just above it. */
  intro: string;
  header: string[];
  rows: string[][];
  /** Offset in the README, to tell which section holds it. */
  at: number;
}

function tables(markdown: string): Table[] {
  const lines = markdown.split('\n');
  const found: Table[] = [];
  let offset = 0;
  const offsets = lines.map((line) => {
    const at = offset;
    offset += line.length + 1;
    return at;
  });
  const cells = (line: string) =>
    line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim());
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('|') || lines[i - 1]?.startsWith('|')) continue;
    let end = i;
    while (lines[end + 1]?.startsWith('|')) end++;
    let start = i - 1;
    while (start >= 0 && lines[start]!.trim() === '') start--;
    let top = start;
    while (top > 0 && lines[top - 1]!.trim() !== '') top--;
    found.push({
      intro: lines.slice(top, start + 1).join(' '),
      header: cells(lines[i]!),
      rows: lines.slice(i + 2, end + 1).map(cells),
      at: offsets[i]!,
    });
  }
  return found;
}

const ALL_TABLES = tables(README);
const daemonStart = README.indexOf('<!-- daemon:start -->');
const daemonEnd = README.indexOf('<!-- daemon:end -->');

/** Whom a flag table is about: tables in the Daemon section are `serve`'s; elsewhere the intro says so. */
function scopeOf(table: Table): Scope[] {
  if (table.at > daemonStart && table.at < daemonEnd) return ['serve'];
  const intro = /^Flags of (.*):$/.exec(table.intro)?.[1];
  expect(intro, `a flag table must say whose flags it lists ("Flags of …:"), not "${table.intro}"`).toBeDefined();
  if (intro!.includes('every command')) return NAMES;
  if (intro!.includes(`\`${TOP}\` itself`)) return [TOP];
  const named = [...intro!.matchAll(/`([a-z]+)`/g)].map((m) => m[1]!).filter((n): n is CommandName => n in COMMANDS);
  expect(named, `"${table.intro}" names no command`).not.toEqual([]);
  return named;
}

const commandTable = ALL_TABLES.find((table) => table.header[0] === 'command');
/** Each command's synopsis in the README's command table, as written there (`\|` unescaped). */
const synopses = new Map(
  (commandTable?.rows ?? []).map(([cell]) => {
    const synopsis = cell!.replace(/^`(.*)`$/, '$1').replace(/\\\|/g, '|');
    return [synopsis.split(' ')[0]!, synopsis];
  }),
);

/** Every flag the README documents for `scope`, with each value it gives it (a flag shown two ways is a mismatch). */
function readmeFlags(scope: Scope): Map<string, Set<string | undefined>> {
  const flags = new Map<string, Set<string | undefined>>();
  const add = ([name, value]: Flag) => flags.set(name, (flags.get(name) ?? new Set()).add(value));
  if (scope !== TOP) flagsIn(synopses.get(scope) ?? '').forEach(add);
  for (const table of ALL_TABLES.filter((t) => t.header[0] === 'flag')) {
    if (scopeOf(table).includes(scope)) for (const [cell] of table.rows) flagsIn(cell!).forEach(add);
  }
  return flags;
}

/** The `Flags:` section of a help text: `  --name VALUE  help`, `  -h, --help  help`. */
function helpFlags(help: string): Map<string, Set<string | undefined>> {
  const section = help.slice(help.indexOf('\nFlags:\n'));
  const flags = new Map<string, Set<string | undefined>>();
  for (const m of section.matchAll(/^ {2}(?:-[a-z], )?(--[a-z][a-z0-9-]*)(?: (\S+))?(?: {2,}|$)/gm)) {
    flags.set(m[1]!, new Set([m[2]]));
  }
  return flags;
}

const asObject = (flags: Map<string, Set<string | undefined>>) =>
  Object.fromEntries([...flags].sort(([a], [b]) => a.localeCompare(b)).map(([name, values]) => [name, [...values]]));

async function help(args: string[]): Promise<string> {
  const run = await runCli(args);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  return run.stdout;
}

describe.concurrent('README ↔ --help', () => {
  it('the README finds its tables (a parser that finds nothing would pass everything)', () => {
    expect([...synopses.keys()]).toEqual(NAMES);
    expect(ALL_TABLES.filter((t) => t.header[0] === 'flag').length).toBeGreaterThanOrEqual(6);
    expect(readmeFlags('plan').get('--out')).toEqual(new Set(['FILE']));
    expect(flagsIn('`serve [--config PATH \\| --repo OWNER/NAME[/DIR] [--ref REF]] [--once]`')).toEqual([
      ['--config', 'PATH'],
      ['--repo', 'OWNER/NAME[/DIR]'],
      ['--ref', 'REF'],
      ['--once', undefined],
    ]);
  });

  it('the overview: the same commands, and the flags of ghes-gitops itself (--help, --version)', async () => {
    const overview = await help(['--help']);
    const listed = [...overview.slice(overview.indexOf('\nCommands:\n')).matchAll(/^ {2}([a-z]+) {2,}/gm)];
    expect(listed.map((m) => m[1])).toEqual([...synopses.keys()]);
    expect(asObject(helpFlags(overview))).toEqual(asObject(readmeFlags(TOP)));
    expect(readmeFlags(TOP).has('--version')).toBe(true);
  });

  it.each(NAMES)('%s: the same synopsis, and every flag both ways with the same value', async (name) => {
    const text = await help([name, '--help']);
    expect(text.split('\n')[0]).toBe(`Usage: ${TOP} ${synopses.get(name)}`);
    expect(asObject(readmeFlags(name))).toEqual(asObject(helpFlags(text)));
  });

  it('every command line the README shows uses only flags its command takes', () => {
    const lines = [...README.matchAll(/(?:ghes-gitops|dist\/cli\.js|\bIMAGE) ([a-z]+)\b([^\n`#|]*)/g)];
    expect(lines.length).toBeGreaterThan(10);
    const wrong = lines.flatMap(([line, command, rest]) => {
      if (!(command! in COMMANDS)) return [];
      const known = new Set([...Object.keys(COMMANDS[command as CommandName].flags), 'help']);
      return flagsIn(rest!)
        .filter(([flag]) => !known.has(flag.slice(2)))
        .map(([flag]) => `${flag} in "${line.trim()}"`);
    });
    expect(wrong).toEqual([]);
  });

  it('every --flag the README names is a flag of some command (or of a tool it shows)', () => {
    const known = new Set([...NAMES.flatMap((name) => Object.keys(COMMANDS[name].flags)), 'help', 'version']);
    // npm, actions-sync, docker, prettier, tsc and the benchmark, in the commands the README shows for them.
    const foreign = new Set([
      'build',
      'max-wait',
      'global',
      'cache-dir',
      'destination-url',
      'repo-name',
      'env-file',
      'check',
      'write',
      'noEmit',
    ]);
    const unknown = [...README.matchAll(/(?<![\w-])--([a-zA-Z][a-zA-Z0-9-]*)/g)]
      .map((m) => m[1]!)
      .filter((flag) => !known.has(flag) && !foreign.has(flag));
    expect(unknown).toEqual([]);
  });
});

/** Every key path in a JSON value: `operations[].id`; the field names under `changes` as `*`. */
function keyPaths(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => keyPaths(item, `${path}[]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => {
    if (path.endsWith('.changes')) return keyPaths(child, `${path}.*`); // a field's name is data, not a key
    const here = path === '' ? key : `${path}.${key}`;
    return [here, ...keyPaths(child, here)];
  });
}

/** A plan with every optional key: a reason, a blast radius, an override, an unmanaged object, errors, warnings. */
const JSON_CONFIG = `version: 1
environments:
  - name: Tools
    image_url: https://files.example.com/tools.tar.gz
hooks:
  - name: Check Commits
    script: scripts/commit_check.sh
    script_repository: DevIT/hooks
    environment: Tools
    enforcement: enabled
    allow_downstream_configuration: true
    organizations:
      acme: testing
  - name: Missing Script
    script: scripts/missing.sh
    script_repository: DevIT/hooks
    environment: Default
webhooks:
  - url: https://hooks.example.com/a
    secret: written-in-the-file
    insecure_ssl: true
`;

describe('README ↔ the JSON plan', () => {
  it('documents every key `plan --format json` and `plan --out` print, and no other', async ({ onTestFinished }) => {
    const table = ALL_TABLES.find(
      (t) =>
        t.header[0] === 'key' &&
        README.slice(0, t.at).endsWith('(`[]`: each item of a list; `*`: any field name):\n\n'),
    );
    expect(table, 'README: the table of the JSON plan').toBeDefined();
    const documented = table!.rows.flatMap(([cell]) => [...cell!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));

    const fx = scoped(onTestFinished);
    const sim = await fx.simulator({
      initialState: {
        environments: [{ name: 'Legacy Env', image_url: 'https://files.example.com/legacy.tar.gz' }],
        repositories: [{ full_name: 'DevIT/hooks', files: { 'scripts/commit_check.sh': { executable: true } } }],
        organizations: [{ login: 'acme' }],
      },
    });
    const out = join(fx.tempDir(), 'plan.json');
    const run = await runCli(['plan', '--config', fx.writeConfig(JSON_CONFIG), '--format', 'json', '--out', out], {
      env: { GHES_API_URL: sim.url, GHES_TOKEN: sim.adminToken },
    });
    expect(run.code).toBe(1); // the missing script: apply would refuse it
    const printed = keyPaths(JSON.parse(run.stdout));
    const saved = keyPaths(JSON.parse(readFileSync(out, 'utf8')));
    expect([...new Set(printed)].filter((path) => !saved.includes(path))).toEqual([]);
    // errors[] are findings of the same shape as warnings[], which the README says once.
    const seen = [...new Set([...printed, ...saved].map((path) => path.replace(/^errors\[\]/, 'warnings[]')))];
    expect(seen.sort()).toEqual([...new Set(documented)].sort());
  });
});

/** An apply with every outcome that carries a key: a create that succeeds, a download that fails, a hook it skips. */
const APPLY_CONFIG = `version: 1
environments:
  - name: Broken
    image_url: https://files.example.com/will-fail.tar.gz
hooks:
  - name: Check Commits
    script: scripts/commit_check.sh
    script_repository: DevIT/hooks
    environment: Broken
webhooks:
  - url: https://hooks.example.com/a
`;

describe('README ↔ the JSON apply result', () => {
  it('documents every key of `result` that `apply --format json` prints, and no other', async ({ onTestFinished }) => {
    const table = ALL_TABLES.find(
      (t) => t.header[0] === 'key' && README.slice(0, t.at).endsWith('The keys of `result`, all of them:\n\n'),
    );
    expect(table, 'README: the table of the JSON apply result').toBeDefined();
    const documented = table!.rows.flatMap(([cell]) => [...cell!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
    const planTable = ALL_TABLES.find(
      (t) =>
        t.header[0] === 'key' &&
        README.slice(0, t.at).endsWith('(`[]`: each item of a list; `*`: any field name):\n\n'),
    );
    const planKeys = planTable!.rows.flatMap(([cell]) => [...cell!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));

    const fx = scoped(onTestFinished);
    const sim = await fx.simulator({
      downloadMs: 0,
      initialState: {
        repositories: [{ full_name: 'DevIT/hooks', files: { 'scripts/commit_check.sh': { executable: true } } }],
      },
    });
    const run = await runCli(
      ['apply', '--config', fx.writeConfig(APPLY_CONFIG), '--format', 'json', '--auto-approve'],
      {
        env: { GHES_API_URL: sim.url, GHES_TOKEN: sim.adminToken },
      },
    );
    expect(run.code, run.stderr).toBe(1); // the download fails
    const { result } = JSON.parse(run.stdout) as { result: { results: { status: string }[] } };
    expect(result.results.map((r) => r.status).sort()).toEqual(['failed', 'skipped', 'succeeded', 'succeeded']);
    const printed = [...new Set(keyPaths(result))];
    // Each result's operation is the plan's: the keys of operations[], which the plan's table documents.
    const operation = /^results\[\]\.operation\./;
    expect(
      printed.filter((path) => operation.test(path) && !planKeys.includes(path.replace(operation, 'operations[].'))),
    ).toEqual([]);
    expect(printed.filter((path) => !operation.test(path)).sort()).toEqual([...new Set(documented)].sort());
  });
});

describe.concurrent('the flags of every command work on every command', () => {
  const shared = ALL_TABLES.filter((t) => t.header[0] === 'flag' && /every command/.test(t.intro))
    .flatMap((t) => t.rows.flatMap(([cell]) => flagsIn(cell!)))
    .map(([name]) => name)
    .filter((name) => name !== '--help');

  it('the README lists --verbose and --no-color as such', () => {
    expect(shared.sort()).toEqual(['--no-color', '--verbose']);
  });

  it.for([
    ['validate', []],
    ['plan', []],
    ['apply', ['--auto-approve']],
    ['export', []],
    ['serve', ['--once', '--listen', '127.0.0.1:0', '--log-format', 'text']],
  ] as [string, string[]][])('%s %s with them runs as without them', async ([command, extra], { onTestFinished }) => {
    const fx = scoped(onTestFinished);
    const sim = await fx.simulator();
    const config = fx.writeConfig('version: 1\nwebhooks:\n  - url: https://hooks.example.com/shared\n');
    const args = command === 'export' ? [] : ['--config', config];
    const run = await runCli([command, ...args, ...extra, ...shared], {
      cwd: fx.tempDir(),
      env: { GHES_API_URL: sim.url, GHES_TOKEN: sim.adminToken },
    });
    expect(run.stderr).not.toMatch(/Unknown option|error:/);
    expect(run.code).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(sim.adminToken);
    // --verbose: every request is logged (validate sends none).
    if (command !== 'validate') expect(run.stdout + run.stderr).toMatch(/debug:? +GET \/admin\/hooks: 200/);
  });

  it('simulate with them starts', async () => {
    const child = startCli(['simulate', '--port', '0', ...shared]);
    const run = await finished(child, {
      onStderr: (seen, proc) => {
        if (seen.includes('Ctrl+C')) proc.kill('SIGTERM');
      },
    });
    expect(run.stderr).toMatch(/GHES simulator listening on http:\/\/127\.0\.0\.1:\d+\/api\/v3/);
  });
});
