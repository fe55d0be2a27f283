import type { BackupPlan } from './types';

/** Keys that lead their object, in this order, so the file reads top-down; every other key is sorted. */
const LEADING_KEYS = ['planVersion', 'kind', 'id', 'scope', 'severity', 'code', 'name', 'alarmName'];

function compareKeys(a: string, b: string): number {
  const ia = LEADING_KEYS.indexOf(a);
  const ib = LEADING_KEYS.indexOf(b);
  if (ia !== -1 || ib !== -1) return (ia === -1 ? LEADING_KEYS.length : ia) - (ib === -1 ? LEADING_KEYS.length : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted key lists by object shape: plans repeat a few dozen shapes thousands of times. */
const orderCache = new Map<string, string[]>();

function orderedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  const signature = keys.join('\u0000');
  let ordered = orderCache.get(signature);
  if (!ordered) {
    ordered = [...keys].sort(compareKeys);
    if (orderCache.size < 1_000) orderCache.set(signature, ordered);
  }
  return ordered;
}

/** A copy of `value` whose objects list their keys in canonical order (JSON.stringify keeps insertion order). */
function canonical(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(canonical);
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of orderedKeys(record)) {
    const item = record[key];
    if (item !== undefined) copy[key] = canonical(item);
  }
  return copy;
}

/**
 * backup_plan.json: byte-for-byte deterministic. Keys in a fixed order regardless of how the object was built,
 * stores sorted by id, two-space indentation, trailing newline, and nothing time- or machine-dependent.
 */
export function serializePlan(plan: BackupPlan): string {
  const stores = [...plan.stores].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return `${JSON.stringify(canonical({ ...plan, stores }), null, 2)}\n`;
}
