import { describe, expect, it } from 'vitest';
import { isGitHubDotCom, isLoopback, plainHttpWarning, resolveConnection } from '../../src/github/connection.js';

describe('which URLs may receive the site-admin token', () => {
  it.each([
    ['https://api.github.com', true],
    ['https://API.GitHub.com./', true],
    ['https://github.com/api/v3', true],
    ['https://ghes.example.com/api/v3', false],
    ['https://api.github.com.example.com/api/v3', false],
    ['https://github.example.com/api/v3', false],
  ])('%s is GitHub.com: %s', (url, expected) => {
    expect(isGitHubDotCom(new URL(url))).toBe(expected);
  });

  it.each([
    ['http://127.0.0.1:8080/api/v3', false],
    ['http://127.9.9.9/api/v3', false],
    ['http://localhost/api/v3', false],
    ['http://[::1]:8080/api/v3', false],
    ['https://ghes.example.com/api/v3', false],
    ['http://ghes.example.com/api/v3', true],
    ['http://10.0.0.5/api/v3', true],
    ['http://127.0.0.1.example.com/api/v3', true],
  ])('%s warns about plain http: %s', (url, expected) => {
    expect(plainHttpWarning(new URL(url)) !== undefined).toBe(expected);
  });

  it('loopback', () => {
    expect(['localhost', 'a.localhost', '127.0.0.1', '[::1]', '::1'].every(isLoopback)).toBe(true);
    expect(['localhost.example.com', '128.0.0.1', '::2'].some(isLoopback)).toBe(false);
  });

  it('resolveConnection refuses GitHub.com from any source and carries the http warning', () => {
    const token = { GHES_TOKEN: 't' };
    expect(() => resolveConnection({ ...token, GITHUB_API_URL: 'https://api.github.com' })).toThrow(
      /from GITHUB_API_URL\): it is GitHub\.com/,
    );
    expect(() => resolveConnection(token, { apiUrl: 'https://api.github.com/' })).toThrow(/from --api-url/);
    expect(resolveConnection({ ...token, GHES_API_URL: 'http://ghes.example.com/api/v3' }).warnings).toEqual([
      'http://ghes.example.com is plain http: the token and webhook secrets cross the network unencrypted; use https',
    ]);
    expect(resolveConnection({ ...token, GHES_API_URL: 'https://ghes.example.com/api/v3' }).warnings).toEqual([]);
  });
});
