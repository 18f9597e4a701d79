/** Builds every bundle (dist/cli.js, dist/index.js) into outDir, which is emptied first. */
export function buildBundles(outDir: string): Promise<void>;
