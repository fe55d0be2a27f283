/**
 * Locale-free formatting for reports: the same inputs give the same bytes on every machine (no Intl, no
 * toLocaleString, no time zone but UTC).
 */

/** `45s`, `31m 40s`, `2h 05m`, `3d 04h`, `2d 00h 07m`; negative values (rows newer than the target) get a leading `-`. */
export function formatSeconds(seconds: number): string {
  if (seconds < 0) return `-${formatSeconds(-seconds)}`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3_600) {
    const rest = s % 60;
    return rest === 0 ? `${Math.floor(s / 60)}m` : `${Math.floor(s / 60)}m ${pad(rest)}s`;
  }
  if (s < 86_400) {
    const minutes = Math.floor((s % 3_600) / 60);
    return minutes === 0 ? `${Math.floor(s / 3_600)}h` : `${Math.floor(s / 3_600)}h ${pad(minutes)}m`;
  }
  // Beyond a day every smaller unit down to the last non-zero one is shown: a limit is often a whole number of days,
  // and a gap of 2d 00h 00m 30s exceeds 2d.
  const parts = [`${Math.floor(s / 86_400)}d`, `${pad(Math.floor((s % 86_400) / 3_600))}h`, `${pad(Math.floor((s % 3_600) / 60))}m`, `${pad(s % 60)}s`];
  const rests = [s % 86_400, s % 3_600, s % 60];
  let shown = 1;
  rests.forEach((rest, index) => {
    if (rest !== 0) shown = index + 2;
  });
  return parts.slice(0, shown).join(' ');
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/** `2026-11-25 12:41Z` (minutes; UTC). */
export function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z`;
}

/** `2026-11-25`. */
export function formatDate(iso: string): string {
  return iso.slice(0, 10);
}

/** A count with its noun: `1 run`, `3 runs`. */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** ISO 8601 UTC with milliseconds, the form every report time is kept in. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
