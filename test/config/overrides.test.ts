// Organization and repository enforcement overrides in the desired state: what loads, and every rule the loader
// enforces on them, each located at the key or value at fault.
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../src/config/load.js';
import { overrideTargets } from '../../src/config/overrides.js';
import { diagnosticsOf, fixture } from './diagnostics.js';

describe('overrides load', () => {
  it('shorthand, mapping and inherit, sorted by target, each located at its key', async () => {
    const state = await loadDesiredState(fixture('overrides.yml'), { env: {} });
    const [hook, notConfigurable, gone] = state.hooks;
    const at = (line: number) => ({ file: fixture('overrides.yml'), line, column: 7 });
    expect(hook?.organizations).toEqual([
      { scope: 'organization', target: 'acme', enforcement: 'enabled', location: at(10) },
      {
        scope: 'organization',
        target: 'legacy',
        enforcement: 'disabled',
        allow_downstream_configuration: false,
        location: at(11),
      },
      { scope: 'organization', target: 'Old-Org', enforcement: 'inherit', location: at(12) },
    ]);
    expect(hook?.repositories).toEqual([
      { scope: 'repository', target: 'acme/monorepo', enforcement: 'testing', location: at(14) },
      { scope: 'repository', target: 'legacy/app', enforcement: 'inherit', location: at(15) },
      { scope: 'repository', target: 'someone/tool', enforcement: 'enabled', location: at(16) },
    ]);
    // `inherit` needs no permission: it removes an override.
    expect(notConfigurable?.organizations).toEqual([
      expect.objectContaining({ target: 'acme', enforcement: 'inherit' }),
    ]);
    expect(notConfigurable?.repositories).toEqual([]);
    expect(gone?.repositories).toEqual([expect.objectContaining({ target: 'acme/monorepo', enforcement: 'inherit' })]);
  });

  it('names each organization and repository to read once, case-insensitively, at its first mention', async () => {
    const state = await loadDesiredState(fixture('overrides.yml'), { env: {} });
    const targets = overrideTargets(state);
    expect(targets.organizations.map((t) => t.name)).toEqual(['acme', 'legacy', 'Old-Org']);
    expect(targets.repositories.map((t) => t.name)).toEqual(['acme/monorepo', 'legacy/app', 'someone/tool']);
    expect(targets.organizations[0]?.location).toEqual({ file: fixture('overrides.yml'), line: 10, column: 7 });
  });
});

interface Row {
  file: string;
  message: string;
  line: number;
  column: number;
  hint?: string | RegExp;
}

const rows: Row[] = [
  {
    file: 'overrides-bad-enforcement.yml',
    message:
      'hook `Check Commits`: organizations.acme must be one of enabled, disabled, testing, inherit; got `enabeld`',
    line: 9,
    column: 13,
    hint: 'did you mean `enabled`?',
  },
  {
    file: 'overrides-empty-value.yml',
    message:
      'hook `Check Commits`: organizations.acme must be enabled, disabled, testing, inherit or { enforcement, allow_downstream_configuration }',
    line: 9,
    column: 7,
  },
  {
    file: 'overrides-missing-enforcement.yml',
    message: 'hook `Check Commits`: organizations.acme is missing `enforcement`',
    line: 9,
    column: 13,
  },
  {
    file: 'overrides-repository-allow.yml',
    message:
      'unknown key `allow_downstream_configuration` in repositories.acme/monorepo of hook `Check Commits`; allowed: enforcement',
    line: 9,
    column: 46,
    hint: /a repository has no level below it/,
  },
  {
    file: 'overrides-hook-forbids.yml',
    message:
      'hook `Check Commits`: organization `acme`: the hook does not allow downstream configuration, so GHES refuses an override',
    line: 8,
    column: 7,
    hint: 'set `allow_downstream_configuration: true` on the hook, or write `inherit`',
  },
  {
    file: 'overrides-organization-forbids.yml',
    message:
      'hook `Check Commits`: repository `legacy/app`: organization `legacy` does not allow downstream configuration ' +
      '(test/fixtures/config/overrides-organization-forbids.yml:9:7), so GHES refuses an override in its repositories',
    line: 11,
    column: 7,
    hint: 'set `allow_downstream_configuration: true` for `legacy`, or write `inherit`',
  },
  {
    file: 'overrides-duplicate-target.yml',
    message:
      'hook `Check Commits`: repository `ACME/Monorepo` is already named at test/fixtures/config/overrides-duplicate-target.yml:9:7',
    line: 10,
    column: 7,
    hint: /case-insensitively/,
  },
  {
    file: 'overrides-repository-as-organization.yml',
    message: 'hook `Check Commits`: organization `acme/monorepo` is not an organization login',
    line: 9,
    column: 7,
    hint: 'a repository goes under `repositories:`, as owner/name',
  },
  {
    file: 'overrides-repository-name.yml',
    message: 'hook `Check Commits`: repository `monorepo` must be owner/name, like acme/monorepo',
    line: 9,
    column: 7,
  },
  {
    file: 'overrides-absent-hook.yml',
    message:
      'hook `Check Commits`: organization `acme`: the hook is `absent: true`, so its overrides can only be removed',
    line: 6,
    column: 7,
    hint: 'write `inherit`, or remove the entry',
  },
];

describe('overrides are refused', () => {
  it.each(rows)('$file: $message', async (row) => {
    const diagnostics = await diagnosticsOf(fixture(row.file), { env: {} });
    expect(diagnostics).toHaveLength(1);
    const [diagnostic] = diagnostics;
    expect(diagnostic?.severity).toBe('error');
    expect(diagnostic?.message).toBe(row.message);
    expect(diagnostic?.location).toEqual({ file: fixture(row.file), line: row.line, column: row.column });
    if (row.hint !== undefined) expect(diagnostic?.hint).toMatch(row.hint);
  });
});
