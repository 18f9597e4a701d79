// Random live states full of strings that YAML reads as something else, for the export's property test. `any`
// strings may hold anything (empty, control characters, line separators); `valid` ones are what a config may declare
// (`${` included, which it writes `$${`), so that the export plans to nothing; `names` are valid but for names,
// scripts and URLs, which may be what no config can declare (export leaves those objects out). Everything comes from
// one seed, so a failing case reruns by its seed.
import type { ObservedHook, ObservedState, ObservedTarget } from '../../src/github/types.js';
import { lower } from '../../src/names.js';
import { mulberry32 } from '../../src/sim/faults.js';

/** Each a trap for a YAML writer: types, indicators, comments, quotes, escapes, unicode, white space. */
export const ODD_STRINGS = [
  ...['yes', 'No', 'null', 'NULL', 'Null', 'true', 'True', 'FALSE', '~', 'on', 'OFF', 'y', 'n', '<<', '=', '-', '?'],
  ...['0x1F', '1e3', '012', '.5', '-1', '+1', '0o17', '1_000', '.inf', '-.Inf', '.NaN', '2026-01-01', '12:30'],
  ...['a: b', 'a:b', 'key:', 'a #b', 'a#b', '#x', '- x', '? x', ': x', '&anchor', '*alias', '!tag', '!!str', '%YAML'],
  ...['@at', '`tick`', '|', '>-', '"dq"', "'sq'", "it's", 'back\\slash', '[a]', '{a: 1}', 'a, b', 'a,b', '---', '...'],
  ...['Ümlaut – ünïcode ✓', '日本語', '😀 emoji', 'e\u0301', 'nbsp\u00a0x', 'a  b', 'x'.repeat(300), 'a/b', '/abs'],
  ...['_u', '$d', '${VAR}', 'https://h.example.com/p?q=1&r=#f', 'DevTools Hook Env', 'plain words'],
];
/** Only in `any` strings: what no config may declare (empty, white space at an end, line breaks, controls). */
export const HOSTILE_STRINGS = [
  ...['', ' ', 'trailing ', ' leading', '\t', 'tab\tin', 'line\nbreak', 'cr\r\nlf', 'u2028\u2028x', 'u2029\u2029'],
  ...['nel\u0085x', 'nul\u0000x', 'del\u007fx', 'c1\u009bx', 'bom\ufeffx', 'fffe\ufffex', 'lone\ud800x', 'bell\u0007'],
];
const EVENTS = ['fork', 'member', 'membership', 'organization', 'ping', 'repository', 'team', 'user'];
const ENFORCEMENTS = ['enabled', 'disabled', 'testing'];
const DOWNLOADS = ['success', 'success', 'failed', 'not_started', 'in_progress'];
/** GitHub logins, as the config accepts them: odd ones only in what YAML makes of them. */
const LOGINS = ['true', 'null', 'yes', '0x1F', '1e3', '012', '.5', '-', '.', '_', 'Acme', 'a.b', '--x', '1', 'On'];

export type Strings = 'any' | 'valid' | 'names';

export function oddState(seed: number, strings: Strings): ObservedState {
  const random = mulberry32(seed);
  const chance = (p: number) => random() < p;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const pool = strings === 'valid' ? ODD_STRINGS : [...ODD_STRINGS, ...HOSTILE_STRINGS];
  const oddString = (): string => {
    const parts = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(pool));
    return parts.join(pick(['', ' ', '-', ': ', ' #', '/']));
  };
  /** A name the config accepts (no white space at either end, no line break); any name unless `valid`. */
  const configName = (): string => {
    for (;;) {
      const name = oddString();
      if (strings !== 'valid' || /^\S(?:.*\S)?$/u.test(name)) return name;
    }
  };
  /** An http URL that may be anything after its host (white space included) for `names`. */
  const url = (host: string): string =>
    `https://${host}/${strings === 'names' && chance(0.3) ? oddString() : urlTail(oddString())}`;
  const unique = (count: number, make: () => string): string[] => {
    const names = new Map<string, string>();
    for (let tries = 0; names.size < count && tries < count * 20; tries++) {
      const name = make();
      if (!names.has(lower(name))) names.set(lower(name), name);
    }
    return [...names.values()];
  };

  const environments = unique(1 + Math.floor(random() * 5), configName).map((name, i) => ({
    id: i + 2,
    name,
    image_url: strings === 'any' || (strings === 'names' && chance(0.1)) ? oddString() : url(`images.example.com/${i}`),
    default_environment: false,
    hooks_count: 0,
    download: { state: pick(DOWNLOADS), message: chance(0.5) ? printable(oddString()) : null, downloaded_at: null },
  }));
  const defaultEnvironment = {
    id: 1,
    name: 'Default',
    image_url: 'githubenterprise://internal',
    default_environment: true,
    hooks_count: 0,
    download: { state: 'success', message: null, downloaded_at: null },
  };
  const scripts = new Set<string>();
  const hooks = unique(Math.floor(random() * 8), configName).map((name, i): ObservedHook => {
    const environment = chance(0.3) ? defaultEnvironment : pick(environments);
    const repository = strings === 'any' ? oddString() : `${pick(LOGINS)}/${pick(LOGINS)}`;
    let script = strings === 'valid' ? configName().replace(/^\/+/, 'x') : oddString();
    if (scripts.has(`${lower(repository)}\u0000${script}`)) script = `${script}-${i}`;
    scripts.add(`${lower(repository)}\u0000${script}`);
    return {
      id: i + 1,
      name,
      script,
      script_repository: repository,
      environment: { id: environment.id, name: environment.name, default_environment: environment.default_environment },
      enforcement: strings === 'any' ? oddString() : pick(ENFORCEMENTS),
      allow_downstream_configuration: chance(0.6),
    };
  });
  const webhooks = Array.from({ length: Math.floor(random() * 5) }, (_, i) => ({
    id: i + 1,
    url: strings === 'any' ? oddString() : url(`h${i}.example.com`),
    content_type: strings === 'any' ? oddString() : pick(['json', 'form']),
    insecure_ssl: chance(0.3),
    events:
      strings === 'any'
        ? [oddString(), oddString()]
        : [...new Set([...EVENTS.filter(() => chance(0.4)), 'user'])].sort(),
    active: chance(0.8),
    has_secret: chance(0.5),
  }));

  const target = (scope: ObservedTarget['scope'], name: string): ObservedTarget => ({
    scope,
    name,
    hooks: hooks.map((hook) => {
      const overridden = chance(0.4);
      const enforcement = overridden ? (strings === 'any' ? oddString() : pick(ENFORCEMENTS)) : hook.enforcement;
      return {
        id: hook.id,
        name: hook.name,
        enforcement,
        ...(scope === 'organization' && { allow_downstream_configuration: chance(0.5) }),
        overridden,
        configuredAt: overridden ? { level: scope, name } : { level: 'global' },
      };
    }),
  });
  // Target names are written in comments too: `any` ones without what the writer blanks there.
  const logins = unique(Math.floor(random() * 3), () => (strings === 'any' ? printable(oddString()) : pick(LOGINS)));
  const repositories = unique(Math.floor(random() * 3), () =>
    strings === 'any' ? printable(oddString()) : `${pick([...logins, ...LOGINS])}/${pick(LOGINS)}`,
  );
  return {
    environments: [defaultEnvironment, ...environments],
    hooks,
    webhooks,
    overrides: {
      organizations: logins.map((login) => target('organization', login)),
      repositories: repositories.map((name) => target('repository', name)),
    },
  };
}

/** The part of a URL after its host: no white space (a URL has none). */
function urlTail(text: string): string {
  return text.replace(/\s+/gu, '');
}

/** Text for a comment: without the line breaks and controls that the writer blanks there (and `yaml` did not). */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]/gu, '');
}
