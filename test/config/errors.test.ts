// Every rule the loader enforces, one fixture per concern: the message, and the file, line and column it points at.
import { describe, expect, it } from 'vitest';
import { diagnosticsOf, fixture } from './diagnostics.js';

interface Row {
  file: string;
  message: string | RegExp;
  line: number;
  column: number;
  hint?: string | RegExp;
  env?: Record<string, string | undefined>;
  /** The file the diagnostic points at, when not `file` itself (a directory). */
  at?: string;
}

const ENV = { GHES_AUDIT_HOOK_SECRET: 'correct-horse-battery-staple' };

const rows: Row[] = [
  // Schema: values, keys, types, patterns
  {
    file: 'bad-enforcement.yml',
    message: 'hook `Check Commits`: enforcement must be one of enabled, disabled, testing; got `enabeld`',
    line: 7,
    column: 18,
    hint: 'did you mean `enabled`?',
  },
  {
    file: 'unknown-key.yml',
    message:
      'unknown key `enforcment` in hook `Check Commits`; allowed: name, script, script_repository, environment, enforcement, allow_downstream_configuration, organizations, repositories, previous_names, absent',
    line: 7,
    column: 5,
    hint: 'did you mean `enforcement`?',
  },
  {
    file: 'unknown-top-level-key.yml',
    message: 'unknown key `webhook` at the top level; allowed: version, suspend, prune, environments, hooks, webhooks',
    line: 2,
    column: 1,
    hint: 'did you mean `webhooks`?',
  },
  { file: 'missing-script.yml', message: 'hook `Check Commits` is missing `script`', line: 3, column: 5 },
  {
    file: 'missing-environment.yml',
    message: 'hook `Check Commits` is missing `environment`',
    line: 3,
    column: 5,
    hint: /or Default for the built-in one/,
  },
  { file: 'empty-name.yml', message: 'hooks[0]: name must not be empty', line: 3, column: 11 },
  {
    file: 'absent-without-identity.yml',
    message: 'webhooks[0] is missing `url`',
    line: 3,
    column: 5,
    hint: 'the url identifies the entry, even one that is `absent: true`',
  },
  { file: 'missing-version.yml', message: 'missing `version: 1`', line: 1, column: 1 },
  // The rest of a file with an unknown version is not checked: `future_field` gives no second error.
  {
    file: 'unknown-version.yml',
    message: 'unknown version `2`; this ghes-gitops reads version 1',
    line: 1,
    column: 10,
  },
  {
    file: 'bad-event.yml',
    message: /^webhook `https:\/\/hooks\.example\.com\/ghes`: unknown event `orgnization`; global webhooks send user, /,
    line: 4,
    column: 20,
    hint: 'did you mean `organization`?',
  },
  { file: 'empty-events.yml', message: 'events must not be empty', line: 4, column: 13 },
  {
    file: 'bad-script-repository.yml',
    message: 'hook `Check Commits`: script_repository must be owner/name, like DevIT/hooks',
    line: 5,
    column: 24,
  },
  {
    file: 'bad-script-path.yml',
    message: /hook `Check Commits`: script must be a path inside script_repository.*no leading \//,
    line: 4,
    column: 13,
  },
  { file: 'bad-url-scheme.yml', message: 'url must be an http:// or https:// URL', line: 3, column: 10 },
  {
    file: 'unparsable-url.yml',
    message: 'environment `DevTools Hook Env`: image_url is not a valid URL',
    line: 4,
    column: 16,
  },
  {
    file: 'yes-for-boolean.yml',
    message: 'active must be true or false',
    line: 4,
    column: 13,
    hint: 'YAML 1.2 reads `yes` as a string; write true or false',
  },
  { file: 'bad-prune.yml', message: /^prune must be true, false or a mapping/, line: 2, column: 8 },
  {
    file: 'bad-prune-kind.yml',
    message: 'unknown key `hook` in prune; allowed: environments, hooks, webhooks',
    line: 4,
    column: 3,
    hint: 'did you mean `hooks`?',
  },

  // Interpolation
  {
    file: 'interpolation-in-url.yml',
    message: "`${GHES_TOKEN}` in url: environment variables may be read only in a webhook's `secret`",
    line: 3,
    column: 10,
    env: ENV,
  },
  { file: 'interpolation-in-hook-name.yml', message: '`${USER}` in name', line: 3, column: 11 },
  {
    file: 'unset-secret-variable.yml',
    message: 'secret reads the environment variable `GHES_AUDIT_HOOK_SECRET`, which is not set',
    line: 4,
    column: 13,
    env: {},
  },
  {
    file: 'unset-secret-variable.yml',
    message: 'secret reads the environment variable `GHES_AUDIT_HOOK_SECRET`, which is empty',
    line: 4,
    column: 13,
    env: { GHES_AUDIT_HOOK_SECRET: '' },
    hint: /write `secret: ""`/,
  },
  {
    file: 'malformed-secret-reference.yml',
    message: 'secret has a `${` that is not a `${NAME}` reference',
    line: 4,
    column: 13,
    env: { GHES: 'x', AUDIT: 'y' },
  },

  // Cross-checks
  {
    file: 'duplicate-hook-name.yml',
    message:
      'duplicate hook name `check commits`; already declared at test/fixtures/config/duplicate-hook-name.yml:3:11',
    line: 7,
    column: 11,
    hint: /case-insensitively/,
  },
  {
    file: 'duplicate-environment-name.yml',
    message:
      'duplicate environment name `DevTools Hook Env`; already declared at test/fixtures/config/duplicate-environment-name.yml:3:11',
    line: 5,
    column: 11,
  },
  {
    file: 'previous-name-is-taken.yml',
    message: 'hook `Check Commit Messages`: previous name `check commits` is the name of hook `Check Commits`',
    line: 11,
    column: 22,
  },
  {
    file: 'previous-name-shared.yml',
    message:
      'environment `Build Hook Env`: previous name `tools env` is also a previous name of environment `DevTools Hook Env`',
    line: 8,
    column: 22,
  },
  {
    file: 'duplicate-webhook-url.yml',
    message:
      'duplicate webhook url `https://hooks.example.com/ghes`; already declared at test/fixtures/config/duplicate-webhook-url.yml:3:10',
    line: 5,
    column: 10,
  },
  {
    file: 'environment-by-previous-name.yml',
    message: 'environment `Old Tools Env` is not declared in this config',
    line: 10,
    column: 18,
    hint: '`Old Tools Env` is a previous name of environment `DevTools Hook Env`; use its current name',
  },
  {
    file: 'hook-on-absent-environment.yml',
    message: 'hook `Check Commits`: environment `DevTools Hook Env` is declared `absent: true`',
    line: 9,
    column: 18,
  },
  {
    file: 'duplicate-hook-script.yml',
    message:
      'hook `Check Commits Again`: script `scripts/commit_check.sh` of `devit/HOOKS` is already used by hook `Check Commits`',
    line: 8,
    column: 13,
  },
  {
    file: 'default-environment-declared.yml',
    message: 'environment `default`: the built-in Default environment cannot be managed',
    line: 3,
    column: 11,
  },

  // Hostile or odd input
  { file: 'tabs.yml', message: 'tabs are not allowed for indentation', line: 3, column: 1, hint: 'indent with spaces' },
  { file: 'syntax-error.yml', message: /^YAML syntax error: Flow sequence/, line: 5, column: 3 },
  { file: 'duplicate-key.yml', message: 'duplicate key `enforcement` (first at line 7)', line: 8, column: 5 },
  { file: 'alias-bomb.yml', message: 'YAML aliases expand to too many nodes (more than 100)', line: 3, column: 8 },
  { file: 'deep-nesting.yml', message: 'brackets nest more than 64 levels deep', line: 2, column: 72 },
  { file: 'top-level-list.yml', message: /^the top level must be a mapping .* not a list$/, line: 1, column: 1 },
  { file: 'empty.yml', message: 'the file is empty', line: 1, column: 1 },
  { file: 'multiple-documents.yml', message: 'the file holds more than one YAML document', line: 2, column: 1 },
  { file: 'unknown-tag.yml', message: 'Unresolved tag: !vault', line: 3, column: 10 },

  // Directories: the same object in two files names both
  {
    file: 'dir-duplicate',
    message:
      'duplicate hook name `Check Commits`; already declared at test/fixtures/config/dir-duplicate/hooks-a.yml:3:11',
    at: 'dir-duplicate/hooks-b.yml',
    line: 4,
    column: 11,
  },
  {
    file: 'dir-prune-twice',
    message: 'prune is already set at test/fixtures/config/dir-prune-twice/a.yml:2:1',
    at: 'dir-prune-twice/b.yml',
    line: 3,
    column: 1,
  },
];

describe('loadDesiredState refuses', () => {
  it.each(rows)('$file: $message', async (row) => {
    const diagnostics = await diagnosticsOf(fixture(row.file), { env: row.env ?? {} });
    // One concern per fixture: anything more is noise the user would have to read.
    expect(diagnostics).toHaveLength(1);
    const [diagnostic] = diagnostics;
    expect(diagnostic?.severity).toBe('error');
    expect(diagnostic?.message).toMatch(row.message);
    expect(diagnostic?.location).toEqual({ file: fixture(row.at ?? row.file), line: row.line, column: row.column });
    if (row.hint !== undefined) expect(diagnostic?.hint).toMatch(row.hint);
  });
});
