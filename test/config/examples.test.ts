// Every example in examples/ is a desired state the loader accepts, and points editors at the schema.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../src/config/load.js';
import { SCHEMA_URL } from '../../src/version.js';

const EXAMPLES = 'examples';
const env = { GHES_AUDIT_HOOK_SECRET: 'example-secret' };
// examples/workflows holds GitHub workflows, not desired states.
const examples = readdirSync(EXAMPLES)
  .filter((name) => name !== 'workflows')
  .map((name) => join(EXAMPLES, name));
const exampleFiles = examples.flatMap((path) =>
  statSync(path).isDirectory() ? readdirSync(path).map((name) => join(path, name)) : [path],
);

describe('examples/', () => {
  it('holds the main example, a minimal one and a directory', () => {
    expect(examples).toEqual(
      expect.arrayContaining(['examples/ghes-gitops.yml', 'examples/minimal.yml', 'examples/multi-file']),
    );
  });

  it.each(examples)('%s loads', async (path) => {
    const state = await loadDesiredState(path, { env });
    expect(state.environments.length + state.hooks.length + state.webhooks.length).toBeGreaterThan(0);
  });

  it.each(exampleFiles)('%s starts with the yaml-language-server schema header', (path) => {
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe(`# yaml-language-server: $schema=${SCHEMA_URL}`);
  });

  it('main example: two environments, hooks on both kinds of environment, an interpolated webhook secret', async () => {
    const state = await loadDesiredState('examples/ghes-gitops.yml', { env });
    expect(state.environments).toHaveLength(2);
    expect(state.hooks.map((hook) => hook.environment)).toContain('Default');
    expect(state.hooks.some((hook) => state.environments.some((e) => e.name === hook.environment))).toBe(true);
    expect(state.webhooks).toHaveLength(2);
    expect(state.webhooks.map((webhook) => webhook.secret?.reveal())).toEqual(['example-secret', undefined]);
    for (const webhook of state.webhooks) expect(webhook.url).toMatch(/^https:\/\//);
  });
});
