import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { Simulator } from '../../src/sim/server.js';
import { client, simulator } from './helpers.js';

async function withRepository() {
  const sim = await simulator({
    initialState: {
      repositories: [
        {
          full_name: 'platform/hooks',
          default_branch: 'trunk',
          files: {
            'hooks/check.sh': { executable: true },
            'hooks/lib/util.sh': { executable: false },
            'README.md': { executable: false },
          },
        },
      ],
    },
  });
  return { sim, api: client(sim) };
}

describe('repository endpoints for the preflight check', () => {
  test('GET a repository gives its default branch; unknown ones are 404', async () => {
    const { sim, api } = await withRepository();
    const res = await api.get('/repos/platform/hooks');
    expect(res.body).toMatchObject({
      full_name: 'platform/hooks',
      name: 'hooks',
      default_branch: 'trunk',
      url: `${sim.url}/repos/platform/hooks`,
    });
    // GitHub resolves names case-insensitively and answers with the canonical name.
    expect((await api.get('/repos/Platform/Hooks')).body.full_name).toBe('platform/hooks');
    expect((await api.get('/repos/platform/missing')).status).toBe(404);
  });

  test('contents of an existing file on the default branch', async () => {
    const { api } = await withRepository();
    const res = await api.get('/repos/platform/hooks/contents/hooks/check.sh?ref=trunk');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: 'file', name: 'check.sh', path: 'hooks/check.sh', encoding: 'base64' });
    expect(res.body.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(res.body.size).toBe(Buffer.from(res.body.content as string, 'base64').length);
  });

  test('a missing file, another branch and a missing repository are 404', async () => {
    const { api } = await withRepository();
    expect((await api.get('/repos/platform/hooks/contents/hooks/nope.sh?ref=trunk')).status).toBe(404);
    expect((await api.get('/repos/platform/hooks/contents/hooks/check.sh?ref=main')).status).toBe(404);
    expect((await api.get('/repos/platform/gone/contents/hooks/check.sh')).status).toBe(404);
  });

  test('a directory lists its direct children', async () => {
    const { api } = await withRepository();
    const res = await api.get('/repos/platform/hooks/contents/hooks');
    expect((res.body as { path: string; type: string }[]).map((e) => [e.path, e.type])).toEqual([
      ['hooks/check.sh', 'file'],
      ['hooks/lib', 'dir'],
    ]);
  });

  test('files and repositories changed behind the tool are seen at once', async () => {
    const { sim, api } = await withRepository();
    sim.state.setFile('platform/hooks', 'hooks/check.sh', null);
    expect((await api.get('/repos/platform/hooks/contents/hooks/check.sh')).status).toBe(404);
    sim.state.setFile('platform/hooks', 'hooks/new.sh', { content: 'echo hi\n' });
    const created = await api.get('/repos/platform/hooks/contents/hooks/new.sh');
    expect(Buffer.from(created.body.content as string, 'base64').toString()).toBe('echo hi\n');
    sim.state.removeRepository('platform/hooks');
    expect((await api.get('/repos/platform/hooks')).status).toBe(404);
  });

  test('the recursive tree gives each mode; past tree_limit it stops and says truncated', async () => {
    const { sim, api } = await withRepository();
    const full = await api.get('/repos/platform/hooks/git/trees/trunk?recursive=1');
    expect(full.body.truncated).toBe(false);
    expect((full.body.tree as { path: string; mode: string }[]).map((e) => `${e.path} ${e.mode}`)).toEqual([
      'README.md 100644',
      'hooks 040000',
      'hooks/check.sh 100755',
      'hooks/lib 040000',
      'hooks/lib/util.sh 100644',
    ]);
    sim.state.addRepository({ ...sim.state.repository('platform/hooks')!, tree_limit: 2 });
    const cut = await api.get('/repos/platform/hooks/git/trees/trunk?recursive=1');
    expect(cut.body.truncated).toBe(true);
    expect(cut.body.tree).toEqual((full.body.tree as unknown[]).slice(0, 2));
  });
});

describe('git endpoints for the daemon repository source', () => {
  async function raw(sim: Simulator, path: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${sim.url}${path}`, { headers: { authorization: `token ${sim.userToken}`, ...headers } });
    return {
      status: res.status,
      etag: res.headers.get('etag'),
      type: res.headers.get('content-type'),
      text: await res.text(),
    };
  }

  test('a ref resolves to its commit sha as text, with an ETag that answers 304 until the branch moves', async () => {
    const { sim } = await withRepository();
    const sha = { accept: 'application/vnd.github.sha' };
    const first = await raw(sim, '/repos/platform/hooks/commits/trunk', sha);
    expect(first).toMatchObject({ status: 200, type: 'application/vnd.github.sha; charset=utf-8' });
    expect(first.text).toMatch(/^[0-9a-f]{40}$/);
    expect(first.etag).toMatch(/^".+"$/);

    const again = await raw(sim, '/repos/platform/hooks/commits/trunk', { ...sha, 'if-none-match': first.etag! });
    expect(again).toMatchObject({ status: 304, text: '', etag: first.etag });

    const moved = sim.state.commitFiles('platform/hooks', { 'hooks/check.sh': 'echo changed\n' });
    const after = await raw(sim, '/repos/platform/hooks/commits/refs%2Fheads%2Ftrunk', {
      ...sha,
      'if-none-match': first.etag!,
    });
    expect(after).toMatchObject({ status: 200, text: moved });
    expect(after.etag).not.toBe(first.etag);

    // The JSON form names the parent and the tree; its ETag differs from the sha form's.
    const json = await raw(sim, `/repos/platform/hooks/commits/${moved.slice(0, 7)}`);
    const commit = JSON.parse(json.text) as { sha: string; parents: { sha: string }[]; commit: { message: string } };
    expect(commit).toMatchObject({
      sha: moved,
      parents: [{ sha: first.text }],
      commit: { message: 'Update hooks/check.sh' },
    });
    expect(json.etag).not.toBe(after.etag);
  });

  test('unknown refs are 422, an empty repository 409, an unknown repository 404', async () => {
    const { sim } = await withRepository();
    sim.state.addRepository({ full_name: 'platform/empty' });
    const nope = await raw(sim, '/repos/platform/hooks/commits/nope');
    expect(nope.status).toBe(422);
    expect(JSON.parse(nope.text)).toEqual({ message: 'No commit found for SHA: nope' });
    expect((await raw(sim, '/repos/platform/empty/commits/main')).status).toBe(409);
    expect((await raw(sim, '/repos/platform/gone/commits/main')).status).toBe(404);
  });

  test('trees by commit or tree sha and blobs by sha stay readable after the branch moves', async () => {
    const { sim, api } = await withRepository();
    const before = await raw(sim, '/repos/platform/hooks/commits/trunk', { accept: 'application/vnd.github.sha' });
    sim.state.commitFiles('platform/hooks', { 'hooks/check.sh': null, 'config.yml': 'version: 1\n' });

    const root = await api.get(`/repos/platform/hooks/git/trees/${before.text}`);
    expect(root.status).toBe(200);
    expect(root.body.truncated).toBe(false);
    const entries = root.body.tree as { path: string; type: string; sha: string; mode: string }[];
    expect(entries.map((e) => [e.path, e.type])).toEqual([
      ['README.md', 'blob'],
      ['hooks', 'tree'],
    ]);
    const hooks = await api.get(`/repos/platform/hooks/git/trees/${entries[1]!.sha}`);
    const check = (hooks.body.tree as { path: string; sha: string; mode: string; size: number }[])[0]!;
    expect(check).toMatchObject({ path: 'check.sh', mode: '100755' });

    const blob = await api.get(`/repos/platform/hooks/git/blobs/${check.sha}`);
    expect(blob.body).toMatchObject({ sha: check.sha, encoding: 'base64', size: check.size });
    expect(Buffer.from(blob.body.content as string, 'base64').toString()).toMatch(/^#!\/bin\/sh/);
    // Git's own blob id for those bytes.
    expect(check.sha).toBe(
      createHash('sha1')
        .update(`blob ${check.size}\0`)
        .update(Buffer.from(blob.body.content as string, 'base64'))
        .digest('hex'),
    );
    expect((await api.get('/repos/platform/hooks/git/blobs/0000000000000000000000000000000000000000')).status).toBe(
      404,
    );

    // The contents API at the old commit still has the file the branch no longer has.
    expect((await api.get(`/repos/platform/hooks/contents/hooks/check.sh?ref=${before.text}`)).status).toBe(200);
    expect((await api.get('/repos/platform/hooks/contents/hooks/check.sh?ref=trunk')).status).toBe(404);
  });

  test('a new branch starts from the default branch and moves alone', async () => {
    const { sim, api } = await withRepository();
    const main = sim.state.resolveCommit('platform/hooks', 'trunk');
    const sha = sim.state.commitFiles('platform/hooks', { 'extra.yml': 'a: 1\n' }, { branch: 'feature/x' });
    const commit = sim.state.resolveCommit('platform/hooks', 'feature/x');
    expect(commit).toMatchObject({ sha, parents: [(main as { sha: string }).sha] });
    expect(sim.state.resolveCommit('platform/hooks', 'trunk')).toEqual(main);
    const tree = await api.get('/repos/platform/hooks/git/trees/feature/x?recursive=1');
    expect((tree.body.tree as { path: string }[]).map((e) => e.path)).toContain('extra.yml');
    expect((await api.get('/repos/platform/hooks/contents/extra.yml?ref=feature/x')).status).toBe(200);
  });
});
