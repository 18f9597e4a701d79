// Export of live objects whose strings a config writes only with care (`${`, which it escapes as `$${`) or cannot
// hold at all (white space at an end, line breaks): the file always loads, plans to nothing for what it declares,
// names what it leaves out, and no plan of it (prune on included) deletes what a config cannot even name.
import { describe, expect, it } from 'vitest';
import schema from '../../schemas/ghes-gitops.schema.json' with { type: 'json' };
import { ConfigError } from '../../src/errors.js';
import { escapeLiteral, firstReference, literalText } from '../../src/config/interpolate.js';
import { loadDesiredStateFromTexts } from '../../src/config/load.js';
import type { ObservedState } from '../../src/github/types.js';
import { createPlan } from '../../src/plan/plan.js';
import { exportWarnings, renderExport } from '../../src/report/export.js';
import { DECLARABLE, KNOWN_VALUES } from '../../src/plan/declarable.js';
import { observedState } from '../plan/state.js';

function load(text: string) {
  return loadDesiredStateFromTexts([{ path: 'exported.yml', text }], { env: { HOME: '/root', TOKEN: 'leak' } });
}

async function planOf(text: string, observed: ObservedState) {
  return createPlan(await load(text), observed, { syncSecrets: false });
}

describe('export of names holding `${`', () => {
  const observed = observedState({
    environments: [
      { id: 2, name: 'env ${HOME}', image_url: 'https://i.example.com/${v}/e.tgz' },
      { id: 3, name: '$${x', image_url: 'https://i.example.com/e.tgz' },
    ],
    hooks: [
      {
        id: 10,
        name: 'hook ${TOKEN}',
        script: 'a/${b}.sh',
        script_repository: 'org/hooks',
        environment: 'env ${HOME}',
      },
      { id: 11, name: 'ends in $', script: 'a/$${b}.sh', script_repository: 'org/hooks', environment: '$${x' },
    ],
    webhooks: [{ id: 100, url: 'https://h.example.com/${x}?a=$${y}' }],
  });

  it('writes `$${`, which loads back as `${`, and plans to nothing', async () => {
    const text = renderExport(observed);
    expect(text).toContain('  - name: "env $${HOME}"\n');
    expect(text).toContain('  - name: "$$${x"\n');
    expect(text).toContain('  - url: "https://h.example.com/$${x}?a=$$${y}"\n');
    const desired = await load(text);
    expect(desired.environments.map((env) => env.name)).toEqual(['$${x', 'env ${HOME}']);
    expect(desired.hooks.map((hook) => [hook.name, hook.script, hook.environment])).toEqual([
      ['ends in $', 'a/$${b}.sh', '$${x'],
      ['hook ${TOKEN}', 'a/${b}.sh', 'env ${HOME}'],
    ]);
    expect(desired.webhooks[0]!.url).toBe('https://h.example.com/${x}?a=$${y}');
    const plan = createPlan(desired, observed, { syncSecrets: false });
    expect(plan.operations).toEqual([]);
    expect(plan.unmanaged).toEqual([]);
    expect(exportWarnings(observed)).toEqual([]);
  });
});

describe('`$${` in a config', () => {
  const config = (name: string) =>
    `version: 1\nenvironments:\n  - name: ${JSON.stringify(name)}\n    image_url: https://i.example.com/e.tgz\n`;

  it('is a literal `${` in any string, as in a secret', async () => {
    expect((await load(config('a $${HOME} b $$$${c'))).environments[0]!.name).toBe('a ${HOME} b $$${c');
    expect((await load(config('$$$${HOME}'))).environments[0]!.name).toBe('$$${HOME}');
    expect((await load(config('$$ and $ {x}'))).environments[0]!.name).toBe('$$ and $ {x}');
  });

  it('reads back exactly what export writes, whatever the run of `$` and `{`', () => {
    // Every string of up to 7 characters over `$`, `{`, `}` and `a`: 21,845 of them.
    let strings = [''];
    for (let length = 0; length < 7; length++) {
      strings = [
        ...strings,
        ...strings.filter((text) => text.length === length).flatMap((text) => [...'${}a'].map((c) => text + c)),
      ];
    }
    for (const text of strings) {
      const written = escapeLiteral(text);
      expect(firstReference(written), text).toBeUndefined();
      expect(literalText(written), text).toBe(text);
    }
  });

  it('does not make `${NAME}` or a stray `${` legal outside a secret, even beside a `$${`', async () => {
    for (const [name, reference] of [
      ['${HOME}', '${HOME}'],
      ['$${ok} ${TOKEN}', '${TOKEN}'],
      ['x ${', '${'],
    ]) {
      await expect(load(config(name!)), name).rejects.toThrow(ConfigError);
      await expect(load(config(name!))).rejects.toThrow(
        `\`${reference}\` in name: environment variables may be read only in a webhook's \`secret\``,
      );
    }
  });
});

describe('export of objects no config can declare', () => {
  const HOSTILE = [' lead', 'trail ', 'line\nbreak', 'cr\rx', 'ls\u2028x', 'ps\u2029x', '\t'];
  const observed = observedState({
    environments: [
      ...HOSTILE.map((name, i) => ({ id: 10 + i, name, image_url: `https://i.example.com/${i}.tgz` })),
      { id: 2, name: 'fine', image_url: 'https://i.example.com/f.tgz' },
      { id: 3, name: 'local image', image_url: '/data/env.tar.gz' },
    ],
    hooks: [
      ...HOSTILE.map((name, i) => ({ id: 20 + i, name, script: `h/${i}.sh`, script_repository: 'org/hooks' })),
      { id: 1, name: 'in a bad environment', script: 'a.sh', script_repository: 'org/hooks', environment: 'trail ' },
      { id: 2, name: 'in a local one', script: 'b.sh', script_repository: 'org/hooks', environment: 'local image' },
      { id: 3, name: 'absolute', script: '/abs.sh', script_repository: 'org/hooks' },
      { id: 4, name: 'kept', script: 'c.sh', script_repository: 'org/hooks', environment: 'fine' },
    ],
    webhooks: [
      { id: 100, url: 'https://h.example.com/a b' },
      { id: 101, url: 'ftp://h.example.com/x' },
      { id: 102, url: ' https://h.example.com/trimmed ' },
    ],
  });
  const text = renderExport(observed);

  it('leaves them out, and loads', async () => {
    const desired = await load(text);
    expect(desired.environments.map((env) => env.name)).toEqual(['fine']);
    expect(desired.hooks.map((hook) => hook.name)).toEqual(['in a local one', 'kept']);
    expect(desired.webhooks.map((webhook) => webhook.url)).toEqual(['https://h.example.com/trimmed']);
  });

  it('names each one in the file and on stderr, with what to do', () => {
    const warnings = exportWarnings(observed);
    expect(warnings).toContain(
      'environment "trail " (id 11) is left out of the file: its name "trail " starts or ends with white space, ' +
        'which no config can declare; fix it on the instance (site admin: rename it, or correct the field), then ' +
        'export again. No plan prunes it meanwhile.',
    );
    expect(warnings.filter((warning) => warning.includes('is left out of the file'))).toHaveLength(
      HOSTILE.length * 2 + 5,
    );
    for (const expected of [
      'environment "line\\nbreak" (id 12) is left out of the file: its name "line\\nbreak" holds a line break',
      'environment "ls\\u2028x" (id 14) is left out of the file: its name "ls\\u2028x" holds a line break',
      'environment "local image" (id 3) is left out of the file: its image_url "/data/env.tar.gz" is not an http:// or https:// URL',
      'hook "in a bad environment" (id 1) is left out of the file: it runs in environment "trail ", whose name starts or ends with white space',
      'hook "absolute" (id 3) is left out of the file: its script "/abs.sh" is not a path inside the repository',
      'webhook "https://h.example.com/a b" (id 100) is left out of the file: its url "https://h.example.com/a b" is not an http:// or https:// URL',
    ]) {
      expect(
        warnings.some((warning) => warning.startsWith(expected)),
        expected,
      ).toBe(true);
    }
    expect(text).toContain(
      '# Left out: 19 live object(s) that no config can declare as they are (no plan prunes them):\n',
    );
    expect(text).toContain('# - environment "ls\\u2028x" (id 14): its name "ls\\u2028x" holds a line break.\n');
    expect(text).toContain(
      '# To manage them, fix it on the instance (site admin: rename it, or correct the field), then export again.\n',
    );
  });

  it('plans to nothing, and lists them as unmanaged', async () => {
    const plan = await planOf(text, observed);
    expect(plan.operations).toEqual([]);
    expect(plan.unmanaged.map((object) => object.id).sort((a, b) => a - b)).toEqual(
      [...HOSTILE.map((_, i) => 10 + i), 3, ...HOSTILE.map((_, i) => 20 + i), 1, 3, 100, 101].sort((a, b) => a - b),
    );
  });

  it('with prune turned on, deletes none of them, and says so', async () => {
    const plan = await planOf(text.replace('\nprune: false\n', '\nprune: true\n'), observed);
    expect(plan.operations).toEqual([]);
    expect(plan.unmanaged).toHaveLength(HOSTILE.length * 2 + 5);
    expect(plan.warnings.filter((warning) => warning.code === 'undeclarable-kept')).toHaveLength(
      HOSTILE.length * 2 + 5,
    );
    expect(plan.warnings.map((warning) => warning.message)).toContain(
      'environment "trail " (id 11) is not pruned: its name "trail " starts or ends with white space, which no ' +
        'config can declare; fix it on the instance (site admin) to manage it, or delete it there',
    );
  });

  it('prune still deletes what a config could declare and does not', async () => {
    const plan = await planOf('version: 1\nprune: true\n', observed);
    expect(plan.operations.map((op) => op.id).sort()).toEqual([
      'environment:delete:fine',
      'hook:delete:in a local one',
      'hook:delete:kept',
      'webhook:delete:https://h.example.com/trimmed',
    ]);
  });
});

describe('export of values this tool does not know (a newer GHES)', () => {
  const hook = { script_repository: 'org/hooks', allow_downstream_configuration: true };
  const observed = observedState({
    hooks: [
      { ...hook, id: 1, name: 'blocking', script: 'a.sh', enforcement: 'blocking' },
      { ...hook, id: 2, name: 'known', script: 'b.sh', enforcement: 'enabled' },
    ],
    webhooks: [
      { id: 100, url: 'https://h.example.com/xml', content_type: 'xml' },
      { id: 101, url: 'https://h.example.com/new', events: ['user', 'security_advisory'] },
      { id: 102, url: 'https://h.example.com/known', events: ['user'] },
    ],
  });
  const seen = (id: number, enforcement: string, level: 'organization' | 'repository', name: string) => ({
    id,
    name: id === 1 ? 'blocking' : 'known',
    enforcement,
    overridden: true,
    allow_downstream_configuration: true,
    configuredAt: { level, name },
  });
  observed.overrides = {
    organizations: [{ scope: 'organization', name: 'acme', hooks: [seen(2, 'audit', 'organization', 'acme')] }],
    repositories: [
      { scope: 'repository', name: 'acme/app', hooks: [seen(2, 'audit', 'repository', 'acme/app')] },
      { scope: 'repository', name: 'acme/web', hooks: [seen(2, 'testing', 'repository', 'acme/web')] },
    ],
  };
  const text = renderExport(observed);

  it('leaves out the objects and overrides that hold one, saying which, and the rest plans to nothing', async () => {
    expect(exportWarnings(observed)).toEqual([
      expect.stringMatching(
        /^hook "blocking" \(id 1\) is left out of the file: its enforcement "blocking" is not one of enabled, disabled, testing, which no config/,
      ),
      expect.stringMatching(
        /^webhook "https:\/\/h\.example\.com\/new" \(id 101\) is left out of the file: its event "security_advisory" is not one of user, organization, /,
      ),
      expect.stringMatching(
        /^webhook "https:\/\/h\.example\.com\/xml" \(id 100\) is left out of the file: its content_type "xml" is not one of json, form, /,
      ),
    ]);
    expect(text).toContain(
      '  # organization acme overrides this hook with enforcement "audit", which a config cannot declare, so\n' +
        '  # it is left out (a plan reads and changes overrides only where the config names them).\n',
    );
    expect(text).toContain('  # repository acme/app overrides this hook with enforcement "audit"');
    const desired = await load(text);
    expect(desired.hooks.map((entry) => [entry.name, entry.repositories?.map((o) => o.target)])).toEqual([
      ['known', ['acme/web']],
    ]);
    const plan = createPlan(desired, observed, { syncSecrets: false });
    expect(plan.operations).toEqual([]);
    expect(plan.unmanaged.map((object) => `${object.kind}:${object.id}`)).toEqual([
      'hook:1',
      'webhook:101',
      'webhook:100',
    ]);
  });

  it('no plan prunes them', async () => {
    const plan = createPlan(await load(text.replace('\nprune: false\n', '\nprune: true\n')), observed, {
      syncSecrets: false,
    });
    expect(plan.operations).toEqual([]);
    expect(plan.warnings.filter((warning) => warning.code === 'undeclarable-kept')).toHaveLength(3);
  });
});

describe('what a config can declare', () => {
  it('is what the schema says, field by field', () => {
    const { environment, hook, webhook } = schema.definitions;
    const compiled = (pattern: string) => new RegExp(pattern, 'u');
    expect(DECLARABLE.name.pattern).toEqual(compiled(environment.properties.name.pattern));
    expect(DECLARABLE.name.pattern).toEqual(compiled(hook.properties.name.pattern));
    expect(DECLARABLE.name.pattern).toEqual(compiled(hook.properties.environment.pattern));
    expect(DECLARABLE.image_url.pattern).toEqual(compiled(environment.properties.image_url.pattern));
    expect(DECLARABLE.script.pattern).toEqual(compiled(hook.properties.script.pattern));
    expect(DECLARABLE.script_repository.pattern).toEqual(compiled(hook.properties.script_repository.pattern));
    expect(DECLARABLE.url.pattern).toEqual(compiled(webhook.properties.url.pattern));
    expect(KNOWN_VALUES.enforcement).toEqual(hook.properties.enforcement.enum);
    expect(KNOWN_VALUES.content_type).toEqual(webhook.properties.content_type.enum);
    expect(KNOWN_VALUES.event).toEqual(webhook.properties.events.items.anyOf[0]!.enum);
  });
});
