// The bundles' source maps must be the same bytes wherever they are built (check-dist compares the committed
// dist/ with a build in a temporary folder), so they may name no path outside the package. Every file of the
// bundles has one beside it, entries and chunks alike: src/stack.ts maps a frame through its own file's map.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { describe, expect, inject, it } from 'vitest';

const distDir = inject('distDir');
const files = readdirSync(distDir, { recursive: true, encoding: 'utf8' })
  .map((name) => name.split(sep).join('/'))
  .filter((name) => name.endsWith('.js'));

describe('source maps of the bundles', () => {
  it('are beside the entries and every chunk', () => {
    expect(files).toEqual(expect.arrayContaining(['cli.js', 'index.js']));
    expect(files.filter((name) => name.startsWith('chunks/')).length).toBeGreaterThan(1);
  });

  for (const file of files) {
    it(`${file}.map names its sources from the package root, whatever folder it was built in`, () => {
      const base = file.split('/').at(-1)!;
      expect(readFileSync(join(distDir, file), 'utf8').trimEnd().endsWith(`//# sourceMappingURL=${base}.map`)).toBe(
        true,
      );
      const map = JSON.parse(readFileSync(join(distDir, `${file}.map`), 'utf8')) as {
        sources: string[];
        sourceRoot: string;
      };
      // The package root is the folder above dist/, from dist/ or from dist/chunks/.
      expect(resolve(dirname(join(distDir, file)), map.sourceRoot)).toBe(dirname(distDir));
      const foreign = map.sources.filter(
        (source) => !/^(src|node_modules)\//.test(source) && !/^[\w-]+:[^/]*$/.test(source),
      );
      expect(foreign).toEqual([]);
    });
  }
});
