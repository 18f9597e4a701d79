// Properties every plan must have, whatever its inputs: checked on every fixture and on the large plan.
import { expect } from 'vitest';
import type { DesiredState } from '../../src/config/types.js';
import type { Plan } from '../../src/plan/types.js';
import { Secret } from '../../src/secret.js';

const MASK = '********';

/** Every string reachable from a value, Secret values revealed, so a leak cannot hide behind "(sensitive)". */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Secret) out.push(value.reveal());
  else if (Array.isArray(value)) for (const item of value) strings(item, out);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) strings(item, out);
  return out;
}

export function expectPlanInvariants(plan: Plan, desired: DesiredState): void {
  const seen = new Set<string>();
  for (const op of plan.operations) {
    expect(op.id).toBe(`${op.kind}:${op.action}:${op.key}`);
    expect(seen.has(op.id), `${op.id} is unique`).toBe(false);
    for (const dep of op.dependsOn) expect(seen.has(dep), `${op.id} comes after ${dep}`).toBe(true);
    seen.add(op.id);
    expect(strings('fields' in op ? op.fields : undefined)).not.toContain(MASK);
    if (op.kind === 'hook' && op.action === 'delete') expect(op.dependsOn).toEqual([]);
  }

  const counts = { create: 0, update: 0, delete: 0, download: 0 };
  for (const op of plan.operations) counts[op.action] += 1;
  expect(plan.summary).toEqual(counts);

  // GHES resets whatever a webhook PATCH omits, so every write carries the whole desired object.
  const webhooks = new Map(desired.webhooks.map((w) => [w.url.trim(), w]));
  for (const op of plan.operations) {
    if (op.kind !== 'webhook' || op.action === 'delete') continue;
    const entry = webhooks.get(op.key)!;
    expect(Object.keys(op.fields ?? {}).sort()).toEqual([
      'active',
      'content_type',
      'events',
      'insecure_ssl',
      'secret',
      'url',
    ]);
    expect(op.fields).toMatchObject({
      url: op.key,
      content_type: entry.content_type,
      insecure_ssl: entry.insecure_ssl,
      events: entry.events,
      active: entry.active,
    });
    expect(op.fields?.secret?.reveal()).toBe(entry.secret?.isEmpty ? undefined : entry.secret?.reveal());
  }
}

/** A seeded shuffle: a failure names a seed that reproduces it. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
