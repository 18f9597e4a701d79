// Validation against schemas/ghes-gitops.schema.json, the same file editors use through yaml-language-server.
// ajv also fills in the schema's defaults; its errors become diagnostics worded for people, at the YAML node.
import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../errors.js';
import { schemaValidator } from './schema-validator.js';
import { didYouMean } from './suggest.js';
import { error, isRecord, locate, quotable, subjectOf, type Path, type SourceFile } from './source.js';

export const SUPPORTED_VERSION = 1;

/** An unknown version changes what the rest of the file means, so nothing else in it is checked. */
export function checkVersion(source: SourceFile): Diagnostic | undefined {
  if (!('version' in source.data) || source.data.version === SUPPORTED_VERSION) return undefined;
  const value = source.data.version;
  const hint = value === '1' ? 'write `version: 1`, without quotes' : undefined;
  return error(
    `unknown version \`${quotable(value) ?? typeof value}\`; this ghes-gitops reads version ${SUPPORTED_VERSION}`,
    locate(source, ['version']),
    hint,
  );
}

function toPath(instancePath: string, data: unknown): Path {
  const path: (string | number)[] = [];
  let node = data;
  for (const raw of instancePath.split('/').slice(1)) {
    const step = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const index = Array.isArray(node) ? Number(step) : undefined;
    path.push(index ?? step);
    node = index === undefined ? (isRecord(node) ? node[step] : undefined) : (node as unknown[])[index];
  }
  return path;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  number: 'a number',
  integer: 'a whole number',
};

/** The JSON types an ajv `type` error expects, `null` left out: it only ever means "may be left empty". */
function expectedTypes(type: unknown): string[] {
  return (Array.isArray(type) ? type : String(type).split(',')).map(String).filter((t) => t !== 'null');
}

function typeHint(expected: readonly string[], value: unknown, sensitive: boolean): string | undefined {
  if (expected.includes('boolean') && typeof value === 'string') {
    if (/^(true|false)$/i.test(value)) return 'remove the quotes';
    if (/^(y|n|yes|no|on|off)$/i.test(value)) return `YAML 1.2 reads \`${value}\` as a string; write true or false`;
  }
  if (expected.includes('string') && (typeof value === 'number' || typeof value === 'boolean')) {
    return sensitive ? 'quote it' : `quote it: "${String(value)}"`;
  }
  if (expected.includes('array') && isRecord(value)) return 'start each entry with `- `';
  if (expected.includes('array') && typeof value === 'string') return 'write a list: [a, b], or one `- item` per line';
  if (expected.includes('object') && typeof value === 'string')
    return 'each entry is a mapping of keys, like `- name: ...`';
  return undefined;
}

function describeError(err: ErrorObject, source: SourceFile): Diagnostic {
  const path = toPath(err.instancePath, source.data);
  const { entry, field } = subjectOf(source.data, path);
  const prefix = entry ? `${entry}: ` : '';
  const at = locate(source, path);
  const parentSchema = isRecord(err.parentSchema) ? err.parentSchema : {};

  switch (err.keyword) {
    case 'additionalProperties': {
      const key = String((err.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys(isRecord(parentSchema.properties) ? parentSchema.properties : {});
      const where =
        path.length === 0
          ? 'at the top level'
          : entry && path.length > 2
            ? `in ${field} of ${entry}`
            : `in ${entry ?? field}`;
      const hint =
        key === '<<'
          ? 'YAML merge keys are not supported; write the fields out'
          : key === 'allow_downstream_configuration' && path[2] === 'repositories'
            ? 'a repository has no level below it to allow; set it on the organization or the hook'
            : didYouMean(key, allowed);
      return error(
        `unknown key \`${quotable(key)}\` ${where}; allowed: ${allowed.join(', ')}`,
        locate(source, [...path, key], 'key'),
        hint,
      );
    }
    case 'required': {
      const key = String((err.params as { missingProperty: string }).missingProperty);
      if (path.length === 0) {
        return error(`missing \`${key}: ${SUPPORTED_VERSION}\``, at, 'every config file starts with `version: 1`');
      }
      // Inside an entry (an override's mapping): name the field, not the entry.
      if (path.length > 2) {
        return error(
          `${prefix}${field} is missing \`${key}\``,
          at,
          key === 'enforcement' ? 'enabled, disabled or testing' : undefined,
        );
      }
      const hint =
        key === 'name' || key === 'url'
          ? `the ${key} identifies the entry, even one that is \`absent: true\``
          : key === 'environment'
            ? 'name an environment declared under environments, or Default for the built-in one'
            : 'only an entry with `absent: true` may leave it out';
      return error(`${entry ?? field} is missing \`${key}\``, at, hint);
    }
    case 'type': {
      const expected = expectedTypes((err.params as { type: unknown }).type);
      if (path.length === 1 && path[0] === 'prune') {
        return error('prune must be true, false or a mapping of environments, hooks and webhooks to true or false', at);
      }
      if (path.length === 4 && (path[2] === 'organizations' || path[2] === 'repositories')) {
        const form =
          path[2] === 'organizations' ? '{ enforcement, allow_downstream_configuration }' : '{ enforcement }';
        return error(`${prefix}${field} must be enabled, disabled, testing, inherit or ${form}`, at);
      }
      const words = expected.map((type) => TYPE_WORDS[type] ?? type).join(' or ');
      // A secret written as a number is still a secret: the hint must not quote it back.
      const sensitive = path.at(-1) === 'secret';
      return error(`${prefix}${field} must be ${words}`, at, typeHint(expected, err.data, sensitive));
    }
    case 'enum': {
      const allowed = ((err.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
      const value = typeof err.data === 'string' ? err.data : undefined;
      const hint = value === undefined ? undefined : didYouMean(value, allowed);
      if (path.length === 4 && path[2] === 'events') {
        return error(
          `${prefix}unknown event \`${quotable(err.data)}\`; global webhooks send ${allowed.join(', ')}`,
          at,
          hint,
        );
      }
      const got = quotable(err.data);
      return error(
        `${prefix}${field} must be one of ${allowed.join(', ')}${got === undefined ? '' : `; got \`${got}\``}`,
        at,
        hint,
      );
    }
    case 'pattern': {
      const wording =
        typeof parentSchema.patternErrorMessage === 'string'
          ? parentSchema.patternErrorMessage
          : `must match ${String(parentSchema.pattern)}`;
      return error(`${prefix}${field} ${wording}`, at);
    }
    case 'minLength':
      return error(`${prefix}${field} must not be empty`, at);
    case 'minItems':
      return error(
        `${prefix}${field} must not be empty`,
        at,
        field === 'events' ? 'leave events out for the default, [organization, user]' : undefined,
      );
    default:
      return error(`${prefix}${field} ${err.message ?? 'is invalid'}`, at);
  }
}

/**
 * `if` and `anyOf` failures only repeat their branches' errors. For `anyOf`, the first branch says what
 * is expected (the events enum); later ones are alternative spellings of it.
 */
function isWorthReporting(err: ErrorObject): boolean {
  if (err.keyword === 'if' || err.keyword === 'anyOf') return false;
  // An empty string fails both minLength and the pattern; "must not be empty" says it best.
  if (err.keyword === 'pattern' && err.data === '' && isRecord(err.parentSchema) && 'minLength' in err.parentSchema) {
    return false;
  }
  return !/\/anyOf\/[1-9]\d*\//.test(err.schemaPath);
}

/** Checks one file against the schema and fills in its defaults. */
export function validateAgainstSchema(source: SourceFile): Diagnostic[] {
  const validate = schemaValidator();
  if (validate(source.data)) return [];
  return (validate.errors ?? []).filter(isWorthReporting).map((err) => describeError(err, source));
}
