// Observation reads every page of every kind, with exactly ceil(n/100) list requests per kind: no object missed,
// no request wasted.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/reconcile.js';
import { renderExport } from '../../src/report/export.js';
import { buildLargeState } from '../../src/sim/server.js';
import { lastSeq, mutations, planAgainst, reconcile, requestsAfter, simulator, tempDir } from '../helpers/harness.js';

const LISTS = {
  environments: '/api/v3/admin/pre-receive-environments',
  hooks: '/api/v3/admin/pre-receive-hooks',
  webhooks: '/api/v3/admin/hooks',
} as const;

function listRequests(sim: Awaited<ReturnType<typeof simulator>>) {
  const log = requestsAfter(sim);
  return Object.fromEntries(
    Object.entries(LISTS).map(([kind, path]) => [kind, log.filter((e) => e.method === 'GET' && e.path === path)]),
  ) as Record<keyof typeof LISTS, ReturnType<typeof requestsAfter>>;
}

describe('pagination', () => {
  it.each([
    // environments include the default one
    { environments: 150, hooks: 250, webhooks: 101, pages: { environments: 2, hooks: 3, webhooks: 2 } },
    { environments: 99, hooks: 100, webhooks: 0, pages: { environments: 1, hooks: 1, webhooks: 1 } },
    { environments: 200, hooks: 301, webhooks: 300, pages: { environments: 3, hooks: 4, webhooks: 3 } },
  ])('$environments environments, $hooks hooks, $webhooks webhooks: all observed, pages $pages', async (size) => {
    const sim = await simulator({ initialState: buildLargeState(size) });
    const observed = await connect({ apiUrl: sim.url, token: sim.adminToken }).observe();

    expect(observed.environments.map((e) => e.id).sort((a, b) => a - b)).toEqual(
      sim.state.environments().map((e) => e.id),
    );
    expect(observed.hooks.map((h) => h.id).sort((a, b) => a - b)).toEqual(sim.state.hooks().map((h) => h.id));
    expect(observed.webhooks.map((w) => w.id).sort((a, b) => a - b)).toEqual(sim.state.webhooks().map((w) => w.id));
    expect(observed.environments).toHaveLength(size.environments + 1);

    const lists = listRequests(sim);
    for (const kind of Object.keys(LISTS) as (keyof typeof LISTS)[]) {
      expect(lists[kind], kind).toHaveLength(size.pages[kind]);
      expect(lists[kind].map((e) => e.query.per_page)).toEqual(lists[kind].map(() => '100'));
      const pages = lists[kind].map((e) => Number(e.query.page ?? '1')).sort((a, b) => a - b);
      expect(pages, kind).toEqual(Array.from({ length: size.pages[kind] }, (_, i) => i + 1));
    }
    expect(requestsAfter(sim)).toHaveLength(size.pages.environments + size.pages.hooks + size.pages.webhooks);
  });

  it('objects past the first page are planned and changed like the others', async () => {
    const sim = await simulator({ initialState: buildLargeState({ environments: 101, hooks: 150, webhooks: 120 }) });
    const api = connect({ apiUrl: sim.url, token: sim.adminToken });
    const config = join(tempDir(), 'exported.yml');
    writeFileSync(config, renderExport(await api.observe()));
    // Drift behind the tool's back, on the last page of each kind (webhook 118 has no secret).
    sim.state.updateEnvironment(102, { image_url: 'https://images.example.com/drifted.tar.gz' });
    sim.state.updateHook(150, { enforcement: 'enabled' === sim.state.hook(150)!.enforcement ? 'testing' : 'enabled' });
    sim.state.updateWebhook(118, { active: !sim.state.webhook(118)!.active });
    const mark = lastSeq(sim);

    const { plan, result } = await reconcile(sim, config);
    expect(plan.operations.map((o) => [o.id, 'liveId' in o ? o.liveId : undefined])).toEqual([
      ['environment:update:env-0101', 102],
      ['environment:download:env-0101', 102],
      ['webhook:update:https://hooks.example.com/receiver/0118', 118],
      ['hook:update:hook-00150', 150],
    ]);
    expect(result.counts).toMatchObject({ succeeded: 4, failed: 0, skipped: 0 });
    expect(mutations(sim, mark).sort()).toEqual([
      'PATCH /admin/hooks/118',
      'PATCH /admin/pre-receive-environments/102',
      'PATCH /admin/pre-receive-hooks/150',
      'POST /admin/pre-receive-environments/102/downloads',
    ]);

    const before = lastSeq(sim);
    expect((await planAgainst(sim, config)).plan.operations).toEqual([]);
    expect(requestsAfter(sim, before)).toHaveLength(2 + 2 + 2);
  });
});
