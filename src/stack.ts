// Stacks of internal errors ("please report it") name source lines: every file of the bundles (an entry, or a chunk in
// chunks/) has a source map beside it, read only when such an error is printed, so that a normal run pays nothing for
// it (not even Node's source-map support).
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapping } from 'node:module';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `stack` with every frame in a file of the bundle that `bundleUrl` belongs to (by default this module's own) rewritten
 * to its source file and line through that file's map, e.g. `src/config/load.ts:88:5 (chunks/chunk-X.js:3:1234)`.
 * A frame whose map is missing or unreadable stays as it is; so does the whole stack when running from the sources
 * (tests), where the frames already name them.
 */
export function sourceMappedStack(stack: string, bundleUrl: string = import.meta.url): string {
  let bundle: string;
  try {
    bundle = fileURLToPath(bundleUrl);
  } catch {
    return stack;
  }
  if (!bundle.endsWith('.js')) return stack;
  // scripts/build.mjs puts the entries in dist/ and the chunks they import in dist/chunks/.
  const folder = basename(dirname(bundle)) === 'chunks' ? dirname(dirname(bundle)) : dirname(bundle);
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = (file: string): SourceMap | undefined => {
    if (!maps.has(file)) maps.set(file, readMap(file));
    return maps.get(file);
  };
  return stack.replace(
    /(file:\/\/)?(\/[^\s():]+):(\d+):(\d+)/g,
    (frame, _scheme, path: string, line: string, column: string) => {
      const file = resolve(path);
      if (!file.endsWith('.js') || !file.startsWith(folder + sep)) return frame;
      // findEntry answers {} where nothing maps.
      const entry: Partial<SourceMapping> = mapOf(file)?.findEntry(Number(line) - 1, Number(column) - 1) ?? {};
      if (
        entry.originalSource === undefined ||
        entry.originalLine === undefined ||
        entry.originalColumn === undefined
      ) {
        return frame;
      }
      // scripts/build.mjs writes sources relative to the package root: `src/cli/main.ts`, `node_modules/...`.
      const where = relative(folder, file).split(sep).join('/');
      return `${entry.originalSource}:${entry.originalLine + 1}:${entry.originalColumn + 1} (${where}:${line}:${column})`;
    },
  );
}

function readMap(file: string): SourceMap | undefined {
  try {
    return new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
  } catch {
    return undefined;
  }
}
