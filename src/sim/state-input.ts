// A whole simulator state read from untrusted input (a state file, POST /_sim/state, a test's initialState): every
// object checked for its types, then put through the same rules as the API's creates, so no state breaks them.
import { isoTime } from './clock.js';
import { assignIds, Checker } from './checker.js';
import { SimValidationError } from './errors.js';
import { DEFAULT_ENVIRONMENT, normalizeDownload, type EnvironmentStore } from './environment-store.js';
import type { HookStore } from './hook-store.js';
import { normalizeRepository } from './repository-store.js';
import { maxId, type StoreContext } from './tables.js';
import {
  type SimEnvironment,
  type SimEnvironmentInput,
  type SimHookInput,
  type SimRepositoryInput,
  type SimStateInput,
  type SimWebhookInput,
} from './types.js';
import { newWebhook } from './webhook-store.js';
import { lower } from '../names.js';

export interface Stores {
  environments: EnvironmentStore;
  hooks: HookStore;
}

/** Fills fresh tables from untrusted input: checks types, then replays the same rules the API enforces. */
export function ingest(input: SimStateInput, ctx: StoreContext, stores: Stores): void {
  const t = ctx.tables;
  const now = ctx.clock();
  const check = new Checker();
  check.object(input, 'state');
  const environments = check.array(input.environments ?? [], 'environments');
  const hooks = check.array(input.hooks ?? [], 'hooks');
  const webhooks = check.array(input.webhooks ?? [], 'webhooks');
  const repositories = check.array(input.repositories ?? [], 'repositories');
  t.autoRegister = input.auto_register_repositories ?? input.repositories === undefined;
  check.type(t.autoRegister, 'boolean', 'auto_register_repositories');

  const repoInputs = repositories.map((r, i) => check.object(r, `repositories[${i}]`) as SimRepositoryInput);
  const repoIds = assignIds(repoInputs, 'repositories', check);
  repoInputs.forEach((r, i) => {
    const repo = normalizeRepository({ ...r, id: repoIds[i]! }, `repositories[${i}]`);
    if (t.repositories.has(lower(repo.full_name))) check.fail(`repositories[${i}]: duplicate ${repo.full_name}`);
    t.repositories.set(lower(repo.full_name), repo);
  });
  t.nextId.repository = maxId(t.repositories.values()) + 1;

  const envInputs = environments.map((e, i) => check.object(e, `environments[${i}]`) as SimEnvironmentInput);
  if (!envInputs.some((e) => e.default_environment === true)) {
    const taken = new Set(envInputs.map((e) => e.id));
    // Appended, so that error messages keep the file's own indexes.
    envInputs.push({ ...DEFAULT_ENVIRONMENT, id: taken.has(1) ? undefined : 1 });
  }
  const envIds = assignIds(envInputs, 'environments', check);
  envInputs.forEach((e, i) => {
    const at = `environments[${i}]`;
    check.type(e.name, 'string', `${at}.name`);
    check.type(e.image_url, 'string', `${at}.image_url`);
    const created = check.time(e.created_at, `${at}.created_at`) ?? isoTime(now);
    const env: SimEnvironment = {
      id: envIds[i]!,
      name: e.name,
      image_url: e.image_url,
      default_environment: check.type(e.default_environment ?? false, 'boolean', `${at}.default_environment`),
      created_at: created,
      updated_at: check.time(e.updated_at, `${at}.updated_at`) ?? created,
      download: normalizeDownload(
        check.object(e.download ?? {}, `${at}.download`),
        created,
        now,
        stores.environments.downloadMs,
        `${at}.download`,
      ),
    };
    if (stores.environments.nameErrors(env.name).length) check.fail(`${at}: name "${env.name}" is blank or taken`);
    stores.environments.insert(env);
  });
  if ([...t.environments.values()].filter((e) => e.default_environment).length !== 1) {
    check.fail('environments: exactly one environment must have default_environment: true');
  }
  t.nextId.environment = maxId(t.environments.values()) + 1;

  const hookInputs = hooks.map((h, i) => check.object(h, `hooks[${i}]`) as SimHookInput);
  const hookIds = assignIds(hookInputs, 'hooks', check);
  hookInputs.forEach((h, i) => {
    const at = `hooks[${i}]`;
    const created = check.time(h.created_at, `${at}.created_at`) ?? isoTime(now);
    try {
      stores.hooks.insert(
        stores.hooks.valid({
          ...h,
          id: hookIds[i]!,
          enforcement: h.enforcement ?? 'disabled',
          allow_downstream_configuration: h.allow_downstream_configuration ?? false,
          created_at: created,
          updated_at: check.time(h.updated_at, `${at}.updated_at`) ?? created,
        }),
      );
    } catch (error) {
      if (error instanceof SimValidationError) check.fail(`${at}: ${error.message}`);
      throw error;
    }
  });
  t.nextId.hook = maxId(t.hooks.values()) + 1;

  const webhookInputs = webhooks.map((w, i) => check.object(w, `webhooks[${i}]`) as SimWebhookInput);
  const webhookIds = assignIds(webhookInputs, 'webhooks', check);
  webhookInputs.forEach((w, i) => {
    const at = `webhooks[${i}]`;
    const created = check.time(w.created_at, `${at}.created_at`) ?? isoTime(now);
    try {
      const hook = newWebhook(webhookIds[i]!, w, created, check.time(w.updated_at, `${at}.updated_at`) ?? created);
      t.webhooks.set(hook.id, hook);
    } catch (error) {
      if (error instanceof SimValidationError) check.fail(`${at}: ${error.message}`);
      throw error;
    }
  });
  t.nextId.webhook = maxId(t.webhooks.values()) + 1;
}
