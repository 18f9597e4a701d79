// Secrets: read from the environment only where allowed, held as Secret objects, and never printed.
import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadDesiredState, secretValues } from '../../src/config/load.js';
import { SENSITIVE } from '../../src/secret.js';
import { configErrorOf, fixture } from './diagnostics.js';

const ENV = { GHES_AUDIT_HOOK_SECRET: 'correct-horse-battery-staple', REGION: 'eu-west' };

describe('webhook secrets', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('are read whole or embedded, "" means no secret, a missing key leaves the live one alone, $${ is a literal', async () => {
    const state = await loadDesiredState(fixture('secrets.yml'), { env: ENV });
    const [whole, embedded, empty, missing, literal] = state.webhooks;
    expect(whole?.secret?.reveal()).toBe('correct-horse-battery-staple');
    expect(embedded?.secret?.reveal()).toBe('v1-correct-horse-battery-staple-eu-west');
    expect(empty?.secret?.isEmpty).toBe(true);
    expect(missing?.secret).toBeUndefined();
    expect(literal?.secret?.reveal()).toBe('${NOT_A_REFERENCE}');
  });

  it('are read from process.env when no env is passed', async () => {
    vi.stubEnv('GHES_AUDIT_HOOK_SECRET', 'from-process-env');
    const state = await loadDesiredState(fixture('unset-secret-variable.yml'));
    expect(state.webhooks[0]?.secret?.reveal()).toBe('from-process-env');
  });

  it('are read from own variables only, never from a prototype', async () => {
    const inherited = Object.create({ GHES_AUDIT_HOOK_SECRET: 'inherited' }) as Record<string, string>;
    const failure = await configErrorOf(fixture('unset-secret-variable.yml'), { env: inherited });
    expect(failure.diagnostics.map((d) => d.message)).toEqual([
      'webhook `https://hooks.example.com/ghes`: secret reads the environment variable `GHES_AUDIT_HOOK_SECRET`, which is not set',
    ]);
  });

  it('are listed by secretValues, longest first, without the empty one', async () => {
    const state = await loadDesiredState(fixture('secrets.yml'), { env: ENV });
    expect(secretValues(state)).toEqual([
      'v1-correct-horse-battery-staple-eu-west',
      'correct-horse-battery-staple',
      '${NOT_A_REFERENCE}',
    ]);
  });

  it('do not show in JSON, util.inspect or a template string of the loaded state', async () => {
    const state = await loadDesiredState(fixture('secrets.yml'), { env: ENV });
    const renderings = [JSON.stringify(state), inspect(state, { depth: Infinity }), String(state.webhooks[0]?.secret)];
    for (const rendering of renderings) {
      expect(rendering).not.toContain('correct-horse');
      expect(rendering).toContain(SENSITIVE);
    }
  });

  it.each(['secret-leak.yml', 'secret-in-syntax-error.yml', 'secret-unterminated.yml'])(
    'never appear in a diagnostic or the error message: %s',
    async (name) => {
      const canaries = ['canary-from-env-7f3a', 'literal-canary-0123456789', '8675309123'];
      const failure = await configErrorOf(fixture(name), { env: { LEAK_CANARY: canaries[0] } });
      expect(failure.diagnostics.length).toBeGreaterThan(0);
      const printed = [failure.message, JSON.stringify(failure.diagnostics), inspect(failure, { depth: Infinity })];
      for (const text of printed) for (const canary of canaries) expect(text).not.toContain(canary);
    },
  );

  it('in a file with many errors around them are all reported', async () => {
    const failure = await configErrorOf(fixture('secret-leak.yml'), { env: { LEAK_CANARY: 'canary-from-env-7f3a' } });
    expect(failure.diagnostics.map((d) => d.location?.line)).toEqual([5, 6, 9, 9, 10, 12, 14, 16, 18]);
  });
});
