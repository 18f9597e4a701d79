// The contract checker itself must be able to fail: known-bad requests are caught, known-good ones pass.
import { describe, expect, it } from 'vitest';
import extract from './ghes-3.19.extract.json' with { type: 'json' };
import { contractViolations, FORMATS, findOperation, responseViolations } from './openapi.js';

describe('OpenAPI contract check', () => {
  it('matches literal segments before parameters', () => {
    expect(findOperation('GET', '/api/v3/admin/pre-receive-environments/7/downloads/latest')?.operationId).toBe(
      'enterprise-admin/get-download-status-for-pre-receive-environment',
    );
    // The Action's lookup of the pull request a pushed commit came from.
    expect(findOperation('GET', '/api/v3/repos/o/r/commits/0123abc/pulls')?.operationId).toBe(
      'repos/list-pull-requests-associated-with-commit',
    );
  });

  it.each([
    [{ method: 'POST', path: '/admin/hooks', body: { name: 'web', config: { url: 'https://x' } } }, []],
    [{ method: 'GET', path: '/admin/pre-receive-hooks', query: { per_page: '100', direction: 'asc' } }, []],
    [{ method: 'POST', path: '/admin/hooks', body: { name: 'web' } }, [/config/]],
    [{ method: 'GET', path: '/admin/hooks', query: { direction: 'asc' } }, [/unknown query parameter `direction`/]],
    [{ method: 'GET', path: '/admin/pre-receive-hooks', query: { direction: 'up' } }, [/must be one of asc, desc/]],
    [
      { method: 'PATCH', path: '/admin/hooks/3', body: { config: { url: 'https://x', insecure_ssl: false } } },
      [/string/],
    ],
    [{ method: 'PUT', path: '/admin/hooks/3' }, [/no such operation/]],
    [{ method: 'POST', path: '/admin/pre-receive-hooks', body: { name: 'x', script: 'a.sh' } }, [/script_repository/]],
  ])('%j', (request, expected) => {
    const problems = contractViolations(request);
    expect(problems).toHaveLength(expected.length);
    expected.forEach((re, i) => expect(problems[i]).toMatch(re));
  });

  it('declares every format the extract uses, and checks it', () => {
    const used = new Set([...JSON.stringify(extract).matchAll(/"format":"([^"]+)"/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(Object.keys(FORMATS).sort());
    const hook = (environmentId: unknown) => ({
      method: 'GET',
      path: '/admin/pre-receive-hooks',
      status: 200,
      responseBody: [{ id: 1, name: 'x', environment: { id: environmentId } }],
    });
    expect(responseViolations(hook(42))).toEqual([]);
    expect(responseViolations(hook(2 ** 53 + 2))).toEqual([expect.stringMatching(/must match format "int64"/)]);
  });
});
