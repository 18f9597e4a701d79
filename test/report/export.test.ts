// Export: live state as a desired-state file that plans to nothing against the same instance, with a comment
// where a secret must be supplied, and the same bytes for the same instance.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createPlan } from '../../src/plan/plan.js';
import { exportWarnings, renderExport } from '../../src/report/export.js';
import { SCHEMA_URL } from '../../src/version.js';
import { shuffled } from '../plan/invariants.js';
import { desiredState, observedState } from '../plan/state.js';

const observed = observedState({
  environments: [
    { id: 3, name: 'ruby', image_url: 'https://example.com/ruby.tar.gz' },
    { id: 2, name: 'Node', image_url: 'https://example.com/node.tar.gz', download: 'success' },
  ],
  hooks: [
    { id: 11, name: 'size', script: 'size.sh', script_repository: 'org/hooks', enforcement: 'testing' },
    {
      id: 10,
      name: 'commits',
      script: 'hooks/commits.sh',
      script_repository: 'org/hooks',
      environment: 'ruby',
      enforcement: 'enabled',
      allow_downstream_configuration: true,
    },
  ],
  webhooks: [
    { id: 101, url: 'https://plain.example.com/x', events: ['repository'], active: false, content_type: 'form' },
    {
      id: 100,
      url: 'https://audit.example.com/hook',
      has_secret: true,
      events: ['user', 'organization'],
      insecure_ssl: true,
    },
  ],
});

describe('renderExport', () => {
  const yaml = renderExport(observed);

  it('opens with the schema header, version 1 and prune off', () => {
    expect(yaml.split('\n')[0]).toBe(`# yaml-language-server: $schema=${SCHEMA_URL}`);
    expect(yaml).toMatch(/^version: 1\nprune: false\n/m);
  });

  it('writes every field, sorted, and names environments as hooks do', () => {
    const doc = parse(yaml) as Record<string, unknown>;
    expect(doc.environments).toEqual([
      { name: 'Node', image_url: 'https://example.com/node.tar.gz' },
      { name: 'ruby', image_url: 'https://example.com/ruby.tar.gz' },
    ]);
    expect(doc.hooks).toEqual([
      {
        name: 'commits',
        script: 'hooks/commits.sh',
        script_repository: 'org/hooks',
        environment: 'ruby',
        enforcement: 'enabled',
        allow_downstream_configuration: true,
      },
      {
        name: 'size',
        script: 'size.sh',
        script_repository: 'org/hooks',
        environment: 'Default',
        enforcement: 'testing',
        allow_downstream_configuration: false,
      },
    ]);
    expect(doc.webhooks).toEqual([
      {
        url: 'https://audit.example.com/hook',
        content_type: 'json',
        insecure_ssl: true,
        events: ['organization', 'user'],
        active: true,
      },
      {
        url: 'https://plain.example.com/x',
        content_type: 'form',
        insecure_ssl: false,
        events: ['repository'],
        active: false,
      },
    ]);
  });

  it('leaves the secret out, with a comment above the webhook saying how to supply it', () => {
    expect(yaml).not.toMatch(/^\s*-?\s*secret:/m);
    expect(yaml).not.toContain('********');
    const comment = yaml.indexOf('# The live webhook has a secret');
    expect(comment).toBeGreaterThan(0);
    expect(yaml.slice(comment)).toMatch(
      /^# The live webhook has a secret.*\n.*\n {2}- url: https:\/\/audit\.example\.com\/hook\n/,
    );
    expect(yaml).toContain('Add `secret: ${ENV_VAR}` here');
    expect(yaml.match(/The live webhook has a secret/g)).toHaveLength(1);
  });

  it('plans to no operations against the instance it came from', () => {
    const desired = desiredState(parse(yaml) as Record<string, unknown>);
    const plan = createPlan(desired, observed, { syncSecrets: false });
    expect(plan.operations).toEqual([]);
    expect(plan.unmanaged).toEqual([]);
  });

  it('gives the same bytes whatever order the API listed things in', () => {
    const reordered = {
      environments: shuffled(observed.environments, 3),
      hooks: shuffled(observed.hooks, 4),
      webhooks: shuffled(observed.webhooks, 5),
    };
    expect(renderExport(reordered)).toBe(yaml);
    expect(renderExport(observed, { generatedAt: '2026-11-21T10:00:00Z' })).toContain(
      '# Exported from the live instance by ghes-gitops 0.1.0 on 2026-11-21T10:00:00Z.\n',
    );
  });

  it('notes failed downloads and webhooks that share a URL', () => {
    const odd = observedState({
      environments: [
        { id: 2, name: 'broken', image_url: 'https://x/b.tgz', download: { state: 'failed', message: 'not a\ngzip' } },
      ],
      webhooks: [
        { id: 7, url: 'https://dup.example.com' },
        { id: 5, url: 'https://dup.example.com' },
      ],
    });
    const text = renderExport(odd);
    expect(text).toContain(
      '  # The last download of this environment failed: not a gzip. The next apply downloads it again.\n  - name: broken',
    );
    expect(text).toContain('# 2 live webhooks (this is id 5) have this URL');
    expect(text.indexOf('id 5')).toBeLessThan(text.indexOf('id 7'));
  });

  it('says which environments planning the export downloads, and the plan agrees', () => {
    const odd = observedState({
      environments: [
        { id: 2, name: 'broken', image_url: 'https://x/b.tgz', download: { state: 'failed', message: 'not a gzip' } },
        { id: 3, name: 'fresh', image_url: 'https://x/f.tgz', download: 'not_started' },
        { id: 4, name: 'busy', image_url: 'https://x/u.tgz', download: 'in_progress' },
        { id: 5, name: 'fine', image_url: 'https://x/o.tgz', download: 'success' },
      ],
    });
    expect(exportWarnings(odd)).toEqual([
      'the last download of environment "broken" failed: not a gzip; planning this file downloads environment "broken" again',
      'a download of environment "busy" was in progress; planning this file downloads environment "busy" again once it ends',
      'environment "fresh" was never downloaded; planning this file downloads environment "fresh"',
    ]);
    const text = renderExport(odd);
    expect(text).toContain('  # This environment was never downloaded. The next apply downloads it.\n  - name: fresh');
    expect(text).toContain('waits for it, then downloads it again.\n  - name: busy');
    const plan = createPlan(desiredState(parse(text) as Record<string, unknown>), odd, { syncSecrets: false });
    expect(plan.operations.map((op) => op.id)).toEqual([
      'environment:download:broken',
      'environment:download:busy',
      'environment:download:fresh',
    ]);
  });
});
