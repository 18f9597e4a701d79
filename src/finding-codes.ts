// The closed sets of codes the JSON plan gives beside each warning and error it prints (`code` beside `message`),
// so that a machine reader never parses English: rewording a message does not change its code. The README lists
// every one (test/cli/readme-codes.test.ts keeps the lists and the README equal).

/** Warnings: of an operation (`warningCodes`), its blast radius (`blastRadiusCodes`), the plan, or its review. */
export const WARNING_CODES = {
  'insecure-ssl': 'a webhook has `insecure_ssl: true`: deliveries do not verify its TLS certificate',
  'plain-text-secret': "a webhook's secret is written in the config in plain text",
  'mass-delete-allowed': 'the plan deletes more than the mass-delete guard allows, and `allow-mass-delete` lets it',
  'undeclarable-kept':
    'prune is on, but a live object is left alone: no config can declare it as it is (a name with edge white space or a line break, a URL that is not http, a value this tool does not know)',
  'preflight-skipped': 'hook scripts were not checked (`skip-preflight`)',
  'delete-while-downloading':
    'an environment to delete has a download in progress; GHES refuses the delete until it ends',
  'hooks-count-mismatch':
    'an environment to delete counts more hooks than GHES lists; GHES refuses the delete while any remain',
  'unknown-download-state': 'an environment reports a download state this tool does not know; no download is planned',
  'override-hidden': "a hook's override to remove cannot be seen at its level (disabled above); nothing is removed",
  'blast-enforced':
    'blast radius: a hook becomes `enabled`: every push to every repository runs it and is rejected when it fails',
  'blast-testing':
    'blast radius: a hook goes to `testing`: every push runs it, and its run time counts toward the 5 s timeout',
  'blast-changed-enforced':
    "blast radius: an `enabled` hook's script or environment changes: every push runs the changed hook",
  'blast-removed': 'blast radius: an `enabled` hook is deleted: an enforced check leaves every repository',
  'blast-downstream-revoked':
    'blast radius: admins below can no longer change the hook, so it runs where they had turned it off',
  'blast-new-image': "blast radius: an environment's image changes while hooks run in it on every push",
  'blast-organization': "blast radius: an organization's override changes what every repository in it runs",
} as const satisfies Record<string, string>;

/** Errors: why apply would refuse the plan (the JSON plan's `errors[]`). */
export const ERROR_CODES = {
  'mass-delete': 'the plan deletes more than the mass-delete guard allows; apply refuses it',
  'script-check-failed': 'preflight could not check a hook script (the server did not answer)',
  'script-not-checked': 'preflight has no answer for a hook script',
  'script-repository-not-found': "a hook's script repository is not found, or the token cannot read it",
  'script-not-found': "a hook's script is not on the default branch of its repository",
  'script-not-executable': "a hook's script on the default branch is not executable",
} as const satisfies Record<string, string>;

export type WarningCode = keyof typeof WARNING_CODES;
export type ErrorCode = keyof typeof ERROR_CODES;

/** A warning as the plan carries it: the text for people, the code for machines. */
export interface Warning<C extends WarningCode = WarningCode> {
  code: C;
  message: string;
}
