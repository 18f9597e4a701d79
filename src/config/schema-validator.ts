// The compiled JSON Schema validator of schemas/ghes-gitops.schema.json. The bundles never run this module: the
// build replaces it with ajv's standalone code for the same schema and options (scripts/build.mjs), so that no
// start-up compiles the schema; under vitest and tsx it compiles here, once, at first use.
import { Ajv, type ValidateFunction } from 'ajv';
import schema from '../../schemas/ghes-gitops.schema.json' with { type: 'json' };

/** The ajv set-up both ways share; `code` is what the build passes to generate standalone code. */
export function createSchemaAjv(code?: { source: true; esm: true }): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    // The errors carry the failing value and its schema: the diagnostics are worded from them.
    verbose: true,
    useDefaults: true,
    strict: true,
    allowUnionTypes: true,
    // then/else list required keys whose `properties` sit one level up, beside the `if`.
    strictRequired: false,
    // Checking our own, fixed schema against the draft-07 meta-schema is done once by the schema test.
    validateSchema: false,
    ...(code ? { code } : {}),
  });
  // Read by the VS Code JSON language service; here it words pattern errors the same way.
  ajv.addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' });
  return ajv;
}

let compiled: ValidateFunction | undefined;

/** The validator of one config file: fills in defaults and collects every error. */
export function schemaValidator(): ValidateFunction {
  compiled ??= createSchemaAjv().compile(schema);
  return compiled;
}
