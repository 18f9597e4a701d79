// check-dist compares the whole dist/ tree with a fresh build, both ways: a chunk that is stale, missing, or left over
// from an older build fails it by name. Checked on copies of the test run's build.
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { distDifferences } from '../../scripts/check-dist.mjs';
import { ROOT } from '../helpers/cli.js';
import { scoped } from '../helpers/harness.js';

const distDir = inject('distDir');

describe('check-dist', () => {
  const committed = (onTestFinished: Parameters<typeof scoped>[0]) => {
    const copy = join(scoped(onTestFinished).tempDir(), 'dist');
    cpSync(distDir, copy, { recursive: true });
    return copy;
  };
  const chunks = readdirSync(join(distDir, 'chunks')).filter((name) => name.endsWith('.js'));

  it('passes a copy of the build', ({ onTestFinished }) => {
    expect(chunks.length).toBeGreaterThan(1);
    expect(distDifferences(distDir, committed(onTestFinished))).toEqual([]);
  });

  it('names a stale chunk, a missing one and one no build makes any more', ({ onTestFinished }) => {
    const copy = committed(onTestFinished);
    const [stale, missing] = chunks;
    writeFileSync(join(copy, 'chunks', stale!), '// an older build\n');
    rmSync(join(copy, 'chunks', missing!));
    writeFileSync(join(copy, 'chunks', 'chunk-LEFTOVER.js'), 'export {};\n');
    expect(distDifferences(distDir, copy)).toEqual(
      [
        `chunks/${stale} (stale)`,
        `chunks/${missing} (missing)`,
        'chunks/chunk-LEFTOVER.js (not built any more)',
      ].sort(),
    );
  });

  it('names an entry or a map that differs', ({ onTestFinished }) => {
    const copy = committed(onTestFinished);
    rmSync(join(copy, 'cli.js.map'));
    writeFileSync(join(copy, 'index.js'), '');
    expect(distDifferences(distDir, copy)).toEqual(['cli.js.map (missing)', 'index.js (stale)']);
  });

  it('is met by a build in another checkout, whose node_modules is a link: the chunks have the same names', ({
    onTestFinished,
  }) => {
    const checkout = scoped(onTestFinished).tempDir();
    for (const folder of ['src', 'schemas', 'scripts'])
      cpSync(join(ROOT, folder), join(checkout, folder), { recursive: true });
    for (const file of ['package.json', 'tsconfig.json']) cpSync(join(ROOT, file), join(checkout, file));
    symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
    execFileSync(process.execPath, [join(checkout, 'scripts', 'build.mjs'), join(checkout, 'dist')], { stdio: 'pipe' });
    expect(distDifferences(join(checkout, 'dist'), distDir)).toEqual([]);
  });
});
