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
