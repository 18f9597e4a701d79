// The bundles validate config files with ajv standalone code generated at build time (scripts/build.mjs), the
// sources with the same schema compiled at run time: both must fill in the same defaults and report the same
// errors, field for field, since the diagnostics (wording and location) are made from those errors.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { build } from 'esbuild';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { loadedAtStart, loadedByCommand, readDist, sourcesOf } from '../../scripts/bench/bundle-loads.js';
import { schemaValidatorSource } from '../../scripts/build.mjs';
import { schemaValidator } from '../../src/config/schema-validator.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** The standalone module, bundled as the build bundles it, and loaded. */
async function standaloneValidator(): Promise<ValidateFunction> {
  const bundled = await build({
    stdin: { contents: await schemaValidatorSource(), resolveDir: join(ROOT, 'src', 'config'), loader: 'js' },
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
  });
  const code = Buffer.from(bundled.outputFiles[0]!.contents).toString('base64');
  const module = (await import(`data:text/javascript;base64,${code}`)) as { schemaValidator: () => ValidateFunction };
  return module.schemaValidator();
}

function yamlFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => join(directory, name));
}

/** Every config document the tests and examples hold that YAML can read, and a few that break each keyword. */
function documents(): [string, unknown][] {
  const found: [string, unknown][] = [];
  for (const file of [...yamlFiles(join(ROOT, 'test', 'fixtures', 'config')), ...yamlFiles(join(ROOT, 'examples'))]) {
    try {
      // logLevel 'error': a fixture's unknown tag (`!vault`) is a warning the loader reports, not noise for the log.
      found.push([file.slice(ROOT.length + 1), parse(readFileSync(file, 'utf8'), { logLevel: 'error' }) as unknown]);
    } catch {
      // Not YAML on purpose (syntax errors, alias bombs): the parser refuses it before the schema sees it.
    }
  }
  const crafted: Record<string, unknown> = {
    'every kind of error': {
      version: 1,
      prune: 'yes',
      extra: true,
      environments: [{ name: '', image_url: 7 }, { image_url: 'https://x/y.tar.gz' }, 'env'],
      hooks: [
        { name: 'h', script: 'a.sh', script_repository: 'not a repo', environment: 'E', enforcement: 'maybe' },
        { name: 'h2', absent: 'true', organizations: { 'o-1': { enforcement: 'on' } }, repositories: 'r' },
      ],
      webhooks: [
        { url: 'ftp://x', events: [], content_type: 'xml', insecure_ssl: 'no', secret: 12345 },
        { url: 'https://hooks.example.com/a', events: ['PUSH', 'users', 3], active: 'on' },
      ],
    },
    'a list at the top': [{ version: 1 }],
    'an empty mapping': {},
    'unicode in names': { version: 1, environments: [{ name: '😀', image_url: 'https://files.example.com/😀.tgz' }] },
  };
  for (const [name, data] of Object.entries(crafted)) found.push([name, data]);
  return found;
}

describe('the precompiled schema validator', () => {
  let standalone: ValidateFunction;
  beforeAll(async () => {
    standalone = await standaloneValidator();
  });

  it.each(documents())('validates %s exactly as the schema compiled at run time', (_name, data) => {
    const runtime = schemaValidator();
    // Each validator fills in defaults in place: give each its own copy.
    const [forRuntime, forStandalone] = [structuredClone(data), structuredClone(data)];
    expect(standalone(forStandalone)).toBe(runtime(forRuntime));
    expect(standalone.errors ?? null).toEqual(runtime.errors ?? null);
    expect(forStandalone).toEqual(forRuntime);
  });

  it('is what the bundles hold: neither compiles a schema at start', async () => {
    const dist = await readDist(inject('distDir'));
    const starts = { 'cli.js plan': loadedByCommand(dist, 'plan'), 'index.js': loadedAtStart(dist, ['index.js']) };
    for (const [start, files] of Object.entries(starts)) {
      // ajv's small run-time helpers (string length) are in what a start loads.
      expect(sourcesOf(files).filter((source) => source.includes('node_modules/ajv/')).length, start).toBeGreaterThan(
        0,
      );
    }
    // ajv's compiler and code generator are in no file of the bundles.
    const ajv = sourcesOf([...dist.values()]).filter((source) => source.includes('node_modules/ajv/'));
    expect(ajv.filter((source) => !/node_modules\/ajv\/(dist|lib)\/runtime\//.test(source))).toEqual([]);
  });
});
