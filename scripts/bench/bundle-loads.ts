// What a start of each bundle loads: the entry file and every chunk it imports statically (read, compiled and
// evaluated before anything runs), apart from the chunks behind dynamic imports (loaded only when that code runs).
// Read from a built dist/ itself (esbuild parses its import statements; each file's map names the sources in it),
// so that it describes whatever folder is measured, the committed dist/ included.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { build } from 'esbuild';

export interface DistFile {
  /** Relative to the dist folder, with `/`: `cli.js`, `chunks/plan-X.js`. */
  name: string;
  bytes: number;
  staticImports: string[];
  dynamicImports: string[];
  /** The source files the map beside it names: `src/cli/plan.ts`, `node_modules/yaml/dist/...`. */
  sources: string[];
}

export type Dist = Map<string, DistFile>;

/** Every JavaScript file of a dist folder, with its imports and sources. */
export async function readDist(distDir: string): Promise<Dist> {
  const names = readdirSync(distDir, { recursive: true, encoding: 'utf8' })
    .map((name) => name.split(sep).join('/'))
    .filter((name) => name.endsWith('.js'));
  // Parsed, not run: esbuild's metafile lists each file's imports with their kind.
  const { metafile } = await build({
    absWorkingDir: distDir,
    entryPoints: names,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    outdir: join(distDir, 'metafile-only'),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const dist: Dist = new Map();
  for (const name of names) {
    const input = metafile.inputs[name];
    const local = (kind: string) =>
      (input?.imports ?? [])
        .filter((i) => i.kind === kind && !i.external)
        .map((i) => relative(distDir, join(distDir, i.path)).split(sep).join('/'));
    dist.set(name, {
      name,
      bytes: statSync(join(distDir, name)).size,
      staticImports: local('import-statement'),
      dynamicImports: local('dynamic-import'),
      sources: mapSources(join(distDir, `${name}.map`)),
    });
  }
  return dist;
}

function mapSources(mapFile: string): string[] {
  try {
    return (JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[] }).sources;
  } catch {
    return [];
  }
}

/** The files a start of `names` loads: them and, transitively, what they import statically; sorted, names first. */
export function loadedAtStart(dist: Dist, names: string[]): DistFile[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    const file = dist.get(name);
    if (!file || seen.has(name)) return;
    seen.add(name);
    file.staticImports.forEach(visit);
  };
  names.forEach(visit);
  return [...seen].map((name) => dist.get(name)!);
}

/** The file whose code a source file ended up in (e.g. `src/cli/plan.ts` → `chunks/plan-X.js`). */
export function fileHolding(dist: Dist, source: string): string | undefined {
  return [...dist.values()].find((file) => file.sources.includes(source))?.name;
}

/**
 * What running a CLI command loads: cli.js and its static chunks, then the chunk holding the command's module
 * (src/cli/<command>.ts) and its static chunks. A build not split by command (before the chunks) loads it all at start.
 */
export function loadedByCommand(dist: Dist, command: string): DistFile[] {
  const chunk = fileHolding(dist, `src/cli/${command}.ts`);
  return loadedAtStart(dist, chunk === undefined ? ['cli.js'] : ['cli.js', chunk]);
}

/** The sources a list of files holds, for checks such as "plan loads none of the simulator". */
export function sourcesOf(files: DistFile[]): string[] {
  return [...new Set(files.flatMap((file) => file.sources))].sort();
}

export const bytesOf = (files: DistFile[]): number => files.reduce((sum, file) => sum + file.bytes, 0);
