// Bundles each entry point with @vercel/ncc into one self-contained file under dist/ (or the folder given
// as the first argument, which check-dist uses to compare a fresh build with the committed one).
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const outDir = resolve(process.argv[2] ?? join(root, 'dist'));

/** entry source → bundle name; the CLI gets a shebang so `dist/cli.js` runs as a command. */
const entries = [
  { source: 'src/cli/main.ts', bundle: 'cli.js', shebang: true },
  { source: 'src/action/main.ts', bundle: 'index.js', shebang: false },
];

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

for (const entry of entries) {
  if (!existsSync(join(root, entry.source))) continue;
  const work = mkdtempSync(join(tmpdir(), 'ghes-gitops-build-'));
  execFileSync(
    process.execPath,
    [ncc, 'build', entry.source, '-o', work, '--minify', '--no-source-map-register', '-q'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  const target = join(outDir, entry.bundle);
  copyFileSync(join(work, 'index.js'), target);
  rmSync(work, { recursive: true, force: true });
  if (entry.shebang) {
    const code = readFileSync(target, 'utf8');
    writeFileSync(target, `#!/usr/bin/env node\n${code.replace(/^#!.*\n/, '')}`);
    chmodSync(target, 0o755);
  }
}
// The bundles are ES modules; this marks them so wherever dist/ is copied.
writeFileSync(join(outDir, 'package.json'), `${JSON.stringify({ type: 'module' }, null, 2)}\n`);
