// Shared fixtures for the nock-based client tests: a client with tiny delays, and raw GHES objects.
import nock from 'nock';
import { createClient, type ClientSettings } from '../../src/github/client.js';
import { createAdminApi } from '../../src/github/admin-api.js';

export const HOST = 'https://ghes.test';
export const BASE = '/api/v3';
export const API_URL = `${HOST}${BASE}`;
export const TOKEN = 'ghp_TopSecretToken1234567890';

export function makeApi(settings: Partial<ClientSettings> = {}, pageConcurrency?: number) {
  const octokit = createClient({
    apiUrl: API_URL,
    token: TOKEN,
    retryDelayMs: 1,
    rateLimitUnitMs: 1,
    requestTimeoutMs: 2000,
    ...settings,
  });
  return { octokit, api: createAdminApi(octokit, pageConcurrency === undefined ? {} : { pageConcurrency }) };
}

export function ghes() {
  return nock(HOST);
}

export function rawEnvironment(id: number, name = `env-${id}`) {
  return {
    id,
    name,
    image_url: `https://images.test/${name}.tar.gz`,
    url: `${API_URL}/admin/pre-receive-environments/${id}`,
    html_url: `${HOST}/admin/pre-receive-environments/${id}`,
    default_environment: false,
    created_at: '2024-01-01T00:00:00Z',
    hooks_count: 0,
    download: {
      url: `${API_URL}/admin/pre-receive-environments/${id}/downloads/latest`,
      state: 'success',
      downloaded_at: '2024-01-01T00:00:00Z',
      message: null,
    },
  };
}

export function rawHook(id: number, name = `hook-${id}`) {
  return {
    id,
    name,
    enforcement: 'enabled',
    script: 'scripts/check.sh',
    script_repository: { id: 9, full_name: 'admin/hooks', url: 'u', html_url: 'h' },
    environment: rawEnvironment(2, 'tools'),
    allow_downstream_configuration: true,
  };
}

export function rawWebhook(id: number, config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    type: 'Global',
    id,
    name: 'web',
    active: true,
    events: ['user', 'organization'],
    config: { url: `https://hooks.test/${id}`, content_type: 'json', insecure_ssl: '0', ...config },
    updated_at: '2024-01-01T00:00:00Z',
    created_at: '2024-01-01T00:00:00Z',
    url: `${API_URL}/admin/hooks/${id}`,
    ping_url: `${API_URL}/admin/hooks/${id}/pings`,
    ...extra,
  };
}

/** Lists that answer one empty page, for tests about one kind only. */
export function emptyLists(scope: nock.Scope, skip: string[] = []) {
  for (const path of ['/admin/pre-receive-environments', '/admin/pre-receive-hooks', '/admin/hooks']) {
    if (!skip.includes(path)) scope.get(`${BASE}${path}`).query(true).reply(200, []);
  }
  return scope;
}

/** Counts requests in flight at once, for tests of concurrency: each reply waits `ms` before answering. */
export class InFlight {
  current = 0;
  max = 0;

  reply(body: nock.ReplyBody, ms = 30) {
    return async (): Promise<nock.ReplyFnResult> => {
      this.current++;
      this.max = Math.max(this.max, this.current);
      await new Promise((resolve) => setTimeout(resolve, ms));
      this.current--;
      return [200, body];
    };
  }
}
