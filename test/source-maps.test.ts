// The bundles' source maps must be the same bytes wherever they are built (check-dist compares the committed
// dist/ with a build in a temporary folder), so they may name no path outside the package.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';

describe('source maps of the bundles', () => {
  for (const bundle of ['cli.js', 'index.js']) {
    it(`${bundle}.map names its sources from the package root, whatever folder it was built in`, () => {
      const map = JSON.parse(readFileSync(join(inject('distDir'), `${bundle}.map`), 'utf8')) as {
        sources: string[];
        sourceRoot: string;
      };
      expect(map.sourceRoot).toBe('../');
      const foreign = map.sources.filter(
        (source) => !/^(src|node_modules)\//.test(source) && !/^[\w-]+:[^/]*$/.test(source),
      );
      expect(foreign).toEqual([]);
    });
  }
});
