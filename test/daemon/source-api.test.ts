// The repository source over real HTTP against the simulator: one conditional request per unchanged poll, the files
// of exactly the polled commit, located diagnostics, and the same file rules as a local directory.
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createApiSource, parseRepositorySpec, sourceToken } from '../../src/daemon/source-api.js';
import { ConfigError, UserError } from '../../src/errors.js';
import { Redactor } from '../../src/redact.js';
import type { Simulator } from '../../src/sim/server.js';
import { API_URL, BASE, HOST, TOKEN } from '../github/helpers.js';
import { lastSeq, requestsAfter, simulator } from '../helpers/harness.js';

const REPO = 'platform/ghes-config';

const ENVIRONMENTS = `version: 1
environments:
  - name: Build Env
    image_url: https://files.example.com/build.tar.gz
`;
const HOOKS = `version: 1
hooks:
  - name: Check Commits
    script: scripts/check.sh
    script_repository: platform/hooks
    environment: Build Env
`;

async function withConfigRepository(files: Record<string, string> = {}): Promise<Simulator> {
  const sim = await simulator();
  sim.state.addRepository({
    full_name: REPO,
    default_branch: 'main',
    files: Object.fromEntries(
      Object.entries({
        'README.md': '# config\n',
        'config/10-environments.yml': ENVIRONMENTS,
        'config/20-hooks.yaml': HOOKS,
        'config/.draft.yml': 'not: [valid',
        'config/notes.txt': 'ignored',
        'config/nested/ignored.yml': 'not: [valid',
        ...files,
      }).map(([path, content]) => [path, { executable: false, content }]),
    ),
  });
  return sim;
}

function source(sim: Simulator, repository = `${REPO}/config`, ref?: string) {
  return createApiSource({ repository, ref, apiUrl: sim.url, token: sim.userToken!, retryDelayMs: 1 });
}

/** `GET /repos/...: status` for each request after `seq`, without the /api/v3 prefix. */
function lines(sim: Simulator, seq: number): string[] {
  return requestsAfter(sim, seq).map((e) => `${e.method} ${e.path.replace(/^\/api\/v3/, '')}: ${e.status}`);
}

describe('the repository source', () => {
  it('resolves the default branch, then reads the directory of exactly that commit', async () => {
    const sim = await withConfigRepository();
    const src = source(sim);
    expect(src.description).toBe(`repository ${REPO} (config/)`);
    expect(src.pollIntervalMs).toBe(60_000);

    const first = await src.poll();
    const head = sim.state.resolveCommit(REPO, 'main');
    if (head === undefined || head === 'empty') throw new Error('no head');
    expect(first).toEqual({ revision: `main@sha1:${head.sha}`, changed: false });

    const revision = await src.current();
    expect(revision.revision).toBe(`main@sha1:${head.sha}`);
    const desired = await revision.load({}, new Redactor());
    expect(desired.environments.map((e) => e.name)).toEqual(['Build Env']);
    expect(desired.hooks.map((h) => h.name)).toEqual(['Check Commits']);
    const short = head.sha.slice(0, 7);
    expect(desired.files).toEqual([
      `${REPO}@${short}:config/10-environments.yml`,
      `${REPO}@${short}:config/20-hooks.yaml`,
    ]);
  });

  it('spends exactly one conditional request, a 304, on a poll that finds nothing new', async () => {
    const sim = await withConfigRepository();
    const src = source(sim);
    await src.poll();
    for (let i = 0; i < 3; i++) {
      const seq = lastSeq(sim);
      expect(await src.poll()).toMatchObject({ changed: false });
      expect(lines(sim, seq)).toEqual([`GET /repos/${REPO}/commits/main: 304`]);
    }
  });

  it('sees the ref move, and loads the new commit; a revision already taken keeps its own files', async () => {
    const sim = await withConfigRepository();
    const src = source(sim);
    const before = await src.current();

    const moved = sim.state.commitFiles(REPO, {
      'config/20-hooks.yaml': HOOKS.replace('Check Commits', 'Check Everything'),
    });
    const poll = await src.poll();
    expect(poll).toEqual({ revision: `main@sha1:${moved}`, changed: true });
    const after = await src.current();
    expect(after.revision).toBe(`main@sha1:${moved}`);
    expect((await after.load({}, new Redactor())).hooks.map((h) => h.name)).toEqual(['Check Everything']);

    // The branch has moved on, yet the revision read before it is still that revision's files, never a mix.
    expect((await before.load({}, new Redactor())).hooks.map((h) => h.name)).toEqual(['Check Commits']);
    expect(await src.poll()).toMatchObject({ changed: false });
  });

  it('looks at the ref again for each reconcile, and falls back to the last revision seen when it cannot', async () => {
    const sim = await withConfigRepository();
    const src = source(sim);
    const first = await src.current();
    // A push the next poll has not seen yet: the reconcile it triggers works on it at once.
    const moved = sim.state.commitFiles(REPO, { 'config/20-hooks.yaml': HOOKS.replace('Check Commits', 'Pushed') });
    expect((await src.current()).revision).toBe(`main@sha1:${moved}`);
    expect(await src.poll()).toMatchObject({ changed: false });

    sim.injectFault({ method: 'GET', pathPattern: `/repos/${REPO}/commits/main` }, '5xx-before', 12);
    expect((await src.current()).revision).toBe(`main@sha1:${moved}`);
    expect(first.revision).not.toBe(`main@sha1:${moved}`);
    const fresh = source(sim);
    await expect(fresh.current()).rejects.toThrow(/cannot resolve main in the config repository/);
  });

  it('reads the files of a commit once, however often that revision is loaded', async () => {
    const sim = await withConfigRepository();
    const revision = await source(sim).current();
    await revision.load({}, new Redactor());
    const seq = lastSeq(sim);
    await revision.load({}, new Redactor());
    expect(lines(sim, seq)).toEqual([]);
  });

  it('names the repository, the short sha, the path, line and column of a config error', async () => {
    const sim = await withConfigRepository({
      'config/20-hooks.yaml': HOOKS.replace(
        'environment: Build Env',
        'environment: Build Env\n    enforcement: sometimes',
      ),
    });
    const revision = await source(sim).current();
    const short = revision.revision.slice(-40, -33);
    const failure = await revision.load({}, new Redactor()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as ConfigError).diagnostics[0]?.location).toEqual({
      file: `${REPO}@${short}:config/20-hooks.yaml`,
      line: 7,
      column: 18,
    });
    expect((failure as ConfigError).message).toContain(`${REPO}@${short}:config/20-hooks.yaml:7:18: error:`);
  });

  it('reads one file when DIR names a file, and the top level without DIR', async () => {
    const sim = await withConfigRepository({ 'ghes-gitops.yml': ENVIRONMENTS });
    const one = await (await source(sim, `${REPO}/config/10-environments.yml`).current()).load({}, new Redactor());
    expect(one.files.map((f) => f.replace(/@\w+:/, '@:'))).toEqual([`${REPO}@:config/10-environments.yml`]);
    const top = await (await source(sim, REPO).current()).load({}, new Redactor());
    expect(top.files.map((f) => f.replace(/@\w+:/, '@:'))).toEqual([`${REPO}@:ghes-gitops.yml`]);
  });

  it('a missing DIR, a directory without config files and a file over 10 MB are config errors', async () => {
    const sim = await withConfigRepository({
      'empty/notes.md': 'nothing here',
      'big/huge.yml': `# ${'x'.repeat(10 * 1024 * 1024)}\n`,
    });
    const message = async (repository: string) =>
      (await (await source(sim, repository).current()).load({}, new Redactor()).catch((e: unknown) => e)) as Error;
    const missing = await message(`${REPO}/instances/prod`);
    expect(missing).toBeInstanceOf(ConfigError);
    expect(missing.message).toMatch(/:instances: no such directory in the config repository/);
    expect(await message(`${REPO}/empty`)).toMatchObject({
      message: expect.stringMatching(/holds no \.yml or \.yaml files/) as unknown,
    });
    const big = await message(`${REPO}/big`);
    expect(big.message).toMatch(
      /big\/huge\.yml:1:1: error: the file is 10485763 bytes; a config file may be at most 10 MB/,
    );
    // The size is known from the tree: the blob is never downloaded.
    expect(sim.requests.filter('GET', /\/git\/blobs\//)).toHaveLength(0);
  });

  it('polls another branch with --ref, and says which flag to check when a ref or repository is unknown', async () => {
    const sim = await withConfigRepository();
    const staging = sim.state.commitFiles(
      REPO,
      { 'config/20-hooks.yaml': HOOKS.replace('Check Commits', 'Staged') },
      { branch: 'release/next' },
    );
    const src = source(sim, `${REPO}/config`, 'release/next');
    expect(src.description).toBe(`repository ${REPO}@release/next (config/)`);
    expect(await src.poll()).toEqual({ revision: `release/next@sha1:${staging}`, changed: false });
    expect((await (await src.current()).load({}, new Redactor())).hooks[0]?.name).toBe('Staged');
    // No request asked for the default branch: the ref was given.
    expect(sim.requests.filter('GET', `/repos/${REPO}`)).toHaveLength(0);

    const unknownRef = await source(sim, REPO, 'nope')
      .poll()
      .catch((e: unknown) => e);
    expect(unknownRef).toBeInstanceOf(UserError);
    expect((unknownRef as Error).message).toMatch(/cannot resolve nope in the config repository .*422.*check --ref/);

    const unknownRepo = await source(sim, 'platform/missing')
      .poll()
      .catch((e: unknown) => e);
    expect((unknownRepo as Error).message).toMatch(/platform\/missing.*404.*GHES_SOURCE_TOKEN/);
    expect((unknownRepo as Error).message).not.toContain(sim.userToken);
  });

  it('makes the secrets of the loaded state known to the redactor', async () => {
    const sim = await withConfigRepository({
      'config/30-webhooks.yml':
        'version: 1\nwebhooks:\n  - url: https://audit.example.com/hook\n    secret: ${AUDIT_SECRET}\n',
    });
    const redactor = new Redactor();
    await (await source(sim).current()).load({ AUDIT_SECRET: 's3cr3t-value' }, redactor);
    expect(redactor.redact('the secret is s3cr3t-value')).toBe('the secret is ***');
  });
});

describe('--repo and the source token', () => {
  it.each([
    ['acme/config', { owner: 'acme', name: 'config', dir: '' }],
    ['acme/config/instances/prod/', { owner: 'acme', name: 'config', dir: 'instances/prod' }],
  ])('%s', (spec, expected) => {
    expect(parseRepositorySpec(spec)).toEqual(expected);
  });

  it.each(['acme', '/config', 'acme/config/../other', 'ac me/config'])('refuses %j', (spec) => {
    expect(() => parseRepositorySpec(spec)).toThrow(/invalid --repo .*OWNER\/NAME/);
  });

  it('takes GHES_SOURCE_TOKEN, else GHES_TOKEN', () => {
    expect(sourceToken({ GHES_SOURCE_TOKEN: 'read-only', GHES_TOKEN: 'admin' })).toBe('read-only');
    expect(sourceToken({ GHES_SOURCE_TOKEN: ' ', GHES_TOKEN: 'admin' })).toBe('admin');
    expect(() => sourceToken({})).toThrow(/GHES_SOURCE_TOKEN/);
  });
});

describe('what the simulator cannot stage', () => {
  it('a truncated listing is a config error of that revision, not a partial desired state', async () => {
    const sim = await withConfigRepository();
    sim.state.addRepository({ ...sim.state.repository(REPO)!, tree_limit: 1 });
    const failure = await (await source(sim, REPO).current()).load({}, new Redactor()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toMatch(/the listing of top level at \w{7} is truncated by the API/);
  });

  it('a symbolic link is named, not read as YAML', async () => {
    const sha = 'a'.repeat(40);
    const scope = nock(HOST)
      .get(`${BASE}/repos/acme/cfg/commits/main`)
      .reply(200, sha, { 'content-type': 'application/vnd.github.sha; charset=utf-8' })
      .get(`${BASE}/repos/acme/cfg/git/trees/${sha}`)
      .reply(200, {
        sha: 'b'.repeat(40),
        truncated: false,
        tree: [{ path: 'hooks.yml', mode: '120000', type: 'blob', sha: 'c'.repeat(40), size: 12 }],
      });
    nock.disableNetConnect();
    try {
      const src = createApiSource({ repository: 'acme/cfg', ref: 'main', apiUrl: API_URL, token: TOKEN });
      const failure = await (await src.current()).load({}, new Redactor()).catch((e: unknown) => e);
      expect((failure as Error).message).toMatch(/acme\/cfg@aaaaaaa:hooks\.yml is a symbolic link/);
      expect(scope.isDone()).toBe(true);
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });
});
