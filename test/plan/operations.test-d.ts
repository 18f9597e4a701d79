// Type-level tests of the Plan's operations, checked by `tsc --noEmit` (npm test runs it): each line after a
// `@ts-expect-error` must fail to compile, or the directive itself is an error. They pin down that a plan apply
// could not carry out cannot be built: an update without its live id or without a changed field, a create
// without every field, a delete that does not say why, a download of anything but an environment.
import type {
  EnvironmentCreate,
  EnvironmentDownload,
  EnvironmentUpdate,
  HookCreate,
  HookOperation,
  HookUpdate,
  OverrideCreate,
  OverrideDelete,
  OverrideUpdate,
  WebhookDelete,
  WebhookOperation,
  WebhookUpdate,
} from '../../src/plan/types.js';

const common = { changes: {}, dependsOn: [], warnings: [] };
const environment = { ...common, kind: 'environment' as const, key: 'tools' };
const hook = { ...common, kind: 'hook' as const, key: 'check' };
const webhook = { ...common, kind: 'webhook' as const, key: 'https://hooks.example.com/in' };
const override = {
  ...common,
  kind: 'override' as const,
  key: 'check @ acme',
  hook: 'check',
  scope: 'organization' as const,
  target: 'acme',
};
const hookFields = {
  name: 'check',
  script: 'check.sh',
  script_repository: 'admin/hooks',
  environment: 'Default',
  enforcement: 'enabled' as const,
  allow_downstream_configuration: false,
};

// Well-formed operations compile.
export const wellFormed = [
  { ...environment, id: 'c', action: 'create', fields: { name: 'tools', image_url: 'https://x/t.tar.gz' } },
  { ...environment, id: 'u', action: 'update', liveId: 2, fields: { image_url: 'https://x/t2.tar.gz' } },
  { ...environment, id: 'd', action: 'download', reason: 'new environment', reasonCode: 'new-environment' },
  { ...hook, id: 'u', action: 'update', liveId: 3, fields: { enforcement: 'enabled' }, desired: hookFields },
  {
    ...override,
    id: 'c',
    action: 'create',
    fields: { enforcement: 'testing' },
    reason: 'new override',
    reasonCode: 'new-override',
  },
] satisfies (EnvironmentCreate | EnvironmentUpdate | EnvironmentDownload | HookUpdate | OverrideCreate)[];

// @ts-expect-error an update names the live object it changes
export const updateWithoutLiveId: EnvironmentUpdate = {
  ...environment,
  id: 'u',
  action: 'update',
  fields: { name: 'x' },
};

export const updateWithNoField: EnvironmentUpdate = {
  ...environment,
  id: 'u',
  action: 'update',
  liveId: 2,
  // @ts-expect-error an update changes at least one field
  fields: {},
};

// @ts-expect-error an update carries the fields it changes
export const updateWithoutFields: WebhookUpdate = { ...webhook, id: 'u', action: 'update', liveId: 2 };

// @ts-expect-error a hook update sends the complete desired hook
export const hookUpdateWithoutDesired: HookUpdate = {
  ...hook,
  id: 'u',
  action: 'update',
  liveId: 3,
  fields: hookFields,
};

// @ts-expect-error a create sends every field
export const partialCreate: HookCreate = { ...hook, id: 'c', action: 'create', fields: { name: 'check' } };

// @ts-expect-error a create has no live object yet
export const createWithLiveId: HookCreate = { ...hook, id: 'c', action: 'create', fields: hookFields, liveId: 3 };

// @ts-expect-error a delete says why (absent: true, pruned)
export const deleteWithoutReason: WebhookDelete = { ...webhook, id: 'd', action: 'delete', liveId: 4 };

export const deleteWithFields: WebhookDelete = {
  ...webhook,
  id: 'd',
  action: 'delete',
  liveId: 4,
  reason: 'pruned',
  // @ts-expect-error a delete sends no fields
  fields: {},
};

// @ts-expect-error only an environment has something to download
export const hookDownload: HookOperation = { ...hook, id: 'd', action: 'download', liveId: 3, reason: 'r' };

// @ts-expect-error only an environment has something to download
export const webhookDownload: WebhookOperation = { ...webhook, id: 'd', action: 'download', liveId: 4, reason: 'r' };

// @ts-expect-error an override exists only on a live hook, so its update knows the hook's id
export const overrideUpdateWithoutHook: OverrideUpdate = {
  ...override,
  id: 'u',
  action: 'update',
  fields: { enforcement: 'testing' },
};

export const overrideDeleteWithFields: OverrideDelete = {
  ...override,
  id: 'd',
  action: 'delete',
  hookId: 3,
  reason: 'inherit',
  // @ts-expect-error a removal sends nothing
  fields: { enforcement: 'testing' },
};

export const deleteWithDownloadReason: WebhookDelete = {
  ...webhook,
  id: 'd',
  action: 'delete',
  liveId: 4,
  reason: 'pruned',
  // @ts-expect-error a delete's reason is absent or pruned, never a download's
  reasonCode: 'never-downloaded',
};
