import { describe, expect, it } from 'vitest';
import { OutcomeUnknownError, describeServerMessage, isMaskedSecret, toGhesApiError } from '../../src/github/errors.js';
import { resolveConnection } from '../../src/github/connection.js';
import { UserError } from '../../src/errors.js';
import { normalizeEvents, parseInsecureSsl } from '../../src/github/normalize.js';

describe('resolveConnection', () => {
  const token = { GHES_TOKEN: 't1' };

  it.each([
    [
      'the --api-url flag first',
      { GHES_API_URL: 'https://a/api/v3', ...token },
      'https://flag/api/v3',
      'https://flag/api/v3',
    ],
    [
      'then GHES_API_URL',
      { GHES_API_URL: 'https://a/api/v3', GITHUB_API_URL: 'https://b/api/v3', ...token },
      undefined,
      'https://a/api/v3',
    ],
    ['then GITHUB_API_URL', { GITHUB_API_URL: 'https://b/api/v3/', ...token }, undefined, 'https://b/api/v3'],
  ])('takes %s', (_what, env, flag, expected) => {
    expect(resolveConnection(env, { apiUrl: flag }).apiUrl).toBe(expected);
  });

  it('takes GHES_TOKEN before GITHUB_TOKEN', () => {
    expect(resolveConnection({ GHES_API_URL: 'https://a/api/v3', GHES_TOKEN: 'g', GITHUB_TOKEN: 'h' }).token).toBe('g');
    expect(resolveConnection({ GHES_API_URL: 'https://a/api/v3', GHES_TOKEN: '', GITHUB_TOKEN: 'h' }).token).toBe('h');
  });

  it('names the variables to set when there is no token', () => {
    expect(() => resolveConnection({ GHES_API_URL: 'https://a/api/v3' })).toThrow(
      /^no token: set GHES_TOKEN \(or GITHUB_TOKEN\)/,
    );
  });

  it('says how to give the URL when there is none, and rejects one that is not http(s)', () => {
    expect(() => resolveConnection(token)).toThrow(/pass --api-url or set GHES_API_URL/);
    expect(() => resolveConnection(token, { apiUrl: 'ftp://x' })).toThrow(UserError);
    expect(() => resolveConnection(token, { apiUrl: 'not a url' })).toThrow(/invalid GHES API URL/);
  });
});

describe('describeServerMessage', () => {
  it.each([
    [{ message: 'Bad credentials' }, 'Bad credentials'],
    [
      {
        message: 'Validation Failed',
        errors: [{ code: 'custom', message: 'Cannot delete environment that has hooks' }],
      },
      'Validation Failed: Cannot delete environment that has hooks',
    ],
    [
      { message: 'Validation Failed', errors: [{ field: 'name', code: 'missing_field' }] },
      'Validation Failed: name missing_field',
    ],
    ['  plain text  ', 'plain text'],
    [null, undefined],
  ])('%j -> %s', (data, expected) => {
    expect(describeServerMessage(data)).toBe(expected);
  });
});

describe('toGhesApiError', () => {
  const context = { method: 'POST', path: '/admin/hooks', apiUrl: 'https://h/api/v3' };

  it('a 5xx on a create is an unknown outcome; on anything else it is a plain failure', () => {
    const error = { status: 500, response: { status: 500, data: { message: 'boom' }, headers: {} } };
    expect(toGhesApiError(error, { ...context, unsafeToRepeat: true })).toBeInstanceOf(OutcomeUnknownError);
    expect(toGhesApiError(error, { ...context, method: 'PATCH' })).not.toBeInstanceOf(OutcomeUnknownError);
  });

  it('passes user errors through untouched', () => {
    const error = new UserError('already clear');
    expect(toGhesApiError(error, context)).toBe(error);
  });
});

describe('normalization helpers', () => {
  it.each([
    ['1', true],
    ['0', false],
    [1, true],
    [0, false],
    [true, true],
    [false, false],
    [undefined, false],
  ])('insecure_ssl %j -> %s', (value, expected) => {
    expect(parseInsecureSsl(value)).toBe(expected);
  });

  it('sorts and dedupes events', () => {
    expect(normalizeEvents(['user', 'fork', 'user', 'organization'])).toEqual(['fork', 'organization', 'user']);
  });

  it.each([
    ['********', true],
    ['*********', true],
    ['****', false],
    ['real*****secret', false],
  ])('isMaskedSecret(%s) = %s', (value, expected) => {
    expect(isMaskedSecret(value)).toBe(expected);
  });
});
