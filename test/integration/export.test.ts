// Adopting an instance: export the live state, load the file as a config, plan it against the same instance:
// nothing to do. Names that YAML would read as something else, secrets, every field value: all survive the trip.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../src/config/load.js';
import { applyPlan, connect, planChanges } from '../../src/reconcile.js';
import { createPlan } from '../../src/plan/plan.js';
import { renderExport } from '../../src/report/export.js';
import type { SimStateInput } from '../../src/sim/server.js';
import { mutations, simulator, tempDir } from '../helpers/harness.js';

const ok = { state: 'success' as const };
const VARIED: SimStateInput = {
  environments: [
    { id: 2, name: 'DevTools Hook Env', image_url: 'https://files.example.com/devtools.tar.gz', download: ok },
    { id: 3, name: 'yes', image_url: 'https://files.example.com/yes.tar.gz', download: ok },
    { id: 4, name: '123', image_url: 'https://files.example.com/n.tar.gz?v=1&x=#frag', download: ok },
    { id: 5, name: 'null', image_url: 'https://files.example.com/null.tar.gz', download: ok },
    { id: 6, name: 'Env: with "quotes" # and a hash', image_url: 'https://files.example.com/q.tar.gz', download: ok },
    { id: 7, name: 'Ümlaut – ünïcode ✓', image_url: 'https://files.example.com/u.tar.gz', download: ok },
    // A `${` is the config's reference syntax: export writes it `$${`, read back as `${`, never from the environment.
    { id: 8, name: 'Costs $${5} ${HOME}', image_url: 'https://files.example.com/${v}.tar.gz', download: ok },
  ],
  hooks: [
    {
      name: 'Check Commits',
      script: 'scripts/commit_check.sh',
      script_repository: 'DevIT/hooks',
      environment_id: 2,
      enforcement: 'enabled',
      allow_downstream_configuration: true,
    },
    { name: 'on default', script: 'a.sh', script_repository: 'DevIT/hooks', environment_id: 1, enforcement: 'testing' },
    { name: 'false', script: 'dir/with-dash_and.dots.sh', script_repository: 'Org/repo.name', environment_id: 3 },
    { name: '- looks like a list', script: 'b.sh', script_repository: 'DevIT/hooks', environment_id: 4 },
    { name: 'on quoted env', script: 'c.sh', script_repository: 'DevIT/hooks', environment_id: 6 },
    { name: 'on unicode env', script: 'd.sh', script_repository: 'DevIT/hooks', environment_id: 7 },
    { name: 'on null env', script: 'e.sh', script_repository: 'DevIT/hooks', environment_id: 5 },
    { name: 'reads ${GHES_TOKEN}', script: '${x}/f.sh', script_repository: 'DevIT/hooks', environment_id: 8 },
  ],
  webhooks: [
    { url: 'https://audit.example.com/ghes', content_type: 'json', secret: 's3cret', events: ['organization'] },
    { url: 'https://chat.example.com/hook?channel=ops&x=1', insecure_ssl: '1', active: false, events: ['user'] },
    {
      url: 'https://all.example.com/',
      content_type: 'form',
      secret: 'another',
      events: ['fork', 'member', 'membership', 'organization', 'ping', 'repository', 'team', 'user'],
    },
    { url: 'https://defaults.example.com/x' },
    { url: 'https://templated.example.com/${id}?v=$${x}' },
  ],
};

async function exportAndLoad(sim: Awaited<ReturnType<typeof simulator>>) {
  const api = connect({ apiUrl: sim.url, token: sim.adminToken });
  const observed = await api.observe();
  const yaml = renderExport(observed);
  const path = join(tempDir(), 'exported.yml');
  writeFileSync(path, yaml);
  const desired = await loadDesiredState(path, { env: { HOME: '/root', GHES_TOKEN: 'a-token', v: '1', x: 'y' } });
  return { api, observed, yaml, desired };
}

describe('export round-trips', () => {
  it('varied live state → export → load → plan: no operation, nothing unmanaged', async () => {
    const sim = await simulator({ initialState: VARIED });
    const { observed, yaml, desired } = await exportAndLoad(sim);

    expect(desired.environments.map((e) => e.name).sort()).toEqual(VARIED.environments!.map((e) => e.name).sort());
    expect(desired.hooks).toHaveLength(VARIED.hooks!.length);
    expect(desired.webhooks).toHaveLength(VARIED.webhooks!.length);

    const plan = createPlan(desired, observed, { syncSecrets: false });
    expect(plan.operations).toEqual([]);
    expect(plan.unmanaged).toEqual([]);
    // A second, fresh observation plans the same way: the round trip does not depend on the object we exported.
    const again = await connect({ apiUrl: sim.url, token: sim.adminToken }).observe();
    expect(createPlan(desired, again, { syncSecrets: false }).operations).toEqual([]);

    // The secrets are not in the file (they cannot be read back); a comment says where one must go.
    expect(yaml).not.toContain('s3cret');
    expect(yaml).not.toContain('********');
    expect(yaml).not.toMatch(/^\s*secret:/m);
    expect(yaml.match(/has a secret, which the API cannot read back/g)).toHaveLength(2);
    expect(desired.webhooks.every((w) => w.secret === undefined)).toBe(true);
    expect(mutations(sim)).toEqual([]);
  });

  it('applying the export sends nothing and keeps the secrets', async () => {
    const sim = await simulator({ initialState: VARIED });
    const { api, desired } = await exportAndLoad(sim);
    const { plan } = await planChanges(desired, api, { syncSecrets: false });
    const result = await applyPlan(plan, api, {
      concurrency: 4,
      downloadTimeoutMs: 1000,
      downloadPollMs: 10,
      allowMassDelete: false,
      dryRun: false,
    });
    expect(result.results).toEqual([]);
    expect(mutations(sim)).toEqual([]);
    expect(sim.state.webhookSecret(1)).toBe('s3cret');
  });

  it('an environment whose last download failed is exported with a comment, and planning it downloads again', async () => {
    const sim = await simulator({
      initialState: {
        environments: [
          {
            id: 2,
            name: 'broken',
            image_url: 'https://x.example.com/e.tar.gz',
            download: { state: 'failed', message: 'disk\nfull' },
          },
        ],
      },
    });
    const { observed, yaml, desired } = await exportAndLoad(sim);
    expect(yaml).toContain('# The last download of this environment failed: disk full.');
    const plan = createPlan(desired, observed, { syncSecrets: false });
    expect(plan.operations.map((o) => o.id)).toEqual(['environment:download:broken']);
  });
});
