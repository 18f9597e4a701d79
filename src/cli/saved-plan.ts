// `plan --out FILE` and `apply --plan FILE`: the reviewed plan, saved with where it came from, and the check that a
// fresh plan is still the same before anything is sent (terraform refuses a stale plan file the same way).
// Secrets are `(sensitive)` in the file, so what a plan sends as a secret cannot be compared; everything else is.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { UserError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import type { Findings } from '../report/findings.js';
import { renderPlanJson } from '../report/plan.js';
import { readInputFile } from './files.js';

/** Where a saved plan came from: the instance, the exact config files, and the option that changes what is planned. */
export interface PlanSource {
  apiUrl: string;
  /** sha256 over each config file's name and bytes, in load order: any edit to the config changes it. */
  configSha256: string;
  syncSecrets: boolean;
}

export interface SavedPlan {
  source: PlanSource;
  /** As `plan --format json` prints them. */
  operations: Record<string, unknown>[];
}

/** The `plan --format json` document (its review included) with a `source` key: what `plan --out` writes. */
export function renderSavedPlan(plan: Plan, source: PlanSource, findings: Findings): string {
  const document = JSON.parse(renderPlanJson(plan, findings)) as Record<string, unknown>;
  return JSON.stringify({ ...document, source }, null, 2);
}

/** The digest of the config as loaded: names (not folders, so the same checkout plans and applies from anywhere) and bytes. */
export async function configDigest(files: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${basename(file)}\u0000`);
    hash.update(await readFile(file));
    hash.update('\u0000');
  }
  return hash.digest('hex');
}

export async function readSavedPlan(path: string): Promise<SavedPlan> {
  const text = await readInputFile(path, '--plan', 'write one with `ghes-gitops plan --out FILE`');
  const notAPlan = (why: string) =>
    new UserError(`--plan ${path}: not a plan saved by \`ghes-gitops plan --out\` (${why}); save one with plan --out`);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw notAPlan('not JSON');
  }
  if (typeof document !== 'object' || document === null) throw notAPlan('not a JSON object');
  const { formatVersion, operations, source } = document as Record<string, unknown>;
  if (formatVersion !== 1) throw notAPlan(`formatVersion ${JSON.stringify(formatVersion)}, expected 1`);
  if (!Array.isArray(operations) || !operations.every(isRecord)) throw notAPlan('no operations list');
  if (
    !isRecord(source) ||
    typeof source.apiUrl !== 'string' ||
    typeof source.configSha256 !== 'string' ||
    typeof source.syncSecrets !== 'boolean'
  ) {
    throw notAPlan('no `source`: `plan --format json` output cannot be applied, only a file from `plan --out`');
  }
  return {
    source: { apiUrl: source.apiUrl, configSha256: source.configSha256, syncSecrets: source.syncSecrets },
    operations,
  };
}

/**
 * Every way the fresh plan differs from the saved one, in words; empty when they are the same. Compared: the
 * instance, the config's bytes, and each operation whole (action, changes, dependencies, order, reasons, warnings).
 * Not compared: objects the plan leaves alone (unmanaged) and the values of secrets, which the file does not hold.
 */
export function staleness(saved: SavedPlan, fresh: Plan, source: PlanSource): string[] {
  const differences: string[] = [];
  if (saved.source.apiUrl !== source.apiUrl) {
    differences.push(`the plan was made against ${saved.source.apiUrl}, not ${source.apiUrl}`);
  }
  if (saved.source.configSha256 !== source.configSha256) {
    differences.push('the configuration files changed since the plan was saved');
  }
  const now = (JSON.parse(renderPlanJson(fresh)) as { operations: Record<string, unknown>[] }).operations;
  const byId = (list: Record<string, unknown>[]) => new Map(list.map((op) => [String(op.id), op]));
  const before = byId(saved.operations);
  const after = byId(now);
  for (const [id, op] of before) {
    const current = after.get(id);
    if (!current) {
      differences.push(`no longer planned: ${id}`);
      continue;
    }
    for (const key of new Set([...Object.keys(op), ...Object.keys(current)])) {
      if (canonical(op[key]) === canonical(current[key])) continue;
      if (key === 'changes' && isRecord(op[key]) && isRecord(current[key])) {
        const was = op[key];
        const is = current[key];
        for (const field of new Set([...Object.keys(was), ...Object.keys(is)])) {
          if (canonical(was[field]) === canonical(is[field])) continue;
          differences.push(`${id}: ${field}: saved ${change(was[field])}, now ${change(is[field])}`);
        }
      } else {
        differences.push(
          `${id}: ${key}: saved ${canonical(op[key]) ?? 'none'}, now ${canonical(current[key]) ?? 'none'}`,
        );
      }
    }
  }
  for (const id of after.keys()) if (!before.has(id)) differences.push(`now planned too: ${id}`);
  const order = (ids: string[]) => ids.filter((id) => before.has(id) && after.has(id)).join('\n');
  if (differences.length === 0 && order([...before.keys()]) !== order([...after.keys()])) {
    differences.push('the operations are in another order');
  }
  return differences;
}

function change(value: unknown): string {
  if (!isRecord(value)) return 'no change';
  return `${canonical(value.from)} → ${canonical(value.to)}`;
}

/** JSON with sorted keys, so that two equal values compare equal whatever order their keys were written in. */
function canonical(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return JSON.stringify(value, (_key, inner: unknown) =>
    isRecord(inner) && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
