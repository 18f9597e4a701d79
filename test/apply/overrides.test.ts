// The override executor on its own: it sends what the plan says to the level the plan names, takes the id of a
// hook created in the same run, and calls the operation done only when GHES's answer shows the change.
import { describe, expect, it } from 'vitest';
import { executeOverride } from '../../src/apply/overrides.js';
import type { AdminApi, OverrideRequest } from '../../src/github/api.js';
import type { ObservedHookAtTarget } from '../../src/github/types.js';
import type { OverrideCreate, OverrideDelete } from '../../src/plan/types.js';

const operation = (patch: Partial<OverrideCreate> = {}): OverrideCreate => ({
  id: 'override:create:Check Commits @ acme',
  kind: 'override',
  key: 'Check Commits @ acme',
  action: 'create',
  changes: {},
  dependsOn: [],
  warnings: [],
  hook: 'Check Commits',
  hookId: 7,
  scope: 'organization',
  target: 'acme',
  fields: { enforcement: 'enabled', allow_downstream_configuration: false },
  reason: 'new override',
  reasonCode: 'new-override',
  ...patch,
});

function api(answer: Partial<ObservedHookAtTarget>) {
  const calls: unknown[][] = [];
  const reply = (): Promise<ObservedHookAtTarget> =>
    Promise.resolve({
      id: 7,
      name: 'Check Commits',
      enforcement: 'enabled',
      overridden: true,
      configuredAt: { level: 'organization', name: 'acme' },
      ...answer,
    });
  const fake = {
    setOverride: (...args: [string, string, number, OverrideRequest]) => {
      calls.push(['set', ...args]);
      return reply();
    },
    removeOverride: (...args: [string, string, number]) => {
      calls.push(['remove', ...args]);
      return reply();
    },
  } as unknown as AdminApi;
  return { fake, calls };
}

const context = (fake: AdminApi, hookIds = new Map<string, number>()) => ({
  api: fake,
  slot: <T>(request: () => Promise<T>) => request(),
  hookIds,
});

describe('executeOverride', () => {
  it('PATCHes the named level with the planned fields', async () => {
    const { fake, calls } = api({});
    await executeOverride(operation(), context(fake));
    expect(calls).toEqual([
      ['set', 'organization', 'acme', 7, { enforcement: 'enabled', allow_downstream_configuration: false }],
    ]);
  });

  it('takes the id of a hook this run created', async () => {
    const { fake, calls } = api({});
    await executeOverride(operation({ hookId: undefined }), context(fake, new Map([['check commits', 42]])));
    expect(calls[0]?.[3]).toBe(42);
    await expect(executeOverride(operation({ hookId: undefined }), context(fake))).rejects.toThrow(
      'hook "Check Commits" has no id',
    );
  });

  it('fails when the answer does not show the override, instead of calling it done', async () => {
    const { fake } = api({ overridden: false, enforcement: 'testing', configuredAt: { level: 'global' } });
    await expect(executeOverride(operation(), context(fake))).rejects.toThrow(
      'GHES accepted the change but shows "testing" set by the hook in organization acme',
    );
  });

  it('a removal must leave no override at that level', async () => {
    const { fields: _fields, ...create } = operation();
    const removal: OverrideDelete = {
      ...create,
      action: 'delete',
      hookId: 7,
      reason: 'inherit',
      reasonCode: 'inherit',
    };
    await expect(executeOverride(removal, context(api({ overridden: false }).fake))).resolves.toBeUndefined();
    await expect(executeOverride(removal, context(api({ overridden: true }).fake))).rejects.toThrow(
      'still shows an override in organization acme',
    );
  });

  it('an AdminApi without override methods fails the operation, not the run', async () => {
    await expect(executeOverride(operation(), context({} as AdminApi))).rejects.toThrow('cannot change overrides');
  });
});
