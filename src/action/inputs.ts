// The Action's inputs, read once into a typed ActionSettings and validated: the rest of the Action never calls
// core.getInput. Defaults repeat action.yml's (a test keeps the two equal) so that a step run without the runner
// filling them in (tests, `node dist/index.js`) behaves the same.
import * as core from '@actions/core';
import { MAX_CONCURRENCY } from '../apply/apply.js';
import { durationMs } from '../duration.js';
import { UserError } from '../errors.js';
import { parseBranchPatterns } from './branches.js';
import { isGitHubDotCom } from '../github/connection.js';

export type Mode = 'auto' | 'plan' | 'apply';
export const MODES: readonly Mode[] = ['auto', 'plan', 'apply'];

export interface ActionSettings {
  /** The config file or directory, as given (relative paths are relative to the workspace). */
  config: string;
  mode: Mode;
  /** A site administrator's classic token for the GHES admin API. */
  token: string;
  /** The GHES API, e.g. https://ghes.example.com/api/v3, without a trailing slash. */
  apiUrl: string;
  /** For the pull-request comment on the config repository's host; empty: no comment. */
  githubToken: string;
  concurrency: number;
  comment: boolean;
  failOnChanges: boolean;
  syncSecrets: boolean;
  allowMassDelete: boolean;
  downloadTimeoutMs: number;
  /** Apply without checking hook scripts first. */
  skipPreflight: boolean;
  /** Branch patterns `mode: auto` applies from, beside the default branch. */
  applyBranches: string[];
}

/** The defaults of action.yml; `api-url` and `github-token` default to the run's own values there. */
export const INPUT_DEFAULTS = {
  config: 'ghes-gitops.yml',
  mode: 'auto',
  concurrency: '4',
  comment: 'true',
  'fail-on-changes': 'false',
  'sync-secrets': 'false',
  'allow-mass-delete': 'false',
  'download-timeout': '10m',
  'skip-preflight': 'false',
  'apply-branches': '',
} as const;

/** The `token` input is empty: on a pull request from a fork that is GitHub withholding secrets, not a mistake. */
export class MissingTokenError extends UserError {
  override readonly name = 'MissingTokenError';
}

/**
 * Reads every input once. The tokens are masked (core.setSecret) the moment they are read, before anything
 * else can fail and print. Throws UserError naming the input for any invalid value.
 */
export function getSettings(env: Record<string, string | undefined> = process.env): ActionSettings {
  const token = core.getInput('token');
  if (token) core.setSecret(token);
  const githubToken = core.getInput('github-token');
  if (githubToken) core.setSecret(githubToken);
  if (!token) {
    throw new MissingTokenError(
      "the `token` input is required: a site administrator's personal access token (classic) with the " +
        'site_admin scope, e.g. `token: ${{ secrets.GHES_ADMIN_TOKEN }}`',
    );
  }

  return {
    config: input('config') || INPUT_DEFAULTS.config,
    mode: parseMode(input('mode') || INPUT_DEFAULTS.mode),
    token,
    apiUrl: parseApiUrl(input('api-url') || env.GITHUB_API_URL || ''),
    githubToken,
    concurrency: parseConcurrency(input('concurrency') || INPUT_DEFAULTS.concurrency),
    comment: parseBoolean('comment', input('comment') || INPUT_DEFAULTS.comment),
    failOnChanges: parseBoolean('fail-on-changes', input('fail-on-changes') || INPUT_DEFAULTS['fail-on-changes']),
    syncSecrets: parseBoolean('sync-secrets', input('sync-secrets') || INPUT_DEFAULTS['sync-secrets']),
    allowMassDelete: parseBoolean(
      'allow-mass-delete',
      input('allow-mass-delete') || INPUT_DEFAULTS['allow-mass-delete'],
    ),
    downloadTimeoutMs: parseDuration(input('download-timeout') || INPUT_DEFAULTS['download-timeout']),
    skipPreflight: parseBoolean('skip-preflight', input('skip-preflight') || INPUT_DEFAULTS['skip-preflight']),
    applyBranches: parseBranchPatterns(input('apply-branches') || INPUT_DEFAULTS['apply-branches']),
  };
}

function input(name: string): string {
  return core.getInput(name);
}

export function parseMode(text: string): Mode {
  const mode = text.trim().toLowerCase();
  if ((MODES as readonly string[]).includes(mode)) return mode as Mode;
  throw new UserError(`the \`mode\` input takes auto, plan or apply, not \`${text}\``);
}

export function parseConcurrency(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(value) || value < 1 || value > MAX_CONCURRENCY) {
    throw new UserError(`the \`concurrency\` input takes a whole number from 1 to ${MAX_CONCURRENCY}, not \`${text}\``);
  }
  return value;
}

/** YAML 1.2 core booleans, as core.getBooleanInput accepts them, but with an error that names the input. */
export function parseBoolean(name: string, text: string): boolean {
  if (['true', 'True', 'TRUE'].includes(text)) return true;
  if (['false', 'False', 'FALSE'].includes(text)) return false;
  throw new UserError(`the \`${name}\` input takes true or false, not \`${text}\``);
}

/** `600` (seconds), `90s`, `10m`, `1h`, `500ms`: the CLI's `--download-timeout` syntax. */
export function parseDuration(text: string, name = 'download-timeout'): number {
  const ms = durationMs(text) ?? NaN;
  if (!(ms > 0)) throw new UserError(`the \`${name}\` input takes a duration such as 600, 90s or 10m, not \`${text}\``);
  return ms;
}

export function parseApiUrl(text: string): string {
  if (text === '') {
    throw new UserError(
      'no GHES API URL: set the `api-url` input (e.g. https://ghes.example.com/api/v3); it defaults to the ' +
        "run's GITHUB_API_URL, which is empty here",
    );
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(
      `the \`api-url\` input is not a URL: \`${text}\` (expected e.g. https://ghes.example.com/api/v3)`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UserError(`the \`api-url\` input must be an http or https URL, not \`${text}\``);
  }
  if (isGitHubDotCom(url)) {
    // The default follows the run's host: on github.com that is not an instance, and the admin token must not go there.
    throw new UserError(
      `\`api-url\` is ${url.origin}, which is not a GitHub Enterprise Server instance: set the \`api-url\` ` +
        'input to your instance, e.g. https://ghes.example.com/api/v3',
    );
  }
  if (url.username || url.password) {
    throw new UserError('the `api-url` input must not hold credentials; pass the token in the `token` input');
  }
  return text.replace(/\/+$/, '');
}

/** The shared path words its advice for the CLI; a workflow author sets an input instead of passing a flag. */
export function inActionTerms(message: string): string {
  return message.replace(
    /(?:run again with |with )?--(allow-mass-delete|skip-preflight|sync-secrets)\b/g,
    (_m, flag: string) => `set \`${flag}: true\``,
  );
}
