// Bundles each entry point with esbuild into ES modules under dist/ that need no node_modules (or into the folder given
// as the first argument: check-dist compares a fresh build with the committed one, and the test suite builds once per
// run into a temporary folder, so tests never run a stale dist/). Code that only a dynamic import reaches (the
// daemon, the simulator, the Action's pull-request comment client) goes into chunks in dist/chunks/, named by a hash
// of their content, read and compiled only when that code runs. Each entry is built on its own, so that its start
// loads few files: in Node 20 every ES module costs ~0.6 ms of CPU to load however small, so a split only pays where
// it keeps tens of KB off the path (an A/B of a split per CLI command: `plan` then loaded 20 files instead of 5, and
// reached its first request ~9 ms later).
// esbuild replaced @vercel/ncc: both bundles build in ~0.6 s instead of 40-80 s, and come out ~10% smaller.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');

/**
 * entry source → bundle name. `dist/cli.js` runs as a command: its hashbang line is src/cli/main.ts's own (esbuild
 * keeps an entry's), and it is made executable.
 */
const entries = [
  { source: 'src/cli/main.ts', bundle: 'cli.js', executable: true },
  { source: 'src/action/main.ts', bundle: 'index.js', executable: false },
];

// Some dependencies are CommonJS and call require(): give every ES module of the bundles one (a chunk may hold such a
// dependency; creating one costs ~0.1 ms).
const requireShim =
  "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);";

/** Builds every bundle into outDir (emptied first). */
export async function buildBundles(outDir) {
  const precompiled = precompiledSchemaValidator(await schemaValidatorSource());
  // Built as if into dist/ and written where asked: the chunks' names hash their content, which names the sources
  // relative to the output folder, so only the same folder gives the same names wherever the build runs.
  const distDir = join(root, 'dist');
  const builds = await Promise.all(
    entries.map((entry) =>
      build({
        absWorkingDir: root,
        entryPoints: [{ in: entry.source, out: entry.bundle.replace(/\.js$/, '') }],
        outdir: distDir,
        write: false,
        bundle: true,
        splitting: true,
        // Paths as the checkout has them, not through a linked node_modules: they go into the chunks' hashes.
        preserveSymlinks: true,
        chunkNames: 'chunks/[name]-[hash]',
        platform: 'node',
        format: 'esm',
        target: 'node20',
        minify: true,
        legalComments: 'none',
        // A map beside each file, read only to print an internal error's stack (src/stack.ts): no start-up cost,
        // and no copy of the sources in it (sourcesContent), which keeps it small.
        sourcemap: 'linked',
        sourcesContent: false,
        banner: { js: requireShim },
        logLevel: 'warning',
        plugins: [precompiled, lazyUndici],
      }),
    ),
  );
  rmSync(outDir, { recursive: true, force: true });
  const written = new Map();
  for (const output of builds.flatMap((result) => result.outputFiles)) {
    const name = relative(distDir, output.path);
    const contents = name.endsWith('.map') ? portableSourceMap(output.text, output.path) : output.contents;
    // Two entries may make the same chunk (the same hash): the same bytes, written once.
    const earlier = written.get(name);
    if (earlier !== undefined) {
      if (!Buffer.from(earlier).equals(Buffer.from(contents))) throw new Error(`two different files named ${name}`);
      continue;
    }
    written.set(name, contents);
    const target = join(outDir, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, contents);
  }
  for (const entry of entries) if (entry.executable) chmodSync(join(outDir, entry.bundle), 0o755);
  // The bundles are ES modules; this marks them so wherever dist/ is copied.
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify({ type: 'module' }, null, 2)}\n`);
}

/**
 * src/config/schema-validator.ts as ajv standalone code: the validator compiled here, with that module's own ajv
 * set-up, instead of at every start (compiling the schema was the largest part of the Action's cold start).
 */
export async function schemaValidatorSource() {
  const generator = await build({
    absWorkingDir: root,
    stdin: {
      contents: [
        "export { createSchemaAjv } from './src/config/schema-validator.ts';",
        "export { default as schema } from './schemas/ghes-gitops.schema.json';",
        "export { default as standaloneCode } from 'ajv/dist/standalone/index.js';",
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
  const code = Buffer.from(generator.outputFiles[0].contents).toString('base64');
  const { createSchemaAjv, schema, standaloneCode } = await import(`data:text/javascript;base64,${code}`);
  const ajv = createSchemaAjv({ source: true, esm: true });
  // The module's one export, as the TypeScript module has it; ajv's runtime helpers are bundled from ajv/dist.
  return `${standaloneCode(ajv, ajv.compile(schema))}\nexport function schemaValidator() { return validate; }\n`;
}

/** An esbuild plugin that bundles the given standalone code in place of src/config/schema-validator.ts. */
function precompiledSchemaValidator(source) {
  return {
    name: 'precompiled-schema-validator',
    setup(bundler) {
      bundler.onLoad({ filter: /[\\/]src[\\/]config[\\/]schema-validator\.ts$/ }, () => ({
        contents: source,
        loader: 'js',
        resolveDir: join(root, 'src', 'config'),
      }));
    },
  };
}

/**
 * @actions/core imports @actions/http-client for OIDC tokens, and that imports undici (400 KB) for its proxy agent,
 * so every Action start loaded undici though only the pull-request comment code (@actions/github, a dynamic import,
 * with its own copy of http-client) ever sends a request through it. So undici is bundled for @actions/github only,
 * in the chunks loaded when a comment is posted; @actions/core's copy of http-client gets a stand-in, which says so
 * if it is ever used (ghes-gitops never asks @actions/core for a token or a proxy dispatcher: nothing constructs it).
 */
const lazyUndici = {
  name: 'lazy-undici',
  setup(bundler) {
    bundler.onResolve({ filter: /^undici$/ }, (args) =>
      /[\\/]node_modules[\\/]@actions[\\/]github[\\/]/.test(args.importer)
        ? undefined
        : { path: 'undici', namespace: 'lazy-undici' },
    );
    bundler.onLoad({ filter: /.*/, namespace: 'lazy-undici' }, () => ({
      contents: [
        'export class ProxyAgent {',
        '  constructor() {',
        "    throw new Error('undici is bundled for @actions/github only, not for @actions/core (scripts/build.mjs)');",
        '  }',
        '}',
      ].join('\n'),
      loader: 'js',
      resolveDir: root,
    }));
  },
};

/**
 * esbuild names sources relative to where the map is written, and through the real path of node_modules: rewrite
 * them relative to the package root (`src/cli/main.ts`, `node_modules/yaml/...`), with a `sourceRoot` that leads
 * there from the map's folder (`../` beside the entries, `../../` in chunks/) for tools that resolve them, so that
 * the map is the same wherever it is built (check-dist compares the bytes).
 */
function portableSourceMap(text, mapFile) {
  const map = JSON.parse(text);
  map.sourceRoot = `${relative(dirname(mapFile), root)}/`;
  map.sources = map.sources.map((source) => {
    // A plugin's virtual module (`lazy-undici:undici`) is no file: its name stays as esbuild wrote it.
    if (/^[\w-]+:/.test(source)) return source;
    const absolute = resolve(dirname(mapFile), source);
    const dependency = absolute.indexOf('/node_modules/');
    return dependency >= 0 ? absolute.slice(dependency + 1) : relative(root, absolute);
  });
  return JSON.stringify(map);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildBundles(resolve(process.argv[2] ?? join(root, 'dist')));
}
