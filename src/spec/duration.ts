/**
 * Durations in the requirements spec are strings such as `90s`, `5m`, `1h`, `35d` or `7y`: a positive integer and
 * one unit. A year is 365 days (retention periods are counted in days by RDS, AWS Backup and S3).
 */

export const DURATION_UNITS = { s: 1, m: 60, h: 3_600, d: 86_400, y: 31_536_000 } as const;
export type DurationUnit = keyof typeof DURATION_UNITS;

/** What every duration error message says, so users see the accepted forms wherever they went wrong. */
export const DURATION_FORMS = 'a positive whole number followed by s, m, h, d or y (e.g. 90s, 5m, 1h, 35d, 7y; 1y = 365d)';

const DURATION_PATTERN = /^([1-9][0-9]{0,9})([smhdy])$/;

/** Upper bound that keeps every duration a safe integer and well past any AWS retention (100 years). */
export const MAX_DURATION_SECONDS = 1000 * DURATION_UNITS.y;

/** Parses a duration string to whole seconds; returns an error message instead of throwing. */
export function tryParseDuration(text: unknown): { seconds: number } | { error: string } {
  if (typeof text !== 'string') return { error: `expected a duration string: ${DURATION_FORMS}` };
  const match = DURATION_PATTERN.exec(text);
  if (!match) return { error: `invalid duration "${text}": expected ${DURATION_FORMS}` };
  const seconds = Number(match[1]) * DURATION_UNITS[match[2] as DurationUnit];
  if (seconds > MAX_DURATION_SECONDS) return { error: `duration "${text}" is longer than 1000y` };
  return { seconds };
}

/** Parses `90s`, `5m`, `1h`, `35d`, `7y` to whole seconds. Throws RangeError naming the accepted forms. */
export function parseDuration(text: string): number {
  const result = tryParseDuration(text);
  if ('error' in result) throw new RangeError(result.error);
  return result.seconds;
}

/**
 * Formats seconds with the largest unit that divides them exactly, so `formatDuration(parseDuration(x))` is the
 * canonical form of x (`60s` -> `1m`, `365d` -> `1y`). Non-positive or fractional input is a programming error.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new RangeError(`formatDuration needs a positive whole number of seconds, got ${seconds}`);
  }
  // The units largest first, spelled out rather than looped over: a plan of 10,000 stores formats hundreds of thousands.
  const { y, d, h, m } = DURATION_UNITS;
  if (seconds % y === 0) return `${seconds / y}y`;
  if (seconds % d === 0) return `${seconds / d}d`;
  if (seconds % h === 0) return `${seconds / h}h`;
  if (seconds % m === 0) return `${seconds / m}m`;
  return `${seconds}s`;
}

/** Human form that also accepts zero (design RPO 0 for synchronous mechanisms). */
export function formatSecondsOrZero(seconds: number): string {
  return seconds === 0 ? '0s' : formatDuration(seconds);
}
