// Bundles each entry point with esbuild into one self-contained ES module under dist/ (or the folder given as
// the first argument: check-dist compares a fresh build with the committed one, and the test suite builds once
// per run into a temporary folder, so tests never run a stale dist/).
// esbuild replaced @vercel/ncc: both bundles build in ~0.6 s instead of 40-80 s, and come out ~10% smaller.
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');

/** entry source → bundle name; the CLI gets a shebang so `dist/cli.js` runs as a command. */
const entries = [
  { source: 'src/cli/main.ts', bundle: 'cli.js', shebang: true },
  { source: 'src/action/main.ts', bundle: 'index.js', shebang: false },
];

// Some dependencies are CommonJS and call require(): give the ES module bundle one.
const requireShim =
  "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);";

/** Builds every bundle into outDir (emptied first). */
export async function buildBundles(outDir) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const precompiled = precompiledSchemaValidator(await schemaValidatorSource());
  await Promise.all(
    entries.map(async (entry) => {
      const target = join(outDir, entry.bundle);
      await build({
        absWorkingDir: root,
        entryPoints: [entry.source],
        outfile: target,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        minify: true,
        legalComments: 'none',
        // A map beside each bundle, read only to print an internal error's stack (src/stack.ts): no start-up cost,
        // and no copy of the sources in it (sourcesContent), which keeps it small.
        sourcemap: 'linked',
        sourcesContent: false,
        banner: { js: entry.shebang ? `#!/usr/bin/env node\n${requireShim}` : requireShim },
        logLevel: 'warning',
        plugins: [precompiled, lazyUndici],
      });
      if (entry.shebang) chmodSync(target, 0o755);
      portableSourceMap(`${target}.map`);
    }),
  );
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
 * so every Action start evaluated undici though only the pull-request comment code (@actions/github, itself a
 * dynamic import) ever sends a request through it. Those imports get a stand-in that requires undici on first
 * use; undici itself is bundled unchanged.
 */
const lazyUndici = {
  name: 'lazy-undici',
  setup(bundler) {
    bundler.onResolve({ filter: /^undici$/ }, (args) =>
      args.namespace === 'lazy-undici' ? undefined : { path: 'undici', namespace: 'lazy-undici' },
    );
    bundler.onLoad({ filter: /.*/, namespace: 'lazy-undici' }, () => ({
      contents: [
        "const undici = () => require('undici');",
        // `new ProxyAgent(...)` returns undici's own instance: a constructor may return another object.
        'export class ProxyAgent { constructor(...args) { return new (undici().ProxyAgent)(...args); } }',
        'export function fetch(...args) { return undici().fetch(...args); }',
      ].join('\n'),
      loader: 'js',
      resolveDir: root,
    }));
  },
};

/**
 * esbuild names sources relative to where the map is written, and through the real path of node_modules: rewrite
 * them relative to the package root (`src/cli/main.ts`, `node_modules/yaml/...`), with `sourceRoot: '../'` for
 * tools that resolve them, so that the map is the same wherever it is built (check-dist compares the bytes).
 */
function portableSourceMap(mapFile) {
  const map = JSON.parse(readFileSync(mapFile, 'utf8'));
  map.sourceRoot = '../';
  map.sources = map.sources.map((source) => {
    // A plugin's virtual module (`lazy-undici:undici`) is no file: its name stays as esbuild wrote it.
    if (/^[\w-]+:/.test(source)) return source;
    const absolute = resolve(dirname(mapFile), source);
    const dependency = absolute.indexOf('/node_modules/');
    return dependency >= 0 ? absolute.slice(dependency + 1) : relative(root, absolute);
  });
  writeFileSync(mapFile, JSON.stringify(map));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildBundles(resolve(process.argv[2] ?? join(root, 'dist')));
}
