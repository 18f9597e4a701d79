// What a valid desired state loads into: defaults filled, names and events normalized, files merged in order.
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../src/config/load.js';
import { diagnosticsOf, fixture } from './diagnostics.js';

describe('loadDesiredState', () => {
  it('fills in every default', async () => {
    const state = await loadDesiredState(fixture('defaults.yml'), { env: {} });
    const file = fixture('defaults.yml');
    expect(state).toEqual({
      version: 1,
      suspend: false,
      prune: { environments: false, hooks: false, webhooks: false },
      environments: [
        {
          name: 'DevTools Hook Env',
          image_url: 'https://files.example.com/devtools_env.tar.gz',
          previous_names: [],
          absent: false,
          location: { file, line: 3, column: 5 },
        },
      ],
      hooks: [
        {
          name: 'Check Commits',
          script: 'scripts/commit_check.sh',
          script_repository: 'DevIT/hooks',
          environment: 'DevTools Hook Env',
          enforcement: 'disabled',
          allow_downstream_configuration: false,
          organizations: [],
          repositories: [],
          previous_names: [],
          absent: false,
          location: { file, line: 6, column: 5 },
        },
      ],
      webhooks: [
        {
          url: 'https://hooks.example.com/ghes',
          content_type: 'form',
          secret: undefined,
          insecure_ssl: false,
          events: ['organization', 'user'],
          active: true,
          absent: false,
          location: { file, line: 11, column: 5 },
        },
      ],
      files: [file],
    });
  });

  it('names a hook environment as the config declares it, and the built-in one as Default', async () => {
    const state = await loadDesiredState(fixture('environment-case.yml'), { env: {} });
    expect(state.hooks.map((hook) => hook.environment)).toEqual(['DevTools Hook Env', 'Default']);
  });

  it('lower-cases, dedupes and sorts events', async () => {
    const state = await loadDesiredState(fixture('events-normalized.yml'), { env: {} });
    expect(state.webhooks[0]?.events).toEqual(['fork', 'organization', 'ping', 'user']);
  });

  it.each([
    ['prune-true.yml', { environments: true, hooks: true, webhooks: true }],
    ['prune-per-kind.yml', { environments: false, hooks: true, webhooks: false }],
    ['defaults.yml', { environments: false, hooks: false, webhooks: false }],
  ])('expands prune in %s to one boolean per kind', async (name, prune) => {
    const state = await loadDesiredState(fixture(name), { env: {} });
    expect(state.prune).toEqual(prune);
  });

  it('reads an empty list key as an empty list', async () => {
    const state = await loadDesiredState(fixture('null-lists.yml'), { env: {} });
    expect([state.environments, state.hooks, state.webhooks]).toEqual([[], [], []]);
  });

  it('needs only the identity of an absent entry, and no variables for its secret', async () => {
    const state = await loadDesiredState(fixture('absent-entries.yml'), { env: {} });
    expect(state.environments).toMatchObject([{ name: 'Retired Env', image_url: '', absent: true }]);
    expect(state.hooks).toMatchObject([{ name: 'Retired Hook', script: '', environment: '', absent: true }]);
    expect(state.webhooks).toMatchObject([
      { url: 'https://old-hooks.example.com/ghes', secret: undefined, absent: true },
    ]);
  });

  it('reports every error of a file, in file order', async () => {
    const diagnostics = await diagnosticsOf(fixture('multiple-errors.yml'), { env: {} });
    expect(diagnostics.map((d) => [d.location?.line, d.message])).toEqual([
      [7, 'hook `Check Commits`: enforcement must be one of enabled, disabled, testing; got `always`'],
      [10, 'webhook `https://hooks.example.com/ghes`: content_type must be one of json, form; got `xml`'],
      [12, 'webhook `https://hooks.example.com/other`: insecure_ssl must be true or false'],
    ]);
    expect(diagnostics[2]?.hint).toBe('remove the quotes');
  });
});

describe('loadDesiredState on a directory', () => {
  const dir = fixture('dir-merge');

  it('merges every *.yml and *.yaml file in name order, skipping dotfiles, other files and subdirectories', async () => {
    const state = await loadDesiredState(dir, { env: {} });
    expect(state.files).toEqual([`${dir}/10-environments.yml`, `${dir}/20-hooks.yaml`, `${dir}/30-more-hooks.YML`]);
    expect(state.hooks.map((hook) => [hook.name, hook.location.file])).toEqual([
      ['Check Commits', `${dir}/20-hooks.yaml`],
      ['Block Large Files', `${dir}/30-more-hooks.YML`],
    ]);
    // The environment a hook in one file uses is declared in another.
    expect(state.hooks[0]?.environment).toBe('DevTools Hook Env');
    expect(state.prune).toEqual({ environments: true, hooks: false, webhooks: false });
  });

  it('reports the errors of every file, file by file', async () => {
    const diagnostics = await diagnosticsOf(fixture('dir-errors'), { env: {} });
    expect(diagnostics.map((d) => [d.location?.file, d.location?.line, d.message])).toEqual([
      [
        fixture('dir-errors/a.yml'),
        7,
        'hook `Check Commits`: enforcement must be one of enabled, disabled, testing; got `on`',
      ],
      [fixture('dir-errors/b.yml'), 5, expect.stringMatching(/^YAML syntax error/)],
      [fixture('dir-errors/c.yml'), 1, 'missing `version: 1`'],
    ]);
  });
});
