// Whether a config can declare a live object as it is: GHES holds names and URLs that the schema refuses (white space
// at an end, a line break), and may send values this tool does not know (a newer version's event). Export leaves such
// an object out, saying why; the planner never prunes one, since no config could have declared it to keep it. One
// rule for both, so that what export leaves out is never deleted.
import { GLOBAL_WEBHOOK_EVENTS, webhookIdentity, type Kind } from '../config/types.js';
import type { Warning } from '../finding-codes.js';
import type { ObservedEnvironment, ObservedHook, ObservedWebhook } from '../github/types.js';

/**
 * The schema's patterns of the strings a live object carries into a config (schemas/ghes-gitops.schema.json, with the
 * `u` flag ajv compiles them with; test/report/export-names.test.ts keeps them equal), and what each field must be.
 */
export const DECLARABLE = {
  name: { pattern: /^\S(?:.*\S)?$/u, what: 'a name' },
  image_url: { pattern: /^[Hh][Tt][Tt][Pp][Ss]?:\/\/[^\s/?#]+\S*$/u, what: 'an http:// or https:// URL' },
  script: { pattern: /^[^/\s](.*\S)?$/u, what: 'a path inside the repository' },
  script_repository: { pattern: /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/u, what: 'owner/name' },
  url: { pattern: /^[Hh][Tt][Tt][Pp][Ss]?:\/\/[^\s/?#]+\S*$/u, what: 'an http:// or https:// URL' },
} as const;

/** The schema's enums of the values a live object carries into a config (the same test keeps them equal). */
export const KNOWN_VALUES: Readonly<Record<'enforcement' | 'content_type' | 'event', readonly string[]>> = {
  enforcement: ['enabled', 'disabled', 'testing'],
  content_type: ['json', 'form'],
  event: GLOBAL_WEBHOOK_EVENTS,
};

/** A live string in a message: quoted, its line breaks and controls escaped, so that it shows what is wrong. */
export function shown(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** What is wrong with a value the field's pattern refuses, or undefined when it takes it. */
function flaw(field: keyof typeof DECLARABLE, value: string): string | undefined {
  const { pattern, what } = DECLARABLE[field];
  if (pattern.test(value)) return undefined;
  if (value === '') return 'is empty';
  if (/[\n\r\u2028\u2029]/.test(value)) return 'holds a line break';
  if (/^\s|\s$/u.test(value)) return 'starts or ends with white space';
  return `is not ${what}`;
}

function problem(field: keyof typeof DECLARABLE, value: string): string | undefined {
  const why = flaw(field, value);
  return why && `its ${field} ${shown(value)} ${why}`;
}

/** A value outside the field's enum (events in any case, as the config lower-cases them). */
function unknown(field: keyof typeof KNOWN_VALUES, value: string): string | undefined {
  const known = KNOWN_VALUES[field];
  if (known.includes(field === 'event' ? value.toLowerCase() : value)) return undefined;
  return `its ${field} ${shown(value)} is not one of ${known.join(', ')}`;
}

/** Why no config can declare this environment as it is; undefined when one can. */
export function undeclarableEnvironment(env: ObservedEnvironment): string | undefined {
  return problem('name', env.name) ?? problem('image_url', env.image_url);
}

/** Why no config can declare this hook as it is (its environment's name included); undefined when one can. */
export function undeclarableHook(hook: ObservedHook): string | undefined {
  const environment = hook.environment.default_environment ? undefined : flaw('name', hook.environment.name);
  return (
    problem('name', hook.name) ??
    problem('script', hook.script) ??
    problem('script_repository', hook.script_repository) ??
    (environment && `it runs in environment ${shown(hook.environment.name)}, whose name ${environment}`) ??
    unknown('enforcement', hook.enforcement)
  );
}

/** Why no config can declare this webhook (its URL trimmed, as the planner compares it); undefined when one can. */
export function undeclarableWebhook(webhook: ObservedWebhook): string | undefined {
  let event: string | undefined;
  for (const name of webhook.events) event ??= unknown('event', name);
  return problem('url', webhookIdentity(webhook.url)) ?? unknown('content_type', webhook.content_type) ?? event;
}

/**
 * Whether prune deletes a live object the config does not declare (`prune` is the kind's setting): never one that no
 * config could have declared to keep it, which the plan names instead with an `undeclarable-kept` warning.
 */
export function prunes<T extends { id: number }>(
  prune: boolean,
  kind: Kind,
  object: T,
  name: string,
  undeclarable: (object: T) => string | undefined,
  warnings: Warning[],
): boolean {
  if (!prune) return false;
  const why = undeclarable(object);
  if (why === undefined) return true;
  warnings.push({
    code: 'undeclarable-kept',
    message:
      `${kind} ${shown(name)} (id ${object.id}) is not pruned: ${why}, which no config can declare; ` +
      'fix it on the instance (site admin) to manage it, or delete it there',
  });
  return false;
}
