// Builds the bundles once per test run into a temporary folder, so the CLI and Action suites always run what
// the sources say (never a stale committed dist/). GHES_GITOPS_DIST points the run at another build instead.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildBundles } from '../../scripts/build.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    distDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.GHES_GITOPS_DIST;
  if (given) {
    project.provide('distDir', given);
    return async () => {};
  }
  const dir = await mkdtemp(join(tmpdir(), 'ghes-gitops-test-dist-'));
  await buildBundles(join(dir, 'dist'));
  project.provide('distDir', join(dir, 'dist'));
  return () => rm(dir, { recursive: true, force: true });
}
