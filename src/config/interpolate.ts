// `${NAME}` interpolation: allowed in a webhook's `secret` only, so a config cannot move a token from the
// environment into a URL or a name; `$${` is a literal `${` in every string. Resolved values become Secret objects
// and never appear in a message.
import type { Diagnostic } from '../errors.js';
import { Secret } from '../secret.js';
import type { DesiredState } from './types.js';
import { error, locate, subjectOf, type Path, type SourceFile } from './source.js';

/** `$${` is a literal `${`; `${NAME}` reads NAME; any other `${` is a mistake. */
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\{/g;
const ANY_REFERENCE = /\$\{[^}\s]{0,64}\}?/;

/** How a config writes a literal `${`, in any string: GHES names and URLs may hold one. */
const LITERAL = '$${';

export type EnvironmentVariables = Record<string, string | undefined>;

/** The first `${` of `text` that is not the literal `$${` (a reference, or a stray one), as written; or undefined. */
export function firstReference(text: string): string | undefined {
  if (!text.includes('${')) return undefined;
  for (const match of text.matchAll(REFERENCE)) {
    if (match[0] !== LITERAL) return ANY_REFERENCE.exec(text.slice(match.index))?.[0] ?? '${';
  }
  return undefined;
}

/** A string outside a secret as it is meant, each `$${` read as `${` (loading already refused any other `${`). */
export function literalText(text: string): string {
  return text.includes(LITERAL) ? text.replaceAll(LITERAL, () => '${') : text;
}

/** The inverse of literalText, for export: `text` as a config writes it. (A function, as `$$` in a replacement is `$`.) */
export function escapeLiteral(text: string): string {
  return text.includes('${') ? text.replaceAll('${', () => LITERAL) : text;
}

function isSecretPath(path: Path): boolean {
  return path.length === 3 && path[0] === 'webhooks' && typeof path[1] === 'number' && path[2] === 'secret';
}

/** Every `${...}` outside a webhook secret, `$${` aside, wherever it hides (keys excepted: those are unknown anyway). */
export function findMisplacedReferences(source: SourceFile): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (!source.mayReference) return diagnostics;
  // Alias expansion is already bounded by the parser, so walking the shared subtrees again stays cheap. One path,
  // grown and shrunk on the way, copied only for a finding: a config has tens of thousands of values.
  const path: (string | number)[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      if (!value.includes('${') || isSecretPath(path)) return;
      const reference = firstReference(value);
      if (reference === undefined) return;
      const { entry, field } = subjectOf(source.data, path);
      diagnostics.push(
        error(
          `${entry ? `${entry}: ` : ''}\`${reference}\` in ${field}: environment variables may be read only in a webhook's \`secret\``,
          locate(source, [...path]),
          'a config must not be able to carry a token into a URL or a name; write the value out (`$${` for a literal `${`)',
        ),
      );
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        path.push(index);
        walk(value[index]);
        path.pop();
      }
    } else {
      for (const key in value) {
        path.push(key);
        walk((value as Record<string, unknown>)[key]);
        path.pop();
      }
    }
  };
  walk(source.data);
  return diagnostics;
}

export interface ResolvedSecret {
  secret?: Secret;
  diagnostics: Diagnostic[];
  /** The value is written out in the file, not read from the environment. */
  plainText?: boolean;
}

/**
 * The secret a webhook entry declares, with its references read from `env`. An empty variable is refused
 * like an unset one: a missing Actions secret reads as empty, and would silently remove the live secret.
 */
export function resolveSecret(
  source: SourceFile,
  index: number,
  raw: string,
  env: EnvironmentVariables,
): ResolvedSecret {
  const path = ['webhooks', index, 'secret'];
  const entry = subjectOf(source.data, path).entry ?? `webhooks[${index}]`;
  const location = locate(source, path);
  const diagnostics: Diagnostic[] = [];
  let malformed = false;
  let references = 0;
  const value = raw.replace(REFERENCE, (match, name: string | undefined) => {
    if (match === LITERAL) return '${';
    references += 1;
    if (name === undefined) {
      malformed = true;
      return '';
    }
    // Own properties only: `${__proto__}` must read as unset, not as Object.prototype.
    const variable = Object.hasOwn(env, name) ? env[name] : undefined;
    if (variable === undefined) {
      diagnostics.push(
        error(
          `${entry}: secret reads the environment variable \`${name}\`, which is not set`,
          location,
          `set ${name} in the environment (in a workflow: \`env: { ${name}: \${{ secrets.${name} }} }\`)`,
        ),
      );
    } else if (variable === '') {
      diagnostics.push(
        error(
          `${entry}: secret reads the environment variable \`${name}\`, which is empty`,
          location,
          'a missing Actions secret reads as empty; set it, or write `secret: ""` to remove the webhook\'s secret',
        ),
      );
    }
    return variable ?? '';
  });
  if (malformed) {
    diagnostics.push(
      error(
        `${entry}: secret has a \`\${\` that is not a \`\${NAME}\` reference`,
        location,
        'a name is letters, digits and _; write `$${` for a literal `${`',
      ),
    );
  }
  return diagnostics.length > 0
    ? { diagnostics }
    : { secret: new Secret(value), diagnostics, plainText: references === 0 && value !== '' };
}

/** Every non-empty secret in the state, longest first, so the CLI can mask them in any output. */
export function secretValues(state: DesiredState): string[] {
  const values = new Set<string>();
  for (const webhook of state.webhooks) {
    const value = webhook.secret?.reveal();
    if (value) values.add(value);
  }
  return [...values].sort((a, b) => b.length - a.length);
}
