// Checks requests (and responses) against the extract of GitHub's OpenAPI description of GHES 3.19
// (made by scripts/extract-openapi.mjs), so the integration suite proves the tool speaks the real API.
import { Ajv } from 'ajv';
import extract from './ghes-3.19.extract.json' with { type: 'json' };

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: object;
}

interface ContractOperation {
  operationId: string;
  method: string;
  path: string;
  parameters: Parameter[];
  requestBody: { required: boolean; schema: object } | null;
  responses: Record<string, object | null>;
}

export interface RecordedRequest {
  method: string;
  /** The path as sent, with or without the `/api/v3` prefix. */
  path: string;
  query?: Record<string, string | string[] | undefined>;
  body?: unknown;
  status?: number;
  responseBody?: unknown;
}

const MULTI_SEGMENT = new Set(['path', 'tree_sha']);
/**
 * The OpenAPI `format`s the extract uses, declared so that ajv checks them instead of warning once per schema.
 * int64: JSON numbers are doubles, so an id is an integer within the range a double holds exactly.
 * date-time: ISO 8601 as GitHub writes it (the issue list's `since`).
 */
export const FORMATS = {
  int64: { type: 'number', validate: (value: number) => Number.isSafeInteger(value) },
  'date-time': {
    type: 'string',
    validate: (value: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(value),
  },
} as const;

const ajv = new Ajv({ strict: false, allErrors: true, formats: FORMATS });

/**
 * OpenAPI 3.0's `nullable` next to a `oneOf` without a `type` (the issue endpoints' `title`, `milestone`), which
 * ajv refuses to compile: the same meaning written as one more alternative, `{type: 'null'}`.
 */
function forAjv(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(forAjv);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, forAjv(value)])) as Record<
    string,
    unknown
  >;
  if (out.nullable === true && out.type === undefined && Array.isArray(out.oneOf)) {
    delete out.nullable;
    out.oneOf = [...(out.oneOf as unknown[]), { type: 'null' }];
  }
  return out;
}
const operations = (extract.operations as unknown as ContractOperation[]).map((op) => ({
  ...op,
  // `{path}` (contents) and `{tree_sha}` (a ref such as a branch) may span segments; every other parameter is one.
  pattern: new RegExp(
    `^${op.path.replace(/\{([^}]+)\}/g, (_, name: string) => (MULTI_SEGMENT.has(name) ? '.+' : '[^/]+'))}$`,
  ),
  validateBody: op.requestBody ? ajv.compile(forAjv(op.requestBody.schema) as object) : undefined,
}));

export function findOperation(method: string, path: string) {
  const bare = path.replace(/^\/api\/v3/, '').split('?')[0] ?? '';
  // A literal segment beats a parameter: /downloads/latest is not /downloads/{id}.
  return operations
    .filter((op) => op.method === method.toUpperCase() && op.pattern.test(bare))
    .sort((a, b) => b.path.split('{').length - a.path.split('{').length)
    .at(-1);
}

/** Every way the request departs from the OpenAPI description; empty when it conforms. */
export function contractViolations(request: RecordedRequest): string[] {
  const where = `${request.method} ${request.path}`;
  const op = findOperation(request.method, request.path);
  if (!op) return [`${where}: no such operation in GHES 3.19's OpenAPI description`];
  const problems: string[] = [];
  const known = new Set(op.parameters.filter((p) => p.in === 'query').map((p) => p.name));
  for (const name of Object.keys(request.query ?? {})) {
    if (!known.has(name)) problems.push(`${where}: unknown query parameter \`${name}\` for ${op.operationId}`);
  }
  for (const param of op.parameters) {
    const value = request.query?.[param.name];
    if (param.in !== 'query' || value === undefined) continue;
    const schema = param.schema as { type?: string; enum?: string[]; maximum?: number };
    const text = String(value);
    if (schema.type === 'integer' && !/^\d+$/.test(text)) problems.push(`${where}: ${param.name} must be an integer`);
    if (schema.enum && !schema.enum.includes(text))
      problems.push(`${where}: ${param.name} must be one of ${schema.enum.join(', ')}`);
    if (schema.maximum !== undefined && Number(text) > schema.maximum)
      problems.push(`${where}: ${param.name} over ${schema.maximum}`);
  }
  const hasBody = request.body !== undefined && request.body !== null && request.body !== '';
  if (op.validateBody) {
    if (!hasBody && op.requestBody?.required) problems.push(`${where}: ${op.operationId} requires a body`);
    if (hasBody && !op.validateBody(request.body)) {
      problems.push(`${where}: body does not match ${op.operationId}: ${ajv.errorsText(op.validateBody.errors)}`);
    }
  } else if (hasBody) {
    problems.push(`${where}: ${op.operationId} takes no body`);
  }
  return problems;
}

const responseValidators = new Map<string, ReturnType<typeof ajv.compile>>();

/** Whether a (simulator's) response body matches the declared schema for its status, when one is declared. */
export function responseViolations(request: RecordedRequest): string[] {
  const op = findOperation(request.method, request.path);
  if (!op || request.status === undefined) return [];
  const schema = op.responses[String(request.status)];
  if (!schema) return [];
  const key = `${op.operationId} ${request.status}`;
  let validate = responseValidators.get(key);
  if (!validate) {
    validate = ajv.compile(forAjv(schema) as object);
    responseValidators.set(key, validate);
  }
  return validate(request.responseBody)
    ? []
    : [`${request.method} ${request.path} → ${request.status}: ${ajv.errorsText(validate.errors)}`];
}
