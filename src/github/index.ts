// The GHES client stage of the pipeline: connect, observe the live admin objects, and change them.
export { createClient, isSafeToRepeat, DEFAULT_REQUEST_TIMEOUT_MS } from './client.js';
export type { ClientSettings, GhesOctokit, Logger } from './client.js';
export { createAdminApi } from './admin-api.js';
export type { AdminApiOptions } from './admin-api.js';
export * from './errors.js';
export type * from './api.js';
export type * from './types.js';
