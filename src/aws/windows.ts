/**
 * RDS backup and maintenance windows and AWS Backup job windows, as minutes of the week, so one check can prove that
 * they never overlap on any day. A leaf module (imports nothing from Lifeboat): the planner chooses windows with
 * it, the constructs validate explicit windows with it, and tests walk every day of the week with it.
 */
import { RDS_LIMITS } from './limits';

export const WEEK_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const MINUTES_PER_DAY = 1_440;
export const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

/**
 * The windows every Lifeboat database uses unless told otherwise (UTC). The maintenance window sits before the
 * backup window, and AWS Backup's daily jobs start after it (see DAILY_BACKUP_HOUR_UTC), so on every day of the
 * week the three are apart.
 */
export const DEFAULT_BACKUP_WINDOW = '03:00-04:00';
export const DEFAULT_MAINTENANCE_WINDOW = 'sun:01:00-sun:02:00';
/** UTC hour of daily AWS Backup jobs: after the RDS backup window, never inside the maintenance window. */
export const DAILY_BACKUP_HOUR_UTC = 5;

/** A span of the week: start minute (0 = Monday 00:00 UTC) and length in minutes; it may wrap past Sunday. */
export interface WeekSpan {
  start: number;
  length: number;
}

const CLOCK = '([01]\\d|2[0-3]):([0-5]\\d)';
const DAILY = new RegExp(`^${CLOCK}-${CLOCK}$`);
const WEEKLY = new RegExp(`^(${WEEK_DAYS.join('|')}):${CLOCK}-(${WEEK_DAYS.join('|')}):${CLOCK}$`);

/** The daily RDS backup window `hh24:mi-hh24:mi` as seven spans, or an error. */
export function parseBackupWindow(window: string): WeekSpan[] | { error: string } {
  const m = DAILY.exec(window);
  if (!m) return { error: `must be 'hh24:mi-hh24:mi' in UTC, got '${window}'` };
  const start = Number(m[1]) * 60 + Number(m[2]);
  const length = (Number(m[3]) * 60 + Number(m[4]) - start + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  if (length < RDS_LIMITS.minWindowMinutes) return { error: `must last at least ${RDS_LIMITS.minWindowMinutes} minutes (RDS limit), got '${window}'` };
  return daily(start, length);
}

/** The weekly maintenance window `ddd:hh24:mi-ddd:hh24:mi` as one span, or an error. */
export function parseMaintenanceWindow(window: string): WeekSpan | { error: string } {
  const m = WEEKLY.exec(window.toLowerCase());
  if (!m) return { error: `must be 'ddd:hh24:mi-ddd:hh24:mi' in UTC (days mon..sun), got '${window}'` };
  const day = (name: string) => WEEK_DAYS.indexOf(name as (typeof WEEK_DAYS)[number]) * MINUTES_PER_DAY;
  const start = day(m[1]) + Number(m[2]) * 60 + Number(m[3]);
  const end = day(m[4]) + Number(m[5]) * 60 + Number(m[6]);
  const length = (end - start + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
  if (length < RDS_LIMITS.minWindowMinutes) return { error: `must last at least ${RDS_LIMITS.minWindowMinutes} minutes (RDS limit), got '${window}'` };
  return { start, length };
}

/** The same daily span on each of the seven days. */
export function daily(startMinute: number, length: number): WeekSpan[] {
  return WEEK_DAYS.map((_, day) => ({ start: day * MINUTES_PER_DAY + startMinute, length }));
}

/** True when two sets of spans share a minute (half-open: a span ending at 04:00 and one starting at 04:00 do not). */
export function overlaps(a: readonly WeekSpan[], b: readonly WeekSpan[]): boolean {
  const busy = new Uint8Array(MINUTES_PER_WEEK);
  for (const span of a) for (let i = 0; i < span.length; i++) busy[(span.start + i) % MINUTES_PER_WEEK] = 1;
  return b.some((span) => {
    for (let i = 0; i < span.length; i++) if (busy[(span.start + i) % MINUTES_PER_WEEK]) return true;
    return false;
  });
}

/**
 * Problems with a backup window and a maintenance window: format, the 30-minute minimum, and overlap on any day
 * (RDS rejects overlapping windows). Messages start with the field name.
 */
export function windowProblems(backupWindow: string, maintenanceWindow: string): string[] {
  const backup = parseBackupWindow(backupWindow);
  const maintenance = parseMaintenanceWindow(maintenanceWindow);
  const problems: string[] = [];
  if ('error' in backup) problems.push(`backupWindow: ${backup.error}`);
  if ('error' in maintenance) problems.push(`maintenanceWindow: ${maintenance.error}`);
  if (!('error' in backup) && !('error' in maintenance) && overlaps(backup, [maintenance])) {
    problems.push(`maintenanceWindow: must not overlap the daily backupWindow '${backupWindow}' (RDS limit), got '${maintenanceWindow}'`);
  }
  return problems;
}

/**
 * Daily start minutes of an AWS Backup cron schedule `cron(M H * * ? *)` whose hour field is a number, `*`, `a/b`
 * or a list; null for any other form (Lifeboat writes only these).
 */
export function cronStartMinutes(expression: string): number[] | null {
  const m = /^cron\((\d{1,2}) (\S+) \* \* \? \*\)$/.exec(expression);
  if (!m) return null;
  const minute = Number(m[1]);
  const field = m[2];
  let hours: number[];
  if (field === '*') hours = Array.from({ length: 24 }, (_, h) => h);
  else if (/^\d{1,2}\/\d{1,2}$/.test(field)) {
    const [from, step] = field.split('/').map(Number);
    hours = [];
    for (let h = from; h < 24; h += step) hours.push(h);
  } else if (/^\d{1,2}(,\d{1,2})*$/.test(field)) hours = field.split(',').map(Number);
  else return null;
  if (minute > 59 || hours.some((h) => h > 23)) return null;
  return hours.map((h) => h * 60 + minute);
}

/**
 * When AWS Backup jobs of a rule may be starting (each scheduled time plus the start window) and, with
 * `withCompletion`, running (plus the completion window), as spans of the week.
 */
export function backupJobSpans(expression: string, startWindowMinutes: number, completionWindowMinutes: number, withCompletion: boolean): WeekSpan[] | null {
  const starts = cronStartMinutes(expression);
  if (!starts) return null;
  const length = startWindowMinutes + (withCompletion ? completionWindowMinutes : 0);
  return starts.flatMap((start) => daily(start, length));
}
