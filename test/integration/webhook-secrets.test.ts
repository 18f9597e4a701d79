// Webhook secrets are write-only and a webhook PATCH erases whatever it omits: these tests look at the secret the
// simulator actually stored, never at what the API shows (always the mask).
import { describe, expect, it } from 'vitest';
import { PlanRefusedError } from '../../src/plan/plan.js';
import type { SimStateInput } from '../../src/sim/server.js';
import {
  lastSeq,
  mutations,
  planAgainst,
  reconcile,
  requestsAfter,
  simulator,
  writeConfig,
} from '../helpers/harness.js';

const URL = 'https://audit.example.com/ghes';
const SEED: SimStateInput = {
  webhooks: [{ id: 5, url: URL, content_type: 'json', secret: 'live-secret', events: ['user'] }],
};

function config(secretLine: string, events = '[user, organization]'): string {
  return writeConfig(`
version: 1
webhooks:
  - url: ${URL}
    content_type: json
${secretLine ? `    ${secretLine}\n` : ''}    events: ${events}
`);
}

/** The bodies of the PATCHes sent to webhook 5. */
function patches(sim: Awaited<ReturnType<typeof simulator>>) {
  return requestsAfter(sim)
    .filter((e) => e.method === 'PATCH' && e.path.endsWith('/admin/hooks/5'))
    .map((e) => e.body as { config: Record<string, unknown>; events: string[]; active: boolean });
}

describe('webhook secrets', () => {
  it('an update with the secret in the config keeps it: the stored secret is the configured one, never the mask', async () => {
    const sim = await simulator({ initialState: SEED });
    const { plan, result } = await reconcile(sim, config('secret: ${AUDIT_SECRET}'), {
      env: { AUDIT_SECRET: 'live-secret' },
    });
    expect(plan.operations.map((o) => o.id)).toEqual([`webhook:update:${URL}`]);
    // The PATCH sends the configured secret, replacing the live one: the plan says so.
    expect(plan.operations[0]!.changes).toMatchObject({
      events: {},
      secret: { from: '(sensitive)', to: '(sensitive, sent again)' },
    });
    expect(result.counts.succeeded).toBe(1);
    expect(sim.state.webhookSecret(5)).toBe('live-secret');
    expect(sim.state.webhook(5)).toMatchObject({ events: ['organization', 'user'], content_type: 'json' });
    // The whole webhook went out, because GHES resets what a PATCH omits.
    expect(patches(sim)).toEqual([
      {
        config: { url: URL, content_type: 'json', insecure_ssl: '0', secret: 'live-secret' },
        events: ['organization', 'user'],
        active: true,
      },
    ]);
    expect(JSON.stringify(requestsAfter(sim).map((e) => e.body))).not.toContain('********');
  });

  it('an update to a webhook whose config has no secret but whose live one does is refused; nothing is sent', async () => {
    const sim = await simulator({ initialState: SEED });
    const path = config('');
    await expect(reconcile(sim, path)).rejects.toThrow(PlanRefusedError);
    await expect(planAgainst(sim, path)).rejects.toThrow(/would erase its secret/);
    expect(mutations(sim)).toEqual([]);
    expect(sim.state.webhookSecret(5)).toBe('live-secret');
  });

  it('without a secret key and without a change, the live secret is left alone and nothing is sent', async () => {
    const sim = await simulator({ initialState: SEED });
    const { plan } = await reconcile(sim, config('', '[user]'));
    expect(plan.operations).toEqual([]);
    expect(mutations(sim)).toEqual([]);
    expect(sim.state.webhookSecret(5)).toBe('live-secret');
  });

  it('`secret: ""` removes the live secret', async () => {
    const sim = await simulator({ initialState: SEED });
    const { plan } = await reconcile(sim, config('secret: ""', '[user]'));
    expect(plan.operations.map((o) => Object.keys(o.changes))).toEqual([['secret']]);
    expect(sim.state.webhookSecret(5)).toBeNull();
    expect(patches(sim)[0]!.config).not.toHaveProperty('secret');
    expect((await planAgainst(sim, config('secret: ""', '[user]'))).plan.operations).toEqual([]);
  });

  it('a configured secret on a webhook without one is set', async () => {
    const sim = await simulator({ initialState: { webhooks: [{ id: 5, url: URL, content_type: 'json' }] } });
    await reconcile(sim, config('secret: ${AUDIT_SECRET}', '[user, organization]'), { env: { AUDIT_SECRET: 'new' } });
    expect(sim.state.webhookSecret(5)).toBe('new');
  });

  it('a secret that differs from the live one is not seen (it cannot be read back) until --sync-secrets rotates it', async () => {
    const sim = await simulator({ initialState: SEED });
    const path = config('secret: ${AUDIT_SECRET}', '[user]');
    const env = { AUDIT_SECRET: 'rotated' };

    const unsynced = await reconcile(sim, path, { env });
    expect(unsynced.plan.operations).toEqual([]);
    expect(sim.state.webhookSecret(5)).toBe('live-secret');

    const mark = lastSeq(sim);
    const synced = await reconcile(sim, path, { env, syncSecrets: true });
    expect(synced.plan.operations.map((o) => o.id)).toEqual([`webhook:update:${URL}`]);
    expect(sim.state.webhookSecret(5)).toBe('rotated');
    expect(mutations(sim, mark)).toEqual(['PATCH /admin/hooks/5']);
    expect(sim.state.webhook(5)).toMatchObject({ events: ['user'], content_type: 'json', active: true });
  });

  it('a create sends the secret once; the created webhook then plans as unchanged', async () => {
    const sim = await simulator();
    const path = config('secret: ${AUDIT_SECRET}');
    const env = { AUDIT_SECRET: 'fresh' };
    await reconcile(sim, path, { env });
    const [created] = sim.state.webhooks();
    expect(created).toMatchObject({ url: URL, secret: 'fresh', events: ['organization', 'user'] });
    expect((await planAgainst(sim, path, { env })).plan.operations).toEqual([]);
  });
});
