import type { BackupPlan } from './types';

/** Keys that lead their object, in this order, so the file reads top-down; every other key is sorted. */
const LEADING_KEYS = ['planVersion', 'kind', 'id', 'scope', 'severity', 'code', 'name', 'alarmName'];

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort((a, b) => {
      const ia = LEADING_KEYS.indexOf(a);
      const ib = LEADING_KEYS.indexOf(b);
      if (ia !== -1 || ib !== -1) return (ia === -1 ? LEADING_KEYS.length : ia) - (ib === -1 ? LEADING_KEYS.length : ib);
      return a < b ? -1 : a > b ? 1 : 0;
    });
  return Object.fromEntries(keys.map((key) => [key, canonical(record[key])]));
}

/**
 * backup_plan.json: byte-for-byte deterministic. Keys in a fixed order regardless of how the object was built,
 * stores sorted by id, two-space indentation, trailing newline, and nothing time- or machine-dependent.
 */
export function serializePlan(plan: BackupPlan): string {
  const stores = [...plan.stores].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return `${JSON.stringify(canonical({ ...plan, stores }), null, 2)}\n`;
}
