// `npm run demo`: the main job end to end against the built-in simulator, with the committed bundle
// (dist/cli.js), exactly as a user would run it. Starts the simulator, then:
// validate → plan → apply → a change behind the tool's back → plan shows the drift → apply corrects it → plan is empty.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const cli = resolve(root, 'dist', 'cli.js');
const config = resolve(root, 'examples', 'ghes-gitops.yml');
// The repositories and hook scripts the example refers to: apply checks that each script exists before using it.
const simulatorState = resolve(root, 'scripts', 'demo-simulator-state.json');
if (!existsSync(cli)) {
  console.error('dist/cli.js is missing: run `npm run build` first.');
  process.exit(1);
}

const bold = (text) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${text}\x1b[0m` : text);
let step = 0;
const heading = (title) =>
  console.log(`\n${bold(`── ${++step}. ${title} ${'─'.repeat(Math.max(0, 60 - title.length))}`)}`);

const sim = spawn(
  process.execPath,
  [cli, 'simulate', '--port', '0', '--download-ms', '300', '--state', simulatorState],
  {
    stdio: ['ignore', 'ignore', 'pipe'],
  },
);
// The simulator's banner names its URL and its built-in site-admin token.
const banner = await new Promise((resolveBanner, reject) => {
  let seen = '';
  sim.stderr.on('data', (chunk) => {
    seen += chunk;
    if (seen.includes('Ctrl+C')) resolveBanner(seen);
  });
  sim.on('exit', (code) => reject(new Error(`the simulator exited (${code}): ${seen}`)));
});
const url = /listening on (\S+)/.exec(banner)[1];
const token = /GHES_TOKEN=(\S+)/.exec(banner)[1];

const env = {
  ...process.env,
  GHES_API_URL: url,
  GHES_TOKEN: token,
  GHES_AUDIT_HOOK_SECRET: 'demo-secret-not-for-production',
  NO_COLOR: process.env.NO_COLOR ?? '',
};

function run(args, { expect = [0] } = {}) {
  console.log(bold(`$ ghes-gitops ${args.join(' ')}`));
  const result = spawnSync(process.execPath, [cli, ...args], { env, stdio: 'inherit' });
  if (!expect.includes(result.status)) {
    console.error(`\nstep failed: exit code ${result.status}, expected ${expect.join(' or ')}`);
    shutdown(1);
  }
  return result.status;
}

async function api(method, path, body) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
  return response.status === 204 ? undefined : response.json();
}

function shutdown(code) {
  sim.kill('SIGTERM');
  process.exit(code);
}

try {
  console.log(
    `GHES simulator at ${url} (site-admin token from the simulator; the example's webhook secret from the environment).`,
  );
  heading('validate the desired state');
  run(['validate', '--config', config]);

  heading('plan against an empty instance');
  run(['plan', '--config', config, '--detailed-exitcode'], { expect: [2] });

  heading('apply');
  run(['apply', '--config', config]);

  heading('a change made behind the tool’s back');
  const hooks = await api('GET', '/admin/pre-receive-hooks?per_page=100');
  const enforced = hooks.find((hook) => hook.enforcement === 'enabled') ?? hooks[0];
  await api('PATCH', `/admin/pre-receive-hooks/${enforced.id}`, { enforcement: 'disabled' });
  console.log(`an administrator disabled the pre-receive hook "${enforced.name}" in the admin UI`);
  const webhooks = await api('GET', '/admin/hooks?per_page=100');
  await api('DELETE', `/admin/hooks/${webhooks[0].id}`);
  console.log(`and deleted the global webhook ${webhooks[0].config.url}`);

  heading('plan shows the drift');
  run(['plan', '--config', config, '--detailed-exitcode'], { expect: [2] });

  heading('apply corrects it');
  run(['apply', '--config', config]);

  heading('plan is empty');
  run(['plan', '--config', config, '--detailed-exitcode'], { expect: [0] });
  console.log(
    `\n${bold('Demo complete.')} Try it yourself: \`node dist/cli.js simulate --state scripts/demo-simulator-state.json\` and the commands above.`,
  );
  shutdown(0);
} catch (error) {
  console.error(error);
  shutdown(1);
}
