/** Builds every bundle (dist/cli.js, dist/index.js and the chunks/ they import) into outDir, which is emptied first. */
export function buildBundles(outDir: string): Promise<void>;
/** src/config/schema-validator.ts as the bundles hold it: ajv standalone code, exporting schemaValidator(). */
export function schemaValidatorSource(): Promise<string>;
