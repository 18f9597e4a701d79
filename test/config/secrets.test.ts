// Secrets: read from the environment only where allowed, held as Secret objects, and never printed.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('written out in the file are warned about, located; read from the environment they are not', async () => {
    const state = await loadDesiredState(fixture('secrets.yml'), { env: ENV });
    const file = fixture('secrets.yml');
    // Only the `$${NOT_A_REFERENCE}` entry holds its value in the file; `""` (no secret) is not a secret.
    expect(state.warnings).toEqual([
      {
        severity: 'warning',
        code: 'plain-text-secret',
        subject: 'webhook "https://e.example.com/literal-dollar"',
        message: 'secret is written in the config in plain text, so everyone who can read the repository knows it',
        location: { file, line: 11, column: 13 },
        hint: 'keep it in an environment variable (an Actions secret) and write `secret: ${NAME}`',
      },
    ]);
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

describe('insecure_ssl', () => {
  it('is warned about on every webhook the config keeps, at its line, changed or not', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ghes-gitops-insecure-'));
    const file = join(dir, 'ghes-gitops.yml');
    await writeFile(
      file,
      [
        'version: 1',
        'webhooks:',
        '  - url: https://a.example.com',
        '    insecure_ssl: true',
        '  - url: https://b.example.com',
        '    insecure_ssl: true',
        '    absent: true',
        '  - url: https://c.example.com',
        '',
      ].join('\n'),
    );
    try {
      const state = await loadDesiredState(file, { env: {} });
      expect(state.warnings).toEqual([
        expect.objectContaining({
          severity: 'warning',
          subject: 'webhook "https://a.example.com"',
          message: 'insecure_ssl: true: deliveries do not verify the TLS certificate of this URL',
          location: { file, line: 4, column: 19 },
        }),
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
