// Pre-receive environments and their downloads in the simulator's state: names unique case-insensitively, the
// default environment immutable, no delete while hooks use one or a download runs; downloads complete lazily.
import { isoTime } from './clock.js';
import { SimNotFoundError, SimStateError, SimValidationError } from './errors.js';
import { MESSAGES } from './messages.js';
import { idOrder, type Direction, type EnvironmentSort, type Page, type StoreContext } from './tables.js';
import type { SimDownload, SimEnvironment } from './types.js';
import { lower } from '../names.js';

export const DEFAULT_ENVIRONMENT: Readonly<SimEnvironment> = {
  id: 1,
  name: 'Default',
  image_url: 'githubenterprise://internal',
  default_environment: true,
  created_at: '2016-05-20T16:35:45Z',
  updated_at: '2016-05-20T16:35:45Z',
  download: { state: 'success', downloaded_at: '2016-05-20T16:35:45Z', message: null },
};

export function defaultFailDownload(imageUrl: string): string | undefined {
  return imageUrl.includes('fail') ? `Failed to download ${imageUrl}: 404 Not Found` : undefined;
}

export interface DownloadOptions {
  /** How long a download stays `in_progress`; 0 completes it on the next read. */
  downloadMs: number;
  /** The failure message for an image URL that cannot be downloaded, undefined when it can. */
  failDownload: (imageUrl: string) => string | undefined;
  /** Start a download without an explicit POST .../downloads. */
  autoDownload: { onCreate: boolean; onImageUrlChange: boolean };
}

export class EnvironmentStore {
  readonly #ctx: StoreContext;
  readonly #downloads: DownloadOptions;

  constructor(ctx: StoreContext, downloads: DownloadOptions) {
    this.#ctx = ctx;
    this.#downloads = downloads;
  }

  get downloadMs(): number {
    return this.#downloads.downloadMs;
  }

  environments(): SimEnvironment[] {
    return idOrder(this.#ctx.tables.environments).map((id) => this.environment(id)!);
  }

  environment(id: number): SimEnvironment | undefined {
    const env = this.#ctx.tables.environments.get(id);
    return env && copyEnvironment(this.#resolve(env));
  }

  findEnvironment(name: string): SimEnvironment | undefined {
    const id = this.#ctx.tables.environmentNames.get(lower(name));
    return id === undefined ? undefined : this.environment(id);
  }

  /** The default environment, identified by its flag and not by id or name. */
  defaultEnvironment(): SimEnvironment {
    for (const env of this.#ctx.tables.environments.values())
      if (env.default_environment) return this.environment(env.id)!;
    throw new Error('the state has no default environment');
  }

  hooksCount(environmentId: number): number {
    return this.#ctx.tables.hooksPerEnvironment.get(environmentId) ?? 0;
  }

  createEnvironment(input: { name: unknown; image_url: unknown }): SimEnvironment {
    const errors = [...this.nameErrors(input.name), ...imageUrlErrors(input.image_url)];
    if (errors.length) throw new SimValidationError('PreReceiveEnvironment', errors);
    const now = isoTime(this.#ctx.clock());
    const env: SimEnvironment = {
      id: this.#ctx.tables.nextId.environment++,
      name: input.name as string,
      image_url: input.image_url as string,
      default_environment: false,
      created_at: now,
      updated_at: now,
      download: { state: 'not_started', downloaded_at: null, message: null },
    };
    this.insert(env);
    if (this.#downloads.autoDownload.onCreate) this.#begin(env);
    return copyEnvironment(env);
  }

  /** Partial update; omitted (undefined) fields are kept. */
  updateEnvironment(id: number, patch: { name?: unknown; image_url?: unknown }): SimEnvironment {
    const env = this.#require(id);
    if (env.default_environment) throw new SimValidationError('PreReceiveEnvironment', [MESSAGES.defaultEnvironment]);
    const errors = [
      ...(patch.name === undefined ? [] : this.nameErrors(patch.name, id)),
      ...(patch.image_url === undefined ? [] : imageUrlErrors(patch.image_url)),
    ];
    if (errors.length) throw new SimValidationError('PreReceiveEnvironment', errors);
    const imageChanged = patch.image_url !== undefined && patch.image_url !== env.image_url;
    if (patch.name !== undefined) {
      this.#ctx.tables.environmentNames.delete(lower(env.name));
      env.name = patch.name as string;
      this.#ctx.tables.environmentNames.set(lower(env.name), id);
    }
    if (patch.image_url !== undefined) env.image_url = patch.image_url as string;
    env.updated_at = isoTime(this.#ctx.clock());
    this.#ctx.listings.changed('environment');
    if (
      imageChanged &&
      this.#downloads.autoDownload.onImageUrlChange &&
      this.#resolve(env).download.state !== 'in_progress'
    ) {
      this.#begin(env);
    }
    return copyEnvironment(this.#resolve(env));
  }

  deleteEnvironment(id: number): void {
    const env = this.#resolve(this.#require(id));
    const fail = (message: string): never => {
      throw new SimValidationError('PreReceiveEnvironment', [message]);
    };
    if (env.default_environment) fail(MESSAGES.defaultEnvironment);
    if (this.hooksCount(id) > 0) fail(MESSAGES.environmentHasHooks);
    if (env.download.state === 'in_progress') fail(MESSAGES.environmentDownloading);
    this.#ctx.tables.environments.delete(id);
    this.#ctx.tables.environmentNames.delete(lower(env.name));
    this.#ctx.tables.hooksPerEnvironment.delete(id);
    this.#ctx.listings.changed('environment');
  }

  /** POST .../downloads: returns the status as it is right after the start (in_progress, even with downloadMs 0). */
  startDownload(id: number): SimDownload {
    const env = this.#resolve(this.#require(id));
    if (env.default_environment) throw new SimValidationError('PreReceiveEnvironment', [MESSAGES.defaultEnvironment]);
    if (env.download.state === 'in_progress') {
      throw new SimValidationError('PreReceiveEnvironment', [MESSAGES.downloadInProgress]);
    }
    this.#begin(env);
    return { ...env.download };
  }

  /** Overwrites the download status directly, e.g. to stage a failed or stuck download. */
  setDownload(id: number, download: Partial<SimDownload>): SimEnvironment {
    const env = this.#require(id);
    env.download = normalizeDownload(
      { ...env.download, ...download },
      env.created_at,
      this.#ctx.clock(),
      this.#downloads.downloadMs,
    );
    return copyEnvironment(env);
  }

  /** One page of environments in API order. */
  pageOfEnvironments(sort: EnvironmentSort, direction: Direction, page: number, perPage: number): Page<SimEnvironment> {
    return this.#ctx.listings.page('environment', sort, direction, page, perPage, (id) => this.environment(id)!);
  }

  #require(id: number): SimEnvironment {
    const env = this.#ctx.tables.environments.get(id);
    if (!env) throw new SimNotFoundError(`no pre-receive environment ${id}`);
    return env;
  }

  nameErrors(name: unknown, self?: number): string[] {
    if (typeof name !== 'string' || name.trim() === '') return [MESSAGES.nameBlank];
    const owner = this.#ctx.tables.environmentNames.get(lower(name));
    return owner !== undefined && owner !== self ? [MESSAGES.nameTaken] : [];
  }

  /** Completes a download whose time has come. Lazy, so no timers and nothing to clean up. */
  #resolve(env: SimEnvironment): SimEnvironment {
    const d = env.download;
    if (d.state === 'in_progress' && d.completes_at && this.#ctx.clock() >= Date.parse(d.completes_at)) {
      env.download = {
        state: d.fails_with ? 'failed' : 'success',
        downloaded_at: d.downloaded_at,
        message: d.fails_with ?? null,
        ...(d.image_url === undefined ? {} : { image_url: d.image_url }),
      };
    }
    return env;
  }

  #begin(env: SimEnvironment): void {
    const now = this.#ctx.clock();
    env.download = {
      state: 'in_progress',
      downloaded_at: isoTime(now),
      message: null,
      completes_at: new Date(now + this.#downloads.downloadMs).toISOString(),
      fails_with: this.#downloads.failDownload(env.image_url) ?? null,
      image_url: env.image_url,
    };
  }

  insert(env: SimEnvironment): void {
    this.#ctx.tables.environments.set(env.id, env);
    this.#ctx.tables.environmentNames.set(lower(env.name), env.id);
    this.#ctx.listings.changed('environment');
  }
}

function imageUrlErrors(imageUrl: unknown): string[] {
  return typeof imageUrl !== 'string' || imageUrl.trim() === '' ? [MESSAGES.imageUrlBlank] : [];
}

export function normalizeDownload(
  d: Partial<SimDownload>,
  createdAt: string,
  now: number,
  downloadMs: number,
  at = 'download',
): SimDownload {
  const states = ['not_started', 'in_progress', 'success', 'failed'];
  const state = d.state ?? 'success';
  if (!states.includes(state)) throw new SimStateError(`${at}.state must be one of ${states.join(', ')}`);
  const downloadedAt = d.downloaded_at === undefined ? (state === 'not_started' ? null : createdAt) : d.downloaded_at;
  const download: SimDownload = {
    state,
    downloaded_at: downloadedAt,
    message: state === 'failed' ? (d.message ?? 'Download failed') : null,
  };
  if (d.image_url !== undefined) download.image_url = d.image_url;
  if (state === 'in_progress') {
    download.completes_at = d.completes_at ?? new Date(now + downloadMs).toISOString();
    download.fails_with = d.fails_with ?? null;
  }
  return download;
}

function copyEnvironment(env: SimEnvironment): SimEnvironment {
  return { ...env, download: { ...env.download } };
}
