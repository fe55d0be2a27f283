import type { ReportModel } from './model';

/** Keys that lead their object so the file reads top-down; every other key is sorted. */
const LEADING_KEYS = ['reportVersion', 'name', 'environment', 'id', 'kind', 'verdict', 'status', 'line'];

function compareKeys(a: string, b: string): number {
  const ia = LEADING_KEYS.indexOf(a);
  const ib = LEADING_KEYS.indexOf(b);
  if (ia !== -1 || ib !== -1) return (ia === -1 ? LEADING_KEYS.length : ia) - (ib === -1 ? LEADING_KEYS.length : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

function canonical(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(canonical);
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort(compareKeys)) if (record[key] !== undefined) copy[key] = canonical(record[key]);
  return copy;
}

/** The report model as deterministic JSON (for dashboards and audits that post-process it). */
export function renderJson(model: ReportModel): string {
  return `${JSON.stringify(canonical(model), null, 2)}\n`;
}
