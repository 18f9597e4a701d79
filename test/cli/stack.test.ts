// An internal error's stack names source lines: the map beside each file of the bundle (an entry or a chunk), read
// only when such an error is printed.
import { copyFileSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadedAtStart, readDist, type Dist } from '../../scripts/bench/bundle-loads.js';
import { sourceMappedStack } from '../../src/stack.js';
import { CLI, ROOT } from '../helpers/cli.js';
import { scoped } from '../helpers/harness.js';

/** 1-based line and column of the first (or last) `text` in `source`. */
function position(source: string, text: string, last = false): { line: number; column: number } {
  const index = last ? source.lastIndexOf(text) : source.indexOf(text);
  expect(index).toBeGreaterThanOrEqual(0);
  const before = source.slice(0, index).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

describe('sourceMappedStack', () => {
  const literal = 'internal error (please report it): ';
  // The entry module (src/cli/run.ts) comes last in the bundle; the daemon says the same words earlier.
  const bundled = position(readFileSync(CLI, 'utf8'), literal, true);
  const original = position(readFileSync(resolve(ROOT, 'src/cli/run.ts'), 'utf8'), literal);

  it('rewrites a frame in the bundle to the source file and line, keeping the bundle position', () => {
    const stack = `Error: boom\n    at VL (${pathToFileURL(CLI).href}:${bundled.line}:${bundled.column})\n    at node:internal/x:1:2`;
    const mapped = sourceMappedStack(stack, pathToFileURL(CLI).href);
    expect(mapped).toMatch(
      new RegExp(`at VL \\(src/cli/run\\.ts:${original.line}:\\d+ \\(cli\\.js:${bundled.line}:${bundled.column}\\)\\)`),
    );
    expect(mapped).toContain('at node:internal/x:1:2');
  });

  describe('frames in chunks', () => {
    let dist: Dist;
    beforeAll(async () => {
      dist = await readDist(dirname(CLI));
    });

    it("map through the chunk's own map, from whichever file of the bundle stack.ts itself is in", () => {
      // src/cli/args.ts is in a chunk the CLI shares with the daemon's.
      const cliFiles = new Set(loadedAtStart(dist, ['cli.js']).map((file) => file.name));
      const chunk = [...dist.values()].find((f) => cliFiles.has(f.name) && f.sources.includes('src/cli/args.ts'))!.name;
      expect(chunk).toMatch(/^chunks\/chunk-[A-Z0-9]+\.js$/);
      const literal = 'abandon (and retry when safe) a request';
      const inChunk = position(readFileSync(join(dirname(CLI), chunk), 'utf8'), literal);
      const inSource = position(readFileSync(resolve(ROOT, 'src/cli/args.ts'), 'utf8'), literal);
      const stack =
        `Error: boom\n    at Zo (${pathToFileURL(join(dirname(CLI), chunk)).href}:${inChunk.line}:${inChunk.column})\n` +
        `    at async VL (${CLI}:${bundled.line}:${bundled.column})`;
      const inArgs = new RegExp(
        `at Zo \\(src/cli/args\\.ts:${inSource.line}:\\d+ \\(${chunk.replace('.', '\\.')}:${inChunk.line}:${inChunk.column}\\)\\)`,
      );
      const inRun = new RegExp(`at async VL \\(src/cli/run\\.ts:${original.line}:\\d+ \\(cli\\.js:${bundled.line}:`);
      // stack.ts in cli.js (the CLI), or in a chunk: both find every file's map.
      for (const self of [CLI, join(dirname(CLI), chunk)]) {
        const mapped = sourceMappedStack(stack, pathToFileURL(self).href);
        expect(mapped).toMatch(inArgs);
        expect(mapped).toMatch(inRun);
      }
    });
  });

  it('leaves the stack alone without a map beside the bundle', ({ onTestFinished }) => {
    const copy = join(scoped(onTestFinished).tempDir(), 'cli.js');
    copyFileSync(CLI, copy);
    const stack = `Error: boom\n    at VL (${copy}:${bundled.line}:${bundled.column})`;
    expect(sourceMappedStack(stack, pathToFileURL(copy).href)).toBe(stack);
  });
});
