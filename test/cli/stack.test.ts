// An internal error's stack names source lines: the bundle's map, read only when such an error is printed.
import { copyFileSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
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

  it('leaves the stack alone without a map beside the bundle', ({ onTestFinished }) => {
    const copy = join(scoped(onTestFinished).tempDir(), 'cli.js');
    copyFileSync(CLI, copy);
    const stack = `Error: boom\n    at VL (${copy}:${bundled.line}:${bundled.column})`;
    expect(sourceMappedStack(stack, pathToFileURL(copy).href)).toBe(stack);
  });
});
