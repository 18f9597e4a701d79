// Stacks of internal errors ("please report it") name source lines: the bundles ship a source map beside them, read
// only when such an error is printed, so that a normal run pays nothing for it (not even Node's source-map support).
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `stack` with every frame in the bundle at `bundleUrl` rewritten to its source file and line, e.g.
 * `src/cli/commands.ts:120:11 (cli.js:2:4567)`. Unchanged when the map is missing or unreadable, and when
 * running from the sources (tests), where the frames already name them.
 */
export function sourceMappedStack(stack: string, bundleUrl: string = import.meta.url): string {
  let bundle: string;
  let map: SourceMap;
  try {
    bundle = fileURLToPath(bundleUrl);
    if (!bundle.endsWith('.js')) return stack;
    map = new SourceMap(
      JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0],
    );
  } catch {
    return stack;
  }
  return stack.replace(
    /(file:\/\/)?(\/[^\s():]+):(\d+):(\d+)/g,
    (frame, _scheme, file: string, line: string, column: string) => {
      if (resolve(file) !== bundle) return frame;
      const entry = map.findEntry(Number(line) - 1, Number(column) - 1) as {
        originalSource?: string;
        originalLine?: number;
        originalColumn?: number;
      };
      if (
        entry.originalSource === undefined ||
        entry.originalLine === undefined ||
        entry.originalColumn === undefined
      ) {
        return frame;
      }
      // scripts/build.mjs writes sources relative to the package root: `src/cli/main.ts`, `node_modules/...`.
      return `${entry.originalSource}:${entry.originalLine + 1}:${entry.originalColumn + 1} (${basename(bundle)}:${line}:${column})`;
    },
  );
}
