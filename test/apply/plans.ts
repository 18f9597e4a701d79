// Hand-built plans for apply tests: the planner is written separately, so these follow src/plan/types.ts directly.
import type {
  AtLeastOne,
  EnvironmentCreate,
  EnvironmentDownload,
  EnvironmentUpdate,
  HookCreate,
  HookFields,
  HookUpdate,
  Operation,
  Plan,
  WebhookCreate,
  WebhookDelete,
  WebhookFields,
} from '../../src/plan/types.js';
import type { ApplyOptions } from '../../src/apply/types.js';
import { Secret } from '../../src/secret.js';

export function makePlan(operations: Operation[], environmentIds: Record<string, number> = { default: 1 }): Plan {
  const summary = { create: 0, update: 0, delete: 0, download: 0 };
  for (const op of operations) summary[op.action]++;
  return {
    formatVersion: 1,
    operations,
    unmanaged: [],
    summary,
    liveCounts: { environment: 0, hook: 0, webhook: 0 },
    environmentIds,
    warnings: [],
  };
}

export const options = (overrides: Partial<ApplyOptions> = {}): ApplyOptions => ({
  concurrency: 4,
  downloadTimeoutMs: 2000,
  downloadPollMs: 2,
  dryRun: false,
  ...overrides,
});

const base = { changes: {}, warnings: [] };

export function envCreate(name: string, dependsOn: string[] = []): EnvironmentCreate {
  return {
    ...base,
    id: `environment:create:${name}`,
    kind: 'environment',
    key: name,
    action: 'create',
    dependsOn,
    fields: { name, image_url: `https://images.test/${name}.tar.gz` },
  };
}

export function envUpdate(
  name: string,
  liveId: number,
  fields: EnvironmentUpdate['fields'],
  dependsOn: string[] = [],
): EnvironmentUpdate {
  return {
    ...base,
    id: `environment:update:${name}`,
    kind: 'environment',
    key: name,
    action: 'update',
    dependsOn,
    liveId,
    fields,
  };
}

export function envDownload(name: string, dependsOn: string[] = [], liveId?: number): EnvironmentDownload {
  return {
    ...base,
    id: `environment:download:${name}`,
    kind: 'environment',
    key: name,
    action: 'download',
    dependsOn,
    ...(liveId === undefined
      ? { reason: 'new environment', reasonCode: 'new-environment' as const }
      : { reason: 'image_url changed', reasonCode: 'image-changed' as const }),
    ...(liveId === undefined ? {} : { liveId }),
  };
}

export function hookCreate(name: string, environment: string, dependsOn: string[] = []): HookCreate {
  const fields: HookFields = {
    name,
    script: `scripts/${name}.sh`,
    script_repository: 'admin/hooks',
    environment,
    enforcement: 'disabled',
    allow_downstream_configuration: false,
  };
  return { ...base, id: `hook:create:${name}`, kind: 'hook', key: name, action: 'create', dependsOn, fields };
}

export function hookUpdate(
  name: string,
  liveId: number,
  fields: AtLeastOne<HookFields>,
  dependsOn: string[] = [],
  live: Partial<HookFields> = {},
): HookUpdate {
  // The planner gives an update the complete desired hook: the changed fields over what the live hook has.
  const desired: HookFields = { ...hookDefaults(name), ...live, ...fields };
  return {
    ...base,
    id: `hook:update:${name}`,
    kind: 'hook',
    key: name,
    action: 'update',
    dependsOn,
    liveId,
    fields,
    desired,
  };
}

function hookDefaults(name: string): HookFields {
  return {
    name,
    script: 's.sh',
    script_repository: 'a/b',
    environment: 'Default',
    enforcement: 'disabled',
    allow_downstream_configuration: false,
  };
}

export function webhookCreate(url: string, dependsOn: string[] = [], secret?: string): WebhookCreate {
  const fields: WebhookFields = {
    url,
    content_type: 'json',
    insecure_ssl: false,
    events: ['organization', 'user'],
    active: true,
    secret: secret === undefined ? undefined : new Secret(secret),
  };
  return { ...base, id: `webhook:create:${url}`, kind: 'webhook', key: url, action: 'create', dependsOn, fields };
}

export function webhookDelete(url: string, liveId: number, dependsOn: string[] = []): WebhookDelete {
  return {
    ...base,
    id: `webhook:delete:${url}`,
    kind: 'webhook',
    key: url,
    action: 'delete',
    dependsOn,
    liveId,
    reason: 'pruned',
    reasonCode: 'pruned',
  };
}
