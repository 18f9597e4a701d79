// Fails when the committed dist/ is not what `npm run build` makes from the current sources: every file of the whole
// tree (entries, chunks/, source maps) compared both ways, so a stale, missing or left-over chunk fails by its name.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');

/** The files that differ between two dist trees, as `dist/`-relative paths with why: stale, missing or extra. */
export function distDifferences(fresh, committed) {
  const built = files(fresh);
  const kept = files(committed);
  const differences = [];
  for (const name of [...new Set([...built, ...kept])].sort()) {
    if (!kept.has(name)) differences.push(`${name} (missing)`);
    else if (!built.has(name)) differences.push(`${name} (not built any more)`);
    else if (!readFileSync(join(fresh, name)).equals(readFileSync(join(committed, name)))) {
      differences.push(`${name} (stale)`);
    }
  }
  return differences;
}

/** Every file under dir, as a path relative to it with `/` separators; none when dir does not exist. */
function files(dir) {
  try {
    return new Set(
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) =>
          join(entry.parentPath, entry.name)
            .slice(dir.length + 1)
            .split(sep)
            .join('/'),
        ),
    );
  } catch {
    return new Set();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const fresh = mkdtempSync(join(tmpdir(), 'ghes-gitops-dist-'));
  try {
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), fresh], { cwd: root, stdio: 'inherit' });
    const differences = distDifferences(fresh, join(root, 'dist'));
    if (differences.length > 0) {
      console.error(`dist/ is stale: ${differences.join(', ')}.\nRun \`npm run build\` and commit dist/ (all of it).`);
      process.exitCode = 1;
    } else {
      console.log(`dist/ is up to date (${files(fresh).size} files).`);
    }
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}
