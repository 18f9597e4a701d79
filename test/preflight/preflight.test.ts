// Preflight against the simulator over HTTP: which hook operations are checked, that every problem is reported at
// once with its config location, that nothing is sent when it fails (dry run included), and how few requests it
// takes. The requests it sends are checked against GHES 3.19's OpenAPI description.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { PreflightError, preflight, scriptTargets } from '../../src/apply/preflight.js';
import type { AdminApi, ScriptCheck } from '../../src/github/api.js';
import { createPlan } from '../../src/plan/plan.js';
import { Redactor } from '../../src/redact.js';
import { applyPlan, loadDesired, planChanges, type ApplySettings } from '../../src/reconcile.js';
import type { SimStateInput } from '../../src/sim/server.js';
import { contractViolations } from '../contract/openapi.js';
import { fastApi, simulator, writeConfig } from '../reliability/helpers.js';

const settings: ApplySettings = {
  concurrency: 4,
  downloadTimeoutMs: 5000,
  downloadPollMs: 5,
  allowMassDelete: false,
  dryRun: false,
};

const hook = (name: string, script: string, repository = 'platform/hooks', extra: object = {}) => ({
  name,
  script,
  script_repository: repository,
  environment: 'Default',
  ...extra,
});

const state: SimStateInput = {
  repositories: [
    {
      full_name: 'platform/hooks',
      default_branch: 'trunk',
      files: {
        'checks/ok.sh': { executable: true },
        'checks/also-ok.sh': { executable: true },
        'checks/not-executable.sh': { executable: false },
        'checks/lib/helper.sh': { executable: true },
      },
    },
    { full_name: 'security/hooks', files: ['scan.sh'] },
  ],
};

async function setUp(config: object, initialState: SimStateInput = state) {
  const sim = await simulator({ initialState });
  const configPath = await writeConfig({ version: 1, ...config });
  const desired = await loadDesired(configPath, {}, new Redactor());
  const api = fastApi(sim);
  const outcome = await planChanges(desired, api, { syncSecrets: false });
  sim.requests.clear();
  return { sim, api, configPath, ...outcome };
}

const writes = (sim: Awaited<ReturnType<typeof setUp>>['sim']) =>
  sim.requests.entries.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);

describe('preflight', () => {
  it('reports every problem at once, with the config location, and sends nothing', async () => {
    const { sim, api, plan, observed, configPath } = await setUp({
      hooks: [
        hook('Fine', 'checks/ok.sh'),
        hook('Missing Script', 'checks/missing.sh'),
        hook('A Directory', 'checks/lib'),
        hook('Not Executable', 'checks/not-executable.sh'),
        hook('Missing Repo', 'scan.sh', 'nobody/nothing'),
        hook('Fine Too', 'scan.sh', 'security/hooks'),
      ],
      webhooks: [{ url: 'https://audit.example.com/in' }],
    });
    const error = await applyPlan(plan, api, { ...settings, observed }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    const problems = (error as PreflightError).problems;
    expect(problems.map((p) => p.message)).toEqual([
      'hook "Missing Script": script checks/missing.sh not found on the default branch (trunk) of platform/hooks',
      'hook "A Directory": script checks/lib not found on the default branch (trunk) of platform/hooks',
      'hook "Not Executable": script checks/not-executable.sh on the default branch (trunk) of platform/hooks is not executable (mode 100644)',
      'hook "Missing Repo": script repository nobody/nothing not found, or the token cannot read it',
    ]);
    // Each names the line of its hook in the config.
    const lines = (await readFile(configPath, 'utf8')).split('\n');
    const lineOf = (name: string) => lines.findIndex((line) => line.includes(`name: ${name}`)) + 1;
    expect(problems.map((p) => [p.location?.file, p.location?.line])).toEqual(
      ['Missing Script', 'A Directory', 'Not Executable', 'Missing Repo'].map((name) => [configPath, lineOf(name)]),
    );
    const message = (error as Error).message;
    expect(message).toContain(`${configPath}:${lineOf('Missing Script')}:5: error: hook "Missing Script"`);
    expect(message).toMatch(/git update-index --chmod=\+x checks\/not-executable.sh/);
    expect(message).toMatch(/Preflight found 4 problems with hook scripts; nothing was sent\..*--skip-preflight/s);
    expect(writes(sim)).toEqual([]);
    expect(sim.state.webhooks()).toEqual([]);
  });

  it('reads each repository once: the repository and its tree, whatever the number of scripts; every request is in the GHES 3.19 API', async () => {
    const { sim, api, plan, observed } = await setUp({
      hooks: [
        hook('One', 'checks/ok.sh'),
        hook('Two', 'checks/also-ok.sh'),
        hook('Three', 'checks/lib/helper.sh'),
        hook('Four', 'scan.sh', 'security/hooks'),
      ],
    });
    const result = await preflight(plan, api, { observed });
    expect(result.problems).toEqual([]);
    expect(result.checked.map((t) => t.hook)).toEqual(['Four', 'One', 'Three', 'Two']);
    const paths = sim.requests.entries.map((r) => `${r.path}${r.query.ref ? `?ref=${r.query.ref}` : ''}`).sort();
    expect(paths).toEqual([
      '/api/v3/repos/platform/hooks',
      '/api/v3/repos/platform/hooks/git/trees/trunk',
      '/api/v3/repos/security/hooks',
      '/api/v3/repos/security/hooks/git/trees/main',
    ]);
    for (const request of sim.requests.entries) {
      expect(contractViolations({ method: request.method, path: request.path, query: request.query })).toEqual([]);
    }
    // Passed: apply goes ahead.
    const applied = await applyPlan(plan, api, { ...settings, observed });
    expect(applied.counts.succeeded).toBe(4);
  });

  it('asks the contents API only for the paths a truncated tree leaves out, together and within the bound', async () => {
    const files = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`s/${String(i).padStart(2, '0')}.sh`, {}]));
    const { sim, api, plan, observed } = await setUp(
      {
        hooks: [
          ...Array.from({ length: 12 }, (_, i) => hook(`Hook ${i}`, `s/${String(i).padStart(2, '0')}.sh`)),
          hook('Gone', 's/gone.sh'),
        ],
      },
      // The tree lists `s` and the first four scripts, then stops.
      { repositories: [{ full_name: 'platform/hooks', files, tree_limit: 5 }] },
    );
    sim.configureFaults({ seed: 1, latencyMs: 20 });
    sim.requests.clear();
    const result = await preflight(plan, api, { observed, concurrency: 3 });
    expect(result.problems.map((p) => p.message)).toEqual([
      'hook "Gone": script s/gone.sh not found on the default branch (main) of platform/hooks',
    ]);
    const contents = sim.requests.filter('GET', /\/contents\//).map((r) => r.path.replace(/.*\/contents\//, ''));
    expect(contents.sort()).toEqual([
      ...Array.from({ length: 8 }, (_, i) => `s/${String(i + 4).padStart(2, '0')}.sh`),
      's/gone.sh',
    ]);
    expect(sim.requests.entries).toHaveLength(2 + 9);
    expect(sim.requests.peakConcurrency).toBe(3);
  });

  it('checks several repositories at once, never more requests in flight than the bound', async () => {
    const repositories = Array.from({ length: 5 }, (_, i) => ({ full_name: `team${i}/hooks`, files: ['a.sh'] }));
    const { sim, api, plan, observed } = await setUp(
      { hooks: repositories.map((r, i) => hook(`Hook ${i}`, 'a.sh', r.full_name)) },
      { repositories },
    );
    sim.configureFaults({ seed: 1, latencyMs: 20 });
    sim.requests.clear();
    expect((await preflight(plan, api, { observed, concurrency: 2 })).problems).toEqual([]);
    expect(sim.requests.entries).toHaveLength(10);
    expect(sim.requests.peakConcurrency).toBe(2);
  });

  it('checks creates, script moves and hooks being turned on; not renames, moves or turning off', async () => {
    const live: SimStateInput = {
      ...state,
      hooks: [
        // Their scripts are gone from the repository: only the operations that rely on a script are held up.
        { name: 'Enable', script: 'gone/a.sh', script_repository: 'platform/hooks', environment_id: 1 },
        { name: 'Test', script: 'gone/b.sh', script_repository: 'platform/hooks', environment_id: 1 },
        {
          name: 'Disable',
          script: 'gone/c.sh',
          script_repository: 'platform/hooks',
          environment_id: 1,
          enforcement: 'enabled',
        },
        { name: 'Old Name', script: 'gone/d.sh', script_repository: 'platform/hooks', environment_id: 1 },
        { name: 'Move', script: 'gone/e.sh', script_repository: 'platform/hooks', environment_id: 1 },
        { name: 'Downstream', script: 'gone/f.sh', script_repository: 'platform/hooks', environment_id: 1 },
      ],
    };
    const liveWithFiles = {
      ...live,
      repositories: [
        {
          ...state.repositories![0]!,
          files: { ...(state.repositories![0]!.files as object), 'gone/a.sh': {}, 'gone/b.sh': {}, 'gone/c.sh': {} },
        },
        state.repositories![1]!,
      ],
    };
    const { sim, api, plan, observed } = await setUp(
      {
        hooks: [
          hook('Enable', 'gone/a.sh', 'platform/hooks', { enforcement: 'enabled' }),
          hook('Test', 'gone/b.sh', 'platform/hooks', { enforcement: 'testing' }),
          hook('Disable', 'gone/c.sh', 'platform/hooks', { enforcement: 'disabled' }),
          hook('New Name', 'gone/d.sh', 'platform/hooks', { previous_names: ['Old Name'] }),
          hook('Move', 'checks/ok.sh'),
          hook('Downstream', 'gone/f.sh', 'platform/hooks', { allow_downstream_configuration: true }),
          hook('Created', 'checks/also-ok.sh'),
        ],
      },
      liveWithFiles,
    );
    expect(scriptTargets(plan, observed).map((t) => `${t.hook}: ${t.repository} ${t.script}`)).toEqual([
      'Created: platform/hooks checks/also-ok.sh',
      'Enable: platform/hooks gone/a.sh',
      'Move: platform/hooks checks/ok.sh',
      'Test: platform/hooks gone/b.sh',
    ]);
    // Now the scripts the hooks being turned on use disappear; turning one off is still allowed.
    for (const path of ['gone/a.sh', 'gone/b.sh', 'gone/c.sh']) sim.state.setFile('platform/hooks', path, null);
    const result = await preflight(plan, api, { observed });
    expect(result.problems.map((p) => p.message)).toEqual([
      'hook "Enable": script gone/a.sh not found on the default branch (trunk) of platform/hooks',
      'hook "Test": script gone/b.sh not found on the default branch (trunk) of platform/hooks',
    ]);
    // Without `observed`, preflight reads the live hooks itself for the ones that only change enforcement.
    sim.requests.clear();
    expect((await preflight(plan, api)).problems).toHaveLength(2);
    expect(sim.requests.filter('GET', '/admin/pre-receive-hooks')).toHaveLength(1);
  });

  it('runs on a dry run too, and sends nothing', async () => {
    const { sim, api, plan, observed } = await setUp({ hooks: [hook('Missing', 'checks/missing.sh')] });
    await expect(applyPlan(plan, api, { ...settings, dryRun: true, observed })).rejects.toThrow(PreflightError);
    expect(writes(sim)).toEqual([]);
  });

  it('skipPreflight applies without checking', async () => {
    const { sim, api, plan, observed } = await setUp({ hooks: [hook('Missing', 'checks/missing.sh')] });
    const result = await applyPlan(plan, api, { ...settings, skipPreflight: true, observed });
    expect(result.counts.succeeded).toBe(1);
    expect(sim.requests.entries.some((r) => r.path.includes('/repos/'))).toBe(false);
    expect(sim.state.hooks().map((h) => h.name)).toEqual(['Missing']);
  });

  it('a repository that cannot be read is a problem, with the error, not a crash', async () => {
    const { sim, api, plan, observed } = await setUp({
      hooks: [hook('One', 'checks/ok.sh'), hook('Two', 'scan.sh', 'security/hooks')],
    });
    // More 502s than the retries absorb, on one repository only.
    sim.injectFault({ method: 'GET', pathPattern: '/repos/platform/hooks' }, '5xx-before', 10);
    const result = await preflight(plan, api, { observed });
    expect(result.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(
        /^hook "One": could not check script checks\/ok.sh in platform\/hooks: GET \/repos\/platform\/hooks failed: 502/,
      ),
    ]);
    expect(result.problems[0]!.hint).toMatch(/--skip-preflight/);
  });

  it('takes the mode from the trees API; where it gives none (an empty repository), executability stays unknown', async () => {
    const { sim, api } = await setUp({});
    const checks = await api.checkScripts('platform/hooks', ['checks/ok.sh', 'checks/not-executable.sh']);
    expect(checks).toEqual([
      { repositoryExists: true, defaultBranch: 'trunk', scriptExists: true, executable: true, mode: '100755' },
      { repositoryExists: true, defaultBranch: 'trunk', scriptExists: true, executable: false, mode: '100644' },
    ]);
    sim.state.addRepository({ full_name: 'empty/repo' });
    expect(await api.checkScripts('empty/repo', ['a.sh']).then(([check]) => check)).toEqual({
      repositoryExists: true,
      defaultBranch: 'main',
      scriptExists: false,
    });
    expect(sim.requests.filter('GET', '/repos/empty/repo/git/trees/main')[0]?.status).toBe(409);
    // A tree that cannot be read at all only leaves the executable check out; existence still comes from contents.
    sim.injectFault({ method: 'GET', pathPattern: /\/git\/trees\// }, '5xx-before', 10);
    expect(await api.checkScripts('platform/hooks', ['checks/not-executable.sh']).then(([check]) => check)).toEqual({
      repositoryExists: true,
      defaultBranch: 'trunk',
      scriptExists: true,
    });
    expect(await api.checkScripts('nobody/nothing', ['a.sh']).then(([check]) => check)).toEqual({
      repositoryExists: false,
      scriptExists: false,
    });
  });

  it('asks an in-memory AdminApi once per repository, for all its scripts', async () => {
    const calls: string[] = [];
    const api = {
      checkScripts: (repository: string, scripts: string[]): Promise<ScriptCheck[]> => {
        calls.push(`${repository} ${scripts.join(' ')}`);
        return Promise.resolve(
          scripts.map((script) => ({ repositoryExists: true, defaultBranch: 'main', scriptExists: script !== 'b.sh' })),
        );
      },
      observe: () => Promise.reject(new Error('not needed')),
    } as unknown as AdminApi;
    const desired = await loadDesired(
      await writeConfig({ version: 1, hooks: [hook('A', 'a.sh'), hook('B', 'b.sh')] }),
      {},
      new Redactor(),
    );
    const empty = { environments: [], hooks: [], webhooks: [] };
    const defaultEnv = {
      id: 1,
      name: 'Default',
      image_url: '',
      default_environment: true,
      hooks_count: 0,
      download: { state: 'success', message: null, downloaded_at: null },
    };
    const plan = createPlan(desired, { ...empty, environments: [defaultEnv] }, { syncSecrets: false });
    const result = await preflight(plan, api, { observed: empty });
    expect(calls).toEqual(['platform/hooks a.sh b.sh']);
    expect(result.problems.map((p) => p.message)).toEqual([
      'hook "B": script b.sh not found on the default branch (main) of platform/hooks',
    ]);
  });
});
