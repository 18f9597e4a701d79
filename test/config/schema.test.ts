// The JSON Schema is the editor's half of the contract: it must agree with the loader and the shared types.
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import schema from '../../schemas/ghes-gitops.schema.json' with { type: 'json' };
import { loadDesiredState } from '../../src/config/load.js';
import { GLOBAL_WEBHOOK_EVENTS } from '../../src/config/types.js';
import { SCHEMA_URL } from '../../src/version.js';
import { fixture } from './diagnostics.js';

type SchemaNode = Record<string, unknown>;

/** Every subschema that declares properties, with where it sits. */
function objectSchemas(node: unknown, at = '#'): [string, SchemaNode][] {
  if (typeof node !== 'object' || node === null) return [];
  const found: [string, SchemaNode][] = [];
  const record = node as SchemaNode;
  if (typeof record.properties === 'object' && record.type !== undefined) found.push([at, record]);
  for (const [key, child] of Object.entries(record)) found.push(...objectSchemas(child, `${at}/${key}`));
  return found;
}

describe('schemas/ghes-gitops.schema.json', () => {
  it('is a valid draft-07 schema (the loader skips this check at run time)', () => {
    const ajv = new Ajv();
    expect(ajv.validateSchema(schema), ajv.errorsText(ajv.errors)).toBe(true);
  });

  it('is identified by SCHEMA_URL', () => {
    expect(schema.$id).toBe(SCHEMA_URL);
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
  });

  it('describes every field and allows no other', () => {
    const objects = objectSchemas(schema);
    expect(objects.map(([at]) => at)).toEqual(
      expect.arrayContaining(['#', '#/properties/prune', '#/definitions/hook', '#/definitions/webhook']),
    );
    for (const [at, object] of objects) {
      expect(object.additionalProperties, at).toBe(false);
      for (const [key, property] of Object.entries(object.properties as Record<string, SchemaNode>)) {
        expect(property.description, `${at}/properties/${key}`).toEqual(expect.any(String));
      }
    }
  });

  it('lists the global webhook events of the shared types, and accepts them in any case', () => {
    const items = schema.definitions.webhook.properties.events.items;
    expect(items.anyOf[0]?.enum).toEqual([...GLOBAL_WEBHOOK_EVENTS]);
    const pattern = new RegExp(items.anyOf[1]?.pattern ?? '', 'u');
    for (const event of GLOBAL_WEBHOOK_EVENTS) expect(pattern.test(event.toUpperCase())).toBe(true);
    expect(pattern.test('users')).toBe(false);
  });

  it('has a property for every field of each loaded entry', async () => {
    const state = await loadDesiredState(fixture('defaults.yml'), { env: {} });
    const fields = (entry: object): string[] =>
      Object.keys(entry)
        .filter((key) => key !== 'location')
        .sort();
    const { environment, hook, webhook } = schema.definitions;
    expect(Object.keys(environment.properties).sort()).toEqual(fields(state.environments[0]!));
    expect(Object.keys(hook.properties).sort()).toEqual(fields(state.hooks[0]!));
    expect(Object.keys(webhook.properties).sort()).toEqual(fields(state.webhooks[0]!));
  });
});
