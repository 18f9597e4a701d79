// Observing enforcement overrides against the simulator: only the organizations and repositories the config names,
// one list walk each (every page), configuration_url deciding whether an override exists at that level, 404 located.
import { describe, expect, it } from 'vitest';
import type { OverrideTargets } from '../../src/config/overrides.js';
import { ConfigError, UserError } from '../../src/errors.js';
import { createAdminApi } from '../../src/github/admin-api.js';
import { createClient } from '../../src/github/client.js';
import { configurationLevel, normalizeAtTarget } from '../../src/github/overrides.js';
import { UnexpectedResponseError } from '../../src/github/errors.js';
import { connect } from '../../src/reconcile.js';
import type { SimStateInput } from '../../src/sim/server.js';
import { requestLine, simulator } from '../helpers/harness.js';

const hook = (id: number, enforcement: string, allow: boolean) => ({
  id,
  name: `hook-${id}`,
  script: `h${id}.sh`,
  script_repository: 'platform/hooks',
  environment_id: 1,
  enforcement,
  allow_downstream_configuration: allow,
});

const STATE: SimStateInput = {
  hooks: [hook(1, 'testing', true), hook(2, 'disabled', false), hook(3, 'enabled', true)],
  repositories: [{ full_name: 'platform/hooks' }, { full_name: 'acme/monorepo' }, { full_name: 'acme/web' }],
  organizations: [{ login: 'acme' }, { login: 'legacy' }, { login: 'other' }],
  pre_receive_hook_overrides: [
    { hook_id: 1, organization: 'acme', enforcement: 'enabled', allow_downstream_configuration: true },
    { hook_id: 3, organization: 'other', enforcement: 'disabled' },
    { hook_id: 3, repository: 'acme/monorepo', enforcement: 'testing' },
  ],
};

const named = (organizations: string[], repositories: string[]): OverrideTargets => ({
  organizations: organizations.map((name) => ({ name })),
  repositories: repositories.map((name) => ({ name })),
});

describe('observe overrides', () => {
  it('reads the named targets once each, and tells an override here from an inherited value', async () => {
    const sim = await simulator({ initialState: STATE });
    const observed = await connect({ apiUrl: sim.url, token: sim.adminToken }).observe(
      named(['acme'], ['acme/monorepo', 'acme/web']),
    );
    const [acme] = observed.overrides!.organizations;
    expect(acme?.hooks).toEqual([
      {
        id: 1,
        name: 'hook-1',
        enforcement: 'enabled',
        allow_downstream_configuration: true,
        overridden: true,
        configuredAt: { level: 'organization', name: 'acme' },
      },
      {
        id: 3,
        name: 'hook-3',
        enforcement: 'enabled',
        allow_downstream_configuration: true,
        overridden: false,
        configuredAt: { level: 'global' },
      },
    ]);
    const [monorepo, web] = observed.overrides!.repositories;
    expect(monorepo?.hooks.map((h) => [h.id, h.enforcement, h.overridden])).toEqual([
      [1, 'enabled', false],
      [3, 'testing', true],
    ]);
    // acme/web inherits the org's override: not an override of its own.
    expect(web?.hooks[0]).toEqual({
      id: 1,
      name: 'hook-1',
      enforcement: 'enabled',
      overridden: false,
      configuredAt: { level: 'organization', name: 'acme' },
    });

    const lists = sim.requests.entries.map(requestLine).filter((line) => !line.includes('/admin/'));
    expect(lists.sort()).toEqual([
      'GET /orgs/acme/pre-receive-hooks',
      'GET /repos/acme/monorepo/pre-receive-hooks',
      'GET /repos/acme/web/pre-receive-hooks',
    ]);
    // Oldest first, so that a hook created mid-walk cannot shift the pages.
    for (const entry of sim.requests.entries) expect(entry.query).toMatchObject({ per_page: '100' });
    expect(sim.requests.entries.filter((e) => e.path.includes('/orgs/')).map((e) => e.query.direction)).toEqual([
      'asc',
    ]);
  });

  it('without targets reads no organization or repository at all', async () => {
    const sim = await simulator({ initialState: STATE });
    const observed = await connect({ apiUrl: sim.url, token: sim.adminToken }).observe(named([], []));
    expect(observed.overrides).toBeUndefined();
    expect(sim.requests.entries.every((e) => e.path.startsWith('/api/v3/admin/'))).toBe(true);
  });

  it('walks every page of a long list', async () => {
    const many = Array.from({ length: 230 }, (_, i) => hook(i + 1, 'testing', true));
    const sim = await simulator({ initialState: { ...STATE, hooks: many, pre_receive_hook_overrides: [] } });
    const observed = await connect({ apiUrl: sim.url, token: sim.adminToken }).observe(named(['acme'], []));
    expect(observed.overrides!.organizations[0]?.hooks).toHaveLength(230);
    expect(sim.requests.entries.filter((e) => e.path.endsWith('/orgs/acme/pre-receive-hooks'))).toHaveLength(3);
  });

  it('keeps to the page concurrency bound across admin lists and targets', async () => {
    const sim = await simulator({ initialState: STATE, faults: { seed: 1, latencyMs: 20 } });
    const api = createAdminApi(createClient({ apiUrl: sim.url, token: sim.adminToken }), { pageConcurrency: 2 });
    await api.observe(named(['acme', 'legacy', 'other'], ['acme/monorepo', 'acme/web']));
    expect(sim.requests.entries).toHaveLength(8);
    expect(sim.requests.peakConcurrency).toBe(2);
  });

  it('a named organization or repository that answers 404 is a located error, every one at once', async () => {
    const sim = await simulator({ initialState: STATE });
    const at = (line: number) => ({ file: 'ghes-gitops.yml', line, column: 7 });
    const failure = await connect({ apiUrl: sim.url, token: sim.adminToken })
      .observe({
        organizations: [
          { name: 'acme', location: at(9) },
          { name: 'nobody', location: at(10) },
        ],
        repositories: [{ name: 'acme/gone', location: at(12) }],
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    const diagnostics = (failure as ConfigError).diagnostics;
    expect(diagnostics.map((d) => [d.message, d.location])).toEqual([
      ['organization nobody not found', at(10)],
      ['repository acme/gone not found', at(12)],
    ]);
    expect((failure as ConfigError).message).toContain('ghes-gitops.yml:10:7: error: organization nobody not found');
  });

  it('without a location (export flags) it is a plain user error naming them', async () => {
    const sim = await simulator({ initialState: STATE });
    const failure = await connect({ apiUrl: sim.url, token: sim.adminToken })
      .observe(named(['legacy', 'nobody'], []))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UserError);
    expect(failure).not.toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toMatch(/^organization nobody not found/);
  });
});

describe('configuration_url', () => {
  it.each([
    ['https://ghes.example.com/api/v3/admin/pre-receive-hooks/42', { level: 'global' }],
    ['https://ghes.example.com/api/v3/orgs/octocat/pre-receive-hooks/42', { level: 'organization', name: 'octocat' }],
    ['/repos/octocat/hello-world/pre-receive-hooks/42', { level: 'repository', name: 'octocat/hello-world' }],
    ['https://ghes.example.com/api/v3/orgs/octocat/hooks/42', undefined],
    [undefined, undefined],
  ])('%s', (url, level) => {
    expect(configurationLevel(url)).toEqual(level);
  });

  it('an entry without one is an unexpected response, never a guess', () => {
    const request = { method: 'GET', path: '/orgs/acme/pre-receive-hooks', apiUrl: 'https://ghes.example.com/api/v3' };
    expect(() =>
      normalizeAtTarget({ id: 1, name: 'x', enforcement: 'enabled' }, request, 'organization', 'acme'),
    ).toThrow(UnexpectedResponseError);
    // An override of the same name elsewhere is not one here: repositories compare case-insensitively.
    const other = normalizeAtTarget(
      { id: 1, name: 'x', enforcement: 'enabled', configuration_url: '/repos/ACME/Web/pre-receive-hooks/1' },
      request,
      'repository',
      'acme/web',
    );
    expect(other.overridden).toBe(true);
  });
});
