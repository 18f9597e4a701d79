// Makes test/contract/ghes-3.19.extract.json: the operations ghes-gitops calls, cut from GitHub's OpenAPI
// description of GHES 3.19 (npm @octokit/openapi), with $refs resolved and prose dropped, so the contract
// test can check every request the integration suite sends (and every simulator response) without the
// 11 MB original. The package (385 MB) is not a devDependency: this one-off fetches the pinned version into a
// temporary folder and removes it afterwards. Run: node scripts/extract-openapi.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const OPENAPI_PACKAGE = '@octokit/openapi@23.0.2';
const version = '3.19';
const work = mkdtempSync(join(tmpdir(), 'ghes-gitops-openapi-'));
let spec;
let packageVersion;
try {
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', work, OPENAPI_PACKAGE], {
    stdio: 'inherit',
  });
  const dir = join(work, 'node_modules', '@octokit', 'openapi');
  spec = JSON.parse(readFileSync(join(dir, 'generated', `ghes-${version}.json`), 'utf8'));
  packageVersion = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
} finally {
  rmSync(work, { recursive: true, force: true });
}

const wanted = [
  /^\/admin\/hooks/,
  /^\/admin\/pre-receive-/,
  /^\/meta$/,
  /^\/orgs\/\{org\}\/pre-receive-hooks/,
  /^\/repos\/\{owner\}\/\{repo\}\/pre-receive-hooks/,
  /^\/repos\/\{owner\}\/\{repo\}$/,
  /^\/repos\/\{owner\}\/\{repo\}\/contents\/\{path\}$/,
  /^\/repos\/\{owner\}\/\{repo\}\/git\/trees\/\{tree_sha\}$/,
  // The daemon's repository source and its drift issue.
  /^\/repos\/\{owner\}\/\{repo\}\/commits\/\{ref\}$/,
  /^\/repos\/\{owner\}\/\{repo\}\/git\/blobs\/\{file_sha\}$/,
  /^\/repos\/\{owner\}\/\{repo\}\/issues$/,
  /^\/repos\/\{owner\}\/\{repo\}\/issues\/\{issue_number\}$/,
  /^\/repos\/\{owner\}\/\{repo\}\/issues\/\{issue_number\}\/comments$/,
  /^\/repos\/\{owner\}\/\{repo\}\/issues\/comments\/\{comment_id\}$/,
  /^\/user$/,
  // The Action's comment on the pull request an applied commit came from.
  /^\/repos\/\{owner\}\/\{repo\}\/commits\/\{commit_sha\}\/pulls$/,
];
const methods = ['get', 'post', 'patch', 'put', 'delete'];
const dropped = new Set(['description', 'summary', 'examples', 'example', 'externalDocs', 'x-github', 'tags']);

function resolveRefs(node, seen = []) {
  if (Array.isArray(node)) return node.map((item) => resolveRefs(item, seen));
  if (node === null || typeof node !== 'object') return node;
  if (typeof node.$ref === 'string') {
    if (seen.includes(node.$ref)) return {}; // a recursive schema: accept anything below this point
    const target = node.$ref
      .slice(2)
      .split('/')
      .reduce((obj, key) => obj[key.replaceAll('~1', '/').replaceAll('~0', '~')], spec);
    return resolveRefs(target, [...seen, node.$ref]);
  }
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (dropped.has(key) && typeof value !== 'object') continue;
    if (dropped.has(key) && key !== 'description') continue;
    out[key] = resolveRefs(value, seen);
  }
  return out;
}

const operations = [];
for (const [path, item] of Object.entries(spec.paths)) {
  if (!wanted.some((re) => re.test(path))) continue;
  for (const method of methods) {
    const op = item[method];
    if (!op) continue;
    // Of the repository endpoints only reads are used (the preflight's, the daemon's source), and the issue writes
    // of the daemon's report; their huge response schemas (and the user's) are not needed to check requests. The
    // repository's pre-receive hook overrides are used in full.
    const isRepo = (path.startsWith('/repos/') && !path.includes('/pre-receive-hooks')) || path === '/user';
    if (isRepo && method !== 'get' && !path.includes('/issues')) continue;
    const body = op.requestBody?.content?.['application/json'];
    const responses = {};
    for (const [status, response] of Object.entries(op.responses ?? {})) {
      const resolved = resolveRefs(response);
      responses[status] = isRepo ? null : (resolved.content?.['application/json']?.schema ?? null);
    }
    operations.push({
      operationId: op.operationId,
      method: method.toUpperCase(),
      path,
      parameters: resolveRefs([...(item.parameters ?? []), ...(op.parameters ?? [])]).map((p) => ({
        name: p.name,
        in: p.in,
        required: p.required ?? false,
        schema: p.schema ?? {},
      })),
      requestBody: body ? { required: op.requestBody.required ?? false, schema: resolveRefs(body.schema) } : null,
      responses,
    });
  }
}
operations.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
const out = resolve(import.meta.dirname, '..', 'test', 'contract', `ghes-${version}.extract.json`);
writeFileSync(
  out,
  `${JSON.stringify({ source: `@octokit/openapi@${packageVersion} generated/ghes-${version}.json`, operations }, null, 2)}\n`,
);
console.log(`wrote ${operations.length} operations to ${out}`);
