// Reading the inputs: defaults, validation with messages that name the input, and the tokens masked at once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as Core from '@actions/core';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { UserError } from '../../src/errors.js';
import { ROOT } from './harness.js';

const inputs = new Map<string, string>();
const masked: string[] = [];

vi.mock('@actions/core', async (importOriginal) => ({
  ...(await importOriginal<typeof Core>()),
  getInput: vi.fn((name: string) => inputs.get(name) ?? ''),
  setSecret: vi.fn((value: string) => masked.push(value)),
}));

const { getSettings, inActionTerms, INPUT_DEFAULTS, parseApiUrl, parseConcurrency, parseDuration, parseMode } =
  await import('../../src/action/inputs.js');

beforeEach(() => {
  inputs.clear();
  masked.length = 0;
});

function settingsWith(values: Record<string, string>, env: Record<string, string> = {}) {
  inputs.clear();
  for (const [name, value] of Object.entries({ token: 'ghp_admin', ...values })) inputs.set(name, value);
  return getSettings(env);
}

describe('getSettings', () => {
  it('fills in the defaults, taking the API URL from GITHUB_API_URL', () => {
    expect(settingsWith({}, { GITHUB_API_URL: 'https://ghes.example.com/api/v3/' })).toEqual({
      config: 'ghes-gitops.yml',
      mode: 'auto',
      token: 'ghp_admin',
      apiUrl: 'https://ghes.example.com/api/v3',
      githubToken: '',
      concurrency: 4,
      comment: true,
      failOnChanges: false,
      syncSecrets: false,
      allowMassDelete: false,
      downloadTimeoutMs: 600_000,
      skipPreflight: false,
      applyBranches: [],
    });
  });

  it('reads every input', () => {
    const settings = settingsWith({
      config: 'instances/prod/',
      mode: 'PLAN',
      'api-url': 'https://prod.example.com/api/v3',
      'github-token': 'ghs_comment',
      concurrency: '8',
      comment: 'False',
      'fail-on-changes': 'TRUE',
      'sync-secrets': 'true',
      'allow-mass-delete': 'true',
      'download-timeout': '90s',
      'skip-preflight': 'true',
    });
    expect(settings).toMatchObject({
      config: 'instances/prod/',
      mode: 'plan',
      apiUrl: 'https://prod.example.com/api/v3',
      githubToken: 'ghs_comment',
      concurrency: 8,
      comment: false,
      failOnChanges: true,
      syncSecrets: true,
      allowMassDelete: true,
      downloadTimeoutMs: 90_000,
      skipPreflight: true,
    });
  });

  it('masks both tokens as soon as they are read, even when another input is invalid', () => {
    expect(() => settingsWith({ 'github-token': 'ghs_comment', mode: 'yolo' })).toThrow(UserError);
    expect(masked).toEqual(['ghp_admin', 'ghs_comment']);
  });

  it('requires the token, saying what kind', () => {
    inputs.set('api-url', 'https://ghes.example.com/api/v3');
    expect(() => getSettings({})).toThrow(/`token` input is required: a site administrator's personal access token/);
  });

  it.each([
    [{ mode: 'yolo' }, /`mode` input takes auto, plan or apply, not `yolo`/],
    [{ concurrency: '0' }, /`concurrency` input takes a whole number from 1 to 64, not `0`/],
    [{ concurrency: 'four' }, /`concurrency`.*not `four`/],
    [{ concurrency: '2.5' }, /`concurrency`/],
    [{ comment: 'yes' }, /`comment` input takes true or false, not `yes`/],
    [{ 'fail-on-changes': '1' }, /`fail-on-changes` input takes true or false/],
    [{ 'download-timeout': 'soon' }, /`download-timeout` input takes a duration/],
    [{ 'api-url': 'ghes.example.com' }, /`api-url` input is not a URL/],
  ])('%j is refused', (values, message) => {
    expect(() => settingsWith({ 'api-url': 'https://ghes.example.com/api/v3', ...values })).toThrow(message);
  });

  it('refuses a missing API URL with a hint', () => {
    expect(() => settingsWith({}, {})).toThrow(/no GHES API URL: set the `api-url` input/);
  });
});

describe('parsers', () => {
  it.each([
    ['auto', 'auto'],
    [' apply ', 'apply'],
    ['Plan', 'plan'],
  ])('mode %j is %s', (text, mode) => expect(parseMode(text)).toBe(mode));

  it.each([
    ['1', 1],
    ['64', 64],
  ])('concurrency %j is %d', (text, n) => expect(parseConcurrency(text)).toBe(n));
  it('caps concurrency', () => expect(() => parseConcurrency('65')).toThrow(UserError));

  it.each([
    ['600', 600_000],
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['500ms', 500],
  ])('duration %j is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it('refuses a zero duration', () => expect(() => parseDuration('0')).toThrow(UserError));

  it('refuses credentials in the API URL without echoing them', () => {
    expect(() => parseApiUrl('https://user:hunter22@ghes.example.com/api/v3')).toThrow(/must not hold credentials/);
    try {
      parseApiUrl('https://user:hunter22@ghes.example.com/api/v3');
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter22');
    }
  });

  it('refuses github.com, where the default lands when the workflow does not run on the instance', () => {
    expect(() => settingsWith({}, { GITHUB_API_URL: 'https://api.github.com' })).toThrow(
      /`api-url` is https:\/\/api.github.com, which is not a GitHub Enterprise Server instance/,
    );
  });

  it.each(['ftp://ghes.example.com/api/v3', 'file:///etc/passwd'])('refuses %s', (url) => {
    expect(() => parseApiUrl(url)).toThrow(/http or https/);
  });
});

describe('inActionTerms', () => {
  it.each([
    [
      'refusing to apply: x. Nothing was sent. If this is intended, run again with --allow-mass-delete.',
      'refusing to apply: x. Nothing was sent. If this is intended, set `allow-mass-delete: true`.',
    ],
    [
      'Fix the scripts, or run again with --skip-preflight to apply',
      'Fix the scripts, or set `skip-preflight: true` to apply',
    ],
    ['no flags here --config x', 'no flags here --config x'],
  ])('%j', (message, expected) => expect(inActionTerms(message)).toBe(expected));
});

describe('action.yml', () => {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string; required?: boolean }>;
  };

  it('declares the defaults the code falls back to', () => {
    for (const [name, value] of Object.entries(INPUT_DEFAULTS)) expect(action.inputs[name]?.default, name).toBe(value);
  });

  it('has a code default (or a run default) for every optional input', () => {
    const runDefaults = ['api-url', 'github-token'];
    for (const [name, input] of Object.entries(action.inputs)) {
      if (input.required) continue;
      expect(name in INPUT_DEFAULTS || runDefaults.includes(name), name).toBe(true);
    }
  });
});
