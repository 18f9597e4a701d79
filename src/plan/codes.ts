// The closed set of reason codes a plan gives beside its human text (`reasonCode` beside `reason`), so that a
// machine reader never parses English: rewording a reason does not change its code. The README's "Reading a plan"
// lists every one (test/cli/readme-codes.test.ts keeps the two equal).

/** Why an operation is planned, by code, with what the README says of it. */
export const REASON_CODES = {
  absent: 'delete: the config marks the object `absent: true`',
  pruned: 'delete: the config does not declare the object, and prunes its kind',
  renamed: 'update: the object is renamed from one of its `previous_names`',
  'sync-secrets': 'update of a webhook: only its secret is sent again, asked for since secret drift cannot be seen',
  'new-environment': 'download: the environment is created by this plan',
  'image-changed': "download: the environment's `image_url` changes",
  'download-failed': "download: the environment's last download failed",
  'never-downloaded': 'download: the environment was never downloaded',
  'download-in-progress': 'download: a download started elsewhere is in progress; apply lets it end, then downloads',
  inherit: 'delete of an override: the config says `inherit`',
  'replaces-inherited': 'create of an override: the level inherits its enforcement now, and gets its own',
  'new-override': 'create of an override: the level does not list the hook now',
} as const satisfies Record<string, string>;

export type ReasonCode = keyof typeof REASON_CODES;
export type DeleteReason = 'absent' | 'pruned';
export type DownloadReason =
  'new-environment' | 'image-changed' | 'download-failed' | 'never-downloaded' | 'download-in-progress';

/** A reason as an operation carries it: the text for people, the code for machines. */
export interface Because<C extends ReasonCode = ReasonCode> {
  reason: string;
  reasonCode: C;
}

export const ABSENT: Because<'absent'> = { reason: 'absent: true', reasonCode: 'absent' };
export const PRUNED: Because<'pruned'> = { reason: 'pruned', reasonCode: 'pruned' };
