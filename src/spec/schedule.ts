/**
 * Verification schedules: an EventBridge `rate(...)` or `cron(...)` expression, or a duration (converted to
 * rate()). The planner needs the longest gap between runs to size the staleness alarm, so cron expressions are
 * given a conservative upper bound instead of being simulated.
 */
import { DURATION_UNITS, tryParseDuration } from './duration';

/** Verification restores take tens of minutes and at most one runs per database at a time. */
export const MIN_VERIFICATION_INTERVAL_SECONDS = DURATION_UNITS.h;
/** The staleness alarm spans two intervals and CloudWatch evaluates at most 7 days (period x evaluation periods). */
export const MAX_VERIFICATION_INTERVAL_SECONDS = 3 * DURATION_UNITS.d;

export interface ParsedSchedule {
  /** EventBridge expression. */
  expression: string;
  /** Longest gap between two runs, seconds (upper bound for cron). */
  intervalSeconds: number;
}

const RATE = /^rate\(([1-9][0-9]{0,5}) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\(([^()]+)\)$/;
const CRON_FIELD = /^[0-9A-Za-z*?,/#L-]+$/;

function rateExpression(seconds: number): string {
  const units: [number, string][] = [
    [DURATION_UNITS.d, 'day'],
    [DURATION_UNITS.h, 'hour'],
    [DURATION_UNITS.m, 'minute'],
  ];
  for (const [size, unit] of units) {
    if (seconds % size === 0) {
      const n = seconds / size;
      return `rate(${n} ${unit}${n === 1 ? '' : 's'})`;
    }
  }
  throw new RangeError('unreachable: callers pass whole minutes');
}

function isWildcard(field: string): boolean {
  return field === '*' || field === '?';
}

/** Parses a schedule; returns an error message naming the accepted forms instead of throwing. */
export function tryParseSchedule(text: unknown): ParsedSchedule | { error: string } {
  const forms = 'expected rate(N minutes|hours|days), cron(min hour day-of-month month day-of-week year) or a duration such as 1d';
  if (typeof text !== 'string') return { error: forms };
  let parsed: ParsedSchedule;
  const rate = RATE.exec(text);
  const cron = CRON.exec(text);
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2].replace(/s$/, '');
    if ((n === 1) !== (rate[2] === unit)) {
      return { error: `"${text}": EventBridge wants the singular unit for 1 and the plural otherwise` };
    }
    const size = unit === 'minute' ? DURATION_UNITS.m : unit === 'hour' ? DURATION_UNITS.h : DURATION_UNITS.d;
    parsed = { expression: text, intervalSeconds: n * size };
  } else if (cron) {
    const fields = cron[1].trim().split(/\s+/);
    if (fields.length !== 6 || !fields.every((f) => CRON_FIELD.test(f))) {
      return { error: `"${text}": cron() needs 6 fields: minutes hours day-of-month month day-of-week year` };
    }
    const [minutes, hours, dayOfMonth, month, dayOfWeek] = fields;
    if (!isWildcard(dayOfMonth) && !isWildcard(dayOfWeek)) {
      return { error: `"${text}": EventBridge cron needs ? in day-of-month or day-of-week` };
    }
    let bound: number;
    if (!isWildcard(month)) bound = 366 * DURATION_UNITS.d;
    else if (!isWildcard(dayOfMonth)) bound = 31 * DURATION_UNITS.d;
    else if (!isWildcard(dayOfWeek)) bound = 7 * DURATION_UNITS.d;
    else if (!isWildcard(hours)) bound = DURATION_UNITS.d;
    else bound = minutes === '*' ? DURATION_UNITS.m : DURATION_UNITS.h;
    parsed = { expression: `cron(${fields.join(' ')})`, intervalSeconds: bound };
  } else {
    const duration = tryParseDuration(text);
    if ('error' in duration) return { error: `invalid schedule "${text}": ${forms}` };
    if (duration.seconds % DURATION_UNITS.m !== 0) {
      return { error: `invalid schedule "${text}": EventBridge schedules are whole minutes` };
    }
    parsed = { expression: rateExpression(duration.seconds), intervalSeconds: duration.seconds };
  }
  if (parsed.intervalSeconds < MIN_VERIFICATION_INTERVAL_SECONDS) {
    return { error: `"${text}" runs more often than every 1h (a verification restore takes tens of minutes)` };
  }
  if (parsed.intervalSeconds > MAX_VERIFICATION_INTERVAL_SECONDS) {
    return {
      error: `"${text}" may leave more than 3d between runs (the staleness alarm covers 2 runs and CloudWatch evaluates at most 7 days)`,
    };
  }
  return parsed;
}
