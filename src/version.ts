// The tool's identity, used in the user agent, `--version` and generated files.
// A test keeps VERSION equal to package.json's version.
export const TOOL_NAME = 'ghes-gitops';
export const VERSION = '0.1.0';
export const SCHEMA_URL =
  'https://raw.githubusercontent.com/ghes-gitops/ghes-gitops/main/schemas/ghes-gitops.schema.json';
