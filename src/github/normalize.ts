// Raw admin API objects -> the observed shapes the planner compares with the desired state: ids kept only where
// apply needs them, urls and timestamps dropped, string booleans and defaults resolved, masked secrets forgotten.
import type { DownloadStatus, ObservedEnvironment, ObservedHook, ObservedWebhook } from './types.js';
import { UnexpectedResponseError, type RequestSummary } from './errors.js';

/** What GHES assumes when a webhook has no `events` (the API docs: `user` and `organization`). */
export const DEFAULT_WEBHOOK_EVENTS: readonly string[] = ['organization', 'user'];

type Raw = Record<string, unknown>;

export function expectList(data: unknown, request: RequestSummary): unknown[] {
  if (!Array.isArray(data)) throw new UnexpectedResponseError(request, `expected a JSON array, got ${describe(data)}`);
  return data;
}

export function expectObject(data: unknown, request: RequestSummary, what = 'the response'): Raw {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UnexpectedResponseError(request, `expected ${what} to be a JSON object, got ${describe(data)}`);
  }
  return data as Raw;
}

function expectId(raw: Raw, request: RequestSummary, what: string): number {
  const id = raw.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
    throw new UnexpectedResponseError(request, `${what} without a numeric id`);
  }
  return id;
}

function expectString(raw: Raw, key: string, request: RequestSummary, what: string): string {
  const value = raw[key];
  if (typeof value !== 'string') throw new UnexpectedResponseError(request, `${what} without a string "${key}"`);
  return value;
}

export function normalizeDownload(data: unknown): DownloadStatus {
  const raw = typeof data === 'object' && data !== null ? (data as Raw) : {};
  return {
    state: typeof raw.state === 'string' ? raw.state : 'not_started',
    message: typeof raw.message === 'string' ? raw.message : null,
    downloaded_at: typeof raw.downloaded_at === 'string' ? raw.downloaded_at : null,
  };
}

export function normalizeEnvironment(data: unknown, request: RequestSummary): ObservedEnvironment {
  const raw = expectObject(data, request, 'a pre-receive environment');
  const id = expectId(raw, request, 'a pre-receive environment');
  return {
    id,
    name: expectString(raw, 'name', request, `pre-receive environment ${id}`),
    image_url: typeof raw.image_url === 'string' ? raw.image_url : '',
    default_environment: raw.default_environment === true,
    hooks_count: typeof raw.hooks_count === 'number' ? raw.hooks_count : 0,
    download: normalizeDownload(raw.download),
  };
}

export function normalizeHook(data: unknown, request: RequestSummary): ObservedHook {
  const raw = expectObject(data, request, 'a pre-receive hook');
  const id = expectId(raw, request, 'a pre-receive hook');
  const what = `pre-receive hook ${id}`;
  const repository = expectObject(raw.script_repository, request, `the script_repository of ${what}`);
  const environment = expectObject(raw.environment, request, `the environment of ${what}`);
  return {
    id,
    name: expectString(raw, 'name', request, what),
    script: typeof raw.script === 'string' ? raw.script : '',
    script_repository: expectString(repository, 'full_name', request, `the script_repository of ${what}`),
    environment: {
      id: expectId(environment, request, `the environment of ${what}`),
      name: typeof environment.name === 'string' ? environment.name : '',
      default_environment: environment.default_environment === true,
    },
    enforcement: typeof raw.enforcement === 'string' ? raw.enforcement : 'disabled',
    allow_downstream_configuration: raw.allow_downstream_configuration === true,
  };
}

export function normalizeWebhook(data: unknown, request: RequestSummary): ObservedWebhook {
  const raw = expectObject(data, request, 'a global webhook');
  const id = expectId(raw, request, 'a global webhook');
  const config = expectObject(raw.config, request, `the config of global webhook ${id}`);
  const secret = config.secret;
  return {
    id,
    url: expectString(config, 'url', request, `the config of global webhook ${id}`),
    content_type: typeof config.content_type === 'string' && config.content_type !== '' ? config.content_type : 'form',
    insecure_ssl: parseInsecureSsl(config.insecure_ssl),
    events: Array.isArray(raw.events)
      ? normalizeEvents(raw.events.filter((e): e is string => typeof e === 'string'))
      : [...DEFAULT_WEBHOOK_EVENTS],
    active: typeof raw.active === 'boolean' ? raw.active : true,
    // Only whether a secret is set: the value shown is the mask, which must never be kept or sent back.
    has_secret: typeof secret === 'string' && secret !== '',
  };
}

/** GHES sends "0"/"1"; accept numbers and booleans too, since older versions and proxies vary. */
export function parseInsecureSsl(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.trim() === '1' || value.trim().toLowerCase() === 'true';
  return false;
}

export function normalizeEvents(events: readonly string[]): string[] {
  return [...new Set(events)].sort();
}

function describe(data: unknown): string {
  if (data === null) return 'null';
  if (Array.isArray(data)) return 'an array';
  if (typeof data === 'string') {
    const text = data.trim();
    return text === '' ? 'an empty body' : `text "${text.length > 60 ? `${text.slice(0, 60)}...` : text}"`;
  }
  return typeof data;
}
