// Where to connect and with what: the API URL from `--api-url` or the environment, the token from the environment
// only (never a flag, which would land in shell history and process lists).
import { UserError } from '../errors.js';

export interface Connection {
  apiUrl: string;
  token: string;
}

export interface ConnectionFlags {
  /** `--api-url` */
  apiUrl?: string | undefined;
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
  const token = nonEmpty(env.GHES_TOKEN) ?? nonEmpty(env.GITHUB_TOKEN);
  if (token === undefined) {
    throw new UserError(
      "no token: set GHES_TOKEN (or GITHUB_TOKEN) to a site administrator's classic personal access token " +
        'with the site_admin scope',
    );
  }
  return { apiUrl: rawUrl.replace(/\/+$/, ''), token };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
