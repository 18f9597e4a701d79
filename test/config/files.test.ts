// The path the user gives: a missing path, a directory without config files, an oversized or odd file.
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfigFiles } from '../../src/config/files.js';
import { loadDesiredState, MAX_DIAGNOSTICS, MAX_FILE_BYTES } from '../../src/config/load.js';
import { diagnosticsOf, fixture } from './diagnostics.js';

let temp: string;

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), 'ghes-gitops-config-'));
});

afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

describe('loadDesiredState refuses a path that', () => {
  it.each([fixture('does-not-exist.yml'), fixture('no-such-directory/')])('does not exist: %s', async (path) => {
    const diagnostics = await diagnosticsOf(path);
    expect(diagnostics).toEqual([{ severity: 'error', message: `cannot read ${path}: no such file or directory` }]);
  });

  it('is a directory without config files, even if a subdirectory has some', async () => {
    const dir = join(temp, 'no-config');
    await mkdir(join(dir, 'nested'), { recursive: true });
    await writeFile(join(dir, 'README.md'), '# not config\n');
    await writeFile(join(dir, 'nested', 'hooks.yml'), 'version: 1\n');
    const diagnostics = await diagnosticsOf(dir);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]?.message).toBe(`the directory ${dir} holds no .yml or .yaml files`);
  });

  it('is over 10 MB, refused from its size before it is read', async () => {
    const big = join(temp, 'big.yml');
    // A sparse file of NUL bytes: parsing it would fail differently, so the size check must come first.
    await writeFile(big, '');
    await truncate(big, MAX_FILE_BYTES + 1);
    const diagnostics = await diagnosticsOf(big);
    expect(diagnostics).toEqual([
      {
        severity: 'error',
        message: `the file is ${MAX_FILE_BYTES + 1} bytes; a config file may be at most 10 MB`,
        location: { file: big, line: 1, column: 1 },
        hint: expect.stringContaining('split it') as unknown,
      },
    ]);
  });

  it('is a directory with a *.yml entry that cannot be read: each one is an error, never skipped', async () => {
    const dir = join(temp, 'lost-files');
    await mkdir(join(dir, 'nested.yml'), { recursive: true });
    await writeFile(join(dir, 'main.yml'), 'version: 1\n');
    await symlink(join(dir, 'gone.yml'), join(dir, 'security.yml'));
    await symlink(join(dir, 'loop.yaml'), join(dir, 'loop.yaml'));
    const diagnostics = await diagnosticsOf(dir);
    expect(diagnostics.map((d) => d.message)).toEqual([
      `cannot read ${join(dir, 'loop.yaml')}: too many symbolic links`,
      `${join(dir, 'nested.yml')} is a directory, not a config file`,
      `cannot read ${join(dir, 'security.yml')}: a symbolic link to something that does not exist`,
    ]);
    for (const d of diagnostics) expect(d.hint).toMatch(/part of the desired state/);
  });

  it.skipIf(!existsSync('/dev/null'))('is neither a regular file nor a directory', async () => {
    const diagnostics = await diagnosticsOf('/dev/null');
    expect(diagnostics.map((d) => d.message)).toEqual(['/dev/null is not a regular file or a directory']);
  });
});

describe('readConfigFiles', () => {
  it('points at the default path when it is missing', async () => {
    const missing = join(temp, 'ghes-gitops.yml');
    const { diagnostics } = await readConfigFiles(missing, missing);
    expect(diagnostics[0]?.hint).toContain('is the default; pass the path of your config file or directory');
  });

  it('skips an oversized file of a directory and reports it, reading the others', async () => {
    const dir = join(temp, 'mixed');
    await mkdir(dir);
    await writeFile(join(dir, 'a.yml'), 'version: 1\n');
    await writeFile(join(dir, 'b.yml'), '');
    await truncate(join(dir, 'b.yml'), MAX_FILE_BYTES + 1);
    const { texts, diagnostics } = await readConfigFiles(dir, 'ghes-gitops.yml');
    expect(texts.map((t) => t.path)).toEqual([join(dir, 'a.yml')]);
    expect(diagnostics.map((d) => d.location?.file)).toEqual([join(dir, 'b.yml')]);
  });
});

describe('loadDesiredState on a file with very many errors', () => {
  it(`shows the first ${MAX_DIAGNOSTICS} and counts the rest`, async () => {
    const hooks = Array.from(
      { length: 150 },
      (_, i) =>
        `  - name: Hook ${i}\n    script: s${i}.sh\n    script_repository: DevIT/hooks\n    environment: Default\n    enforcement: on\n`,
    );
    const path = join(temp, 'many-errors.yml');
    await writeFile(path, `version: 1\nhooks:\n${hooks.join('')}`);
    const diagnostics = await diagnosticsOf(path);
    expect(diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(diagnostics[0]?.location?.line).toBe(7);
    expect(diagnostics.at(-1)?.message).toBe(`${150 - MAX_DIAGNOSTICS} more error(s) not shown`);
  });
});

describe('loadDesiredState reads a file', () => {
  it('given with a path of its own, whatever its extension', async () => {
    const path = join(temp, 'config.txt');
    await writeFile(path, 'version: 1\n');
    await expect(loadDesiredState(path, { env: {} })).resolves.toMatchObject({ files: [path] });
  });
});
