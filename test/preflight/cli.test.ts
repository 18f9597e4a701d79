// `apply` runs preflight by default and `--skip-preflight` turns it off, in the built CLI.
import { describe, expect, it } from 'vitest';
import { runCli, simulator, TOKEN, writeConfig } from '../reliability/helpers.js';

describe('apply --skip-preflight (dist/cli.js)', () => {
  it('refuses a hook whose script is missing, listing every problem; --skip-preflight applies it anyway', async () => {
    const sim = await simulator({
      initialState: { repositories: [{ full_name: 'platform/hooks', files: { 'ok.sh': { executable: false } } }] },
    });
    const configPath = await writeConfig({
      version: 1,
      hooks: [
        { name: 'Missing', script: 'missing.sh', script_repository: 'platform/hooks', environment: 'Default' },
        { name: 'Plain', script: 'ok.sh', script_repository: 'platform/hooks', environment: 'Default' },
      ],
    });
    const env = { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN };

    for (const args of [[], ['--dry-run']]) {
      const refused = await runCli(['apply', '--config', configPath, ...args], { env });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        `${configPath}:3:5: error: hook "Missing": script missing.sh not found on the default branch (main) of platform/hooks`,
      );
      expect(refused.stderr).toMatch(/error: hook "Plain": script ok.sh .* is not executable \(mode 100644\)/);
      expect(refused.stderr).toMatch(/Preflight found 2 problems with hook scripts; nothing was sent/);
    }
    expect(sim.requests.entries.filter((r) => r.method !== 'GET')).toEqual([]);

    const skipped = await runCli(['apply', '--config', configPath, '--skip-preflight'], { env });
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stderr).toContain('warning: --skip-preflight: hook scripts are not checked before they are used');
    expect(sim.state.hooks().map((h) => h.name)).toEqual(['Missing', 'Plain']);
  });
});

describe('plan shows what apply would refuse (dist/cli.js)', () => {
  it('a missing script fails the plan (exit 1, even with --detailed-exitcode), in text and JSON', async () => {
    const sim = await simulator({
      initialState: { repositories: [{ full_name: 'platform/hooks', files: { 'ok.sh': { executable: true } } }] },
    });
    const configPath = await writeConfig({
      version: 1,
      hooks: [
        { name: 'Missing', script: 'missing.sh', script_repository: 'platform/hooks', environment: 'Default' },
        { name: 'Fine', script: 'ok.sh', script_repository: 'platform/hooks', environment: 'Default' },
      ],
    });
    const env = { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN };
    const problem = `${configPath}:3:5: hook "Missing": script missing.sh not found on the default branch (main) of platform/hooks`;

    for (const extra of [[], ['--detailed-exitcode']]) {
      const text = await runCli(['plan', '--config', configPath, ...extra], { env });
      expect(text.code, text.stderr).toBe(1);
      expect(text.stdout).toContain('Plan: 2 to create, 0 to update, 0 to delete, 0 to download.');
      expect(text.stdout).toContain('✗ Apply would refuse this plan (1 problem)');
      expect(text.stdout).toContain(`  ${problem}\n      hint: GHES runs hook scripts from the default branch only`);
      expect(text.stderr).toContain('apply would refuse this plan (1 problem');
    }
    const json = await runCli(['plan', '--config', configPath, '--format', 'json'], { env });
    expect(json.code).toBe(1);
    const document = JSON.parse(json.stdout) as { errors: { message: string; location?: object }[] };
    expect(document.errors).toEqual([
      expect.objectContaining({
        message: 'hook "Missing": script missing.sh not found on the default branch (main) of platform/hooks',
        location: { file: configPath, line: 3, column: 5 },
      }),
    ]);
    const markdown = await runCli(['plan', '--config', configPath, '--format', 'markdown'], { env });
    expect(markdown.code).toBe(1);
    expect(markdown.stdout).toContain('**⛔ Apply would refuse this plan (1 problem)');

    const skipped = await runCli(['plan', '--config', configPath, '--skip-preflight', '--detailed-exitcode'], { env });
    expect(skipped.code, skipped.stderr).toBe(2);
    expect(skipped.stdout).not.toContain('Apply would refuse');
    expect(skipped.stdout).toContain('hook scripts were not checked (skip-preflight)');
    expect(sim.requests.entries.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('a mass delete fails the plan; --allow-mass-delete lets it through, with a warning', async () => {
    const sim = await simulator({
      initialState: { webhooks: [{ url: 'https://hooks.example.com/1' }, { url: 'https://hooks.example.com/2' }] },
    });
    const configPath = await writeConfig({ version: 1, prune: true });
    const env = { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN };
    const refused = await runCli(['plan', '--config', configPath, '--detailed-exitcode'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('  the plan deletes all 2 live global webhooks: apply refuses a mass delete');
    const allowed = await runCli(['plan', '--config', configPath, '--detailed-exitcode', '--allow-mass-delete'], {
      env,
    });
    expect(allowed.code, allowed.stderr).toBe(2);
    expect(allowed.stdout).toContain('the plan deletes all 2 live global webhooks; allowed (allow-mass-delete)');
    expect(sim.requests.entries.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});

describe('the JSON plan gives each refusal and warning its code (dist/cli.js)', () => {
  it('mass delete, preflight problems, blast radius, insecure_ssl, skip-preflight: codes beside the text', async () => {
    const sim = await simulator({
      initialState: {
        webhooks: [{ url: 'https://hooks.example.com/1' }, { url: 'https://hooks.example.com/2' }],
        repositories: [{ full_name: 'platform/hooks', files: { 'ok.sh': { executable: false } } }],
      },
    });
    const hook = { script_repository: 'platform/hooks', environment: 'Default', enforcement: 'enabled' };
    const configPath = await writeConfig({
      version: 1,
      prune: true,
      hooks: [
        { name: 'Missing', script: 'missing.sh', ...hook },
        { name: 'Plain', script: 'ok.sh', ...hook },
      ],
      webhooks: [{ url: 'https://insecure.example.com/in', insecure_ssl: true, events: ['repository'] }],
    });
    const env = { GHES_API_URL: sim.url, GHES_TOKEN: TOKEN };
    type Coded = { code: string; message: string };
    type Document = {
      errors: Coded[];
      warnings: Coded[];
      operations: { id: string; warnings: string[]; warningCodes: string[]; blastRadiusCodes?: string[] }[];
    };
    const plan = async (...args: string[]) => {
      const run = await runCli(['plan', '--config', configPath, '--format', 'json', ...args], { env });
      expect(run.stdout, run.stderr).not.toBe('');
      return JSON.parse(run.stdout) as Document;
    };

    const refused = await plan();
    expect(refused.errors.map((e) => e.code)).toEqual(['mass-delete', 'script-not-found', 'script-not-executable']);
    expect(refused.errors[0]!.message).toContain('apply refuses a mass delete');
    const created = (id: string) => refused.operations.find((op) => op.id === id)!;
    expect(created('hook:create:Missing').blastRadiusCodes).toEqual(['blast-enforced']);
    const webhook = created('webhook:create:https://insecure.example.com/in');
    expect(webhook.warningCodes).toEqual(['insecure-ssl']);
    expect(webhook.warnings).toEqual([expect.stringMatching(/^insecure_ssl: true: /)]);
    expect(refused.warnings).toContainEqual(expect.objectContaining({ code: 'insecure-ssl' }));

    const allowed = await plan('--allow-mass-delete', '--skip-preflight');
    expect(allowed.errors).toEqual([]);
    expect(allowed.warnings.map((w) => w.code).sort()).toEqual([
      'insecure-ssl',
      'mass-delete-allowed',
      'preflight-skipped',
    ]);
    expect(sim.requests.entries.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});
