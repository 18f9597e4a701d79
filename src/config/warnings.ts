// What a valid config may still hold that a reviewer should weigh: a webhook delivering without TLS checks, a
// secret written out in the file. Warnings, located like errors; every plan repeats them, changed or not.
import type { Finding } from '../errors.js';
import type { RawEntry } from './checks.js';
import { locate } from './source.js';

export const INSECURE_SSL_WARNING = 'insecure_ssl: true: deliveries do not verify the TLS certificate of this URL';

export function webhookSubject(url: string): string {
  return `webhook "${url.trim()}"`;
}

/** `insecure_ssl: true` on every webhook the config keeps (an absent one is deleted, so nothing to warn of). */
export function insecureSslWarnings(entries: readonly RawEntry[]): Finding<'insecure-ssl'>[] {
  const warnings: Finding<'insecure-ssl'>[] = [];
  for (const entry of entries) {
    const { value } = entry;
    if (entry.listKey !== 'webhooks' || value.insecure_ssl !== true || value.absent === true) continue;
    if (typeof value.url !== 'string') continue;
    warnings.push({
      severity: 'warning',
      code: 'insecure-ssl',
      subject: webhookSubject(value.url),
      message: INSECURE_SSL_WARNING,
      location: locate(entry.source, ['webhooks', entry.index, 'insecure_ssl']),
      hint: 'set `insecure_ssl: false` once the receiver has a certificate the instance trusts',
    });
  }
  return warnings;
}

/** A secret with no `${NAME}` in it: still sent, but it is in the repository's history for every reader. */
export function plainTextSecretWarning(entry: RawEntry): Finding<'plain-text-secret'> {
  const url = typeof entry.value.url === 'string' ? entry.value.url : `webhooks[${entry.index}]`;
  return {
    severity: 'warning',
    code: 'plain-text-secret',
    subject: webhookSubject(url),
    message: 'secret is written in the config in plain text, so everyone who can read the repository knows it',
    location: locate(entry.source, ['webhooks', entry.index, 'secret']),
    hint: 'keep it in an environment variable (an Actions secret) and write `secret: ${NAME}`',
  };
}
