import type { RunPoint } from './model';

/** Reports over at most this many days tabulate per day; longer ones per ISO week (Monday, UTC). */
export const DAILY_ROWS_MAX_DAYS = 31;

export interface PeriodRow {
  /** `2026-11-25` (a day) or the Monday of the week. */
  start: string;
  runs: number;
  passed: number;
  maxRestoreSeconds: number | null;
  maxDataLagSeconds: number | null;
}

const DAY_MS = 86_400_000;

/** Groups runs by UTC day or ISO week (periods without runs are left out: the gaps section lists them). */
export function periodRows(series: readonly RunPoint[], windowDays: number): { unit: 'day' | 'week'; rows: PeriodRow[] } {
  const unit = windowDays <= DAILY_ROWS_MAX_DAYS ? 'day' : 'week';
  const rows = new Map<string, PeriodRow>();
  for (const point of series) {
    const ms = Date.parse(point.time);
    const day = Math.floor(ms / DAY_MS) * DAY_MS;
    // 1970-01-01 was a Thursday: (days + 3) % 7 is the days since Monday.
    const start = unit === 'day' ? day : day - (((Math.floor(day / DAY_MS) + 3) % 7) * DAY_MS);
    const key = new Date(start).toISOString().slice(0, 10);
    const row = rows.get(key) ?? { start: key, runs: 0, passed: 0, maxRestoreSeconds: null, maxDataLagSeconds: null };
    row.runs += 1;
    if (point.outcome === 'succeeded') row.passed += 1;
    if (point.restoreSeconds !== null) row.maxRestoreSeconds = Math.max(row.maxRestoreSeconds ?? -Infinity, point.restoreSeconds);
    if (point.dataLagSeconds !== null) row.maxDataLagSeconds = Math.max(row.maxDataLagSeconds ?? -Infinity, point.dataLagSeconds);
    rows.set(key, row);
  }
  return { unit, rows: [...rows.values()].sort((a, b) => (a.start < b.start ? -1 : 1)) };
}
