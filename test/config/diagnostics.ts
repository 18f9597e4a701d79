// Shared by the config tests: load a fixture and get the diagnostics it must fail with.
import { expect } from 'vitest';
import { loadDesiredState, type LoadOptions } from '../../src/config/load.js';
import { ConfigError, type Diagnostic } from '../../src/errors.js';

export const FIXTURES = 'test/fixtures/config';

export function fixture(name: string): string {
  return `${FIXTURES}/${name}`;
}

/** The diagnostics of a load that must fail with a ConfigError (and nothing else). */
export async function diagnosticsOf(path: string, options?: LoadOptions): Promise<Diagnostic[]> {
  const failure: unknown = await loadDesiredState(path, options).then(
    () => new Error(`${path} loaded, but should have failed`),
    (err: unknown) => err,
  );
  expect(failure).toBeInstanceOf(ConfigError);
  return (failure as ConfigError).diagnostics;
}

/** The ConfigError itself, for tests about its message. */
export async function configErrorOf(path: string, options?: LoadOptions): Promise<ConfigError> {
  const failure: unknown = await loadDesiredState(path, options).catch((err: unknown) => err);
  expect(failure).toBeInstanceOf(ConfigError);
  return failure as ConfigError;
}
