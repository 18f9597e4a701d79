import { describe, expect, test } from 'vitest';
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
