// Where to connect and with what: the API URL from `--api-url` or the environment, the token from the environment
// only (never a flag, which would land in shell history and process lists). The rules on which URLs may receive
// the site-admin token are here, shared by the CLI and the Action.
import { UserError } from '../errors.js';

export interface Connection {
  apiUrl: string;
  token: string;
  /** Said once before anything is sent, e.g. plain http to another host. */
  warnings: string[];
}

export interface ConnectionFlags {
  /** `--api-url` */
  apiUrl?: string | undefined;
}

/**
 * GitHub.com is not an instance, and the site-admin token must never go there: on hosted runners
 * `GITHUB_API_URL` is https://api.github.com, so a forgotten URL setting would otherwise send it there.
 */
export function isGitHubDotCom(url: URL): boolean {
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  return host === 'api.github.com' || host === 'github.com';
}

/** A warning for plain http to anything but this machine: the token would cross the network readable by anyone on the way. */
export function plainHttpWarning(url: URL): string | undefined {
  if (url.protocol !== 'http:' || isLoopback(url.hostname)) return undefined;
  return `${url.origin} is plain http: the token and webhook secrets cross the network unencrypted; use https`;
}

/** localhost, 127.0.0.0/8 and ::1: traffic that never leaves the machine. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** The target is `--api-url`, else `GHES_API_URL`, else `GITHUB_API_URL`; the token comes only from the environment. */
export function resolveConnection(env: Record<string, string | undefined>, flags: ConnectionFlags = {}): Connection {
  const rawUrl = nonEmpty(flags.apiUrl) ?? nonEmpty(env.GHES_API_URL) ?? nonEmpty(env.GITHUB_API_URL);
  if (rawUrl === undefined) {
    throw new UserError(
      'no GHES API URL: pass --api-url or set GHES_API_URL (for example https://ghes.example.com/api/v3)',
    );
  }
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new UserError(`invalid GHES API URL "${rawUrl}": expected something like https://ghes.example.com/api/v3`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UserError(`invalid GHES API URL "${rawUrl}": only http and https are supported`);
  }
  // Never echo the raw URL from here on: it may hold credentials.
  if (isGitHubDotCom(url)) {
    throw new UserError(
      `refusing to send the site-admin token to ${url.origin} (from ${urlSource(flags, env)}): it is GitHub.com, ` +
        'not a GitHub Enterprise Server instance. Pass --api-url or set GHES_API_URL to your instance, e.g. ' +
        'https://ghes.example.com/api/v3',
    );
  }
  if (url.username || url.password) {
    throw new UserError(
      `the API URL (from ${urlSource(flags, env)}) must not hold credentials; the token comes from GHES_TOKEN`,
    );
  }
  const token = nonEmpty(env.GHES_TOKEN) ?? nonEmpty(env.GITHUB_TOKEN);
  if (token === undefined) {
    throw new UserError(
      "no token: set GHES_TOKEN (or GITHUB_TOKEN) to a site administrator's classic personal access token " +
        'with the site_admin scope',
    );
  }
  const warning = plainHttpWarning(url);
  return { apiUrl: rawUrl.replace(/\/+$/, ''), token, warnings: warning === undefined ? [] : [warning] };
}

function urlSource(flags: ConnectionFlags, env: Record<string, string | undefined>): string {
  if (nonEmpty(flags.apiUrl) !== undefined) return '--api-url';
  return nonEmpty(env.GHES_API_URL) !== undefined ? 'GHES_API_URL' : 'GITHUB_API_URL';
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
