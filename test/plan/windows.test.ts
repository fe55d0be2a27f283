import { DEFAULT_BACKUP_WINDOW, DEFAULT_MAINTENANCE_WINDOW, windowProblems } from '../../src/aws/windows';
import type { DatabaseStorePlan } from '../../src/plan/types';
import { aurora, database, db, planWith } from './helpers';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Minutes of day `day` (0 = Monday) covered by a span starting at week minute `start`, as a set. */
function minutesOfDay(day: number, spans: { start: number; length: number }[]): Set<number> {
  const out = new Set<number>();
  for (const { start, length } of spans) {
    for (let m = start; m < start + length; m++) {
      const week = m % (7 * 1440);
      if (Math.floor(week / 1440) === day) out.add(week % 1440);
    }
  }
  return out;
}

const clock = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));

/** The RDS backup window (every day), the maintenance window and each AWS Backup rule's job spans, independently parsed. */
function spans(store: DatabaseStorePlan) {
  const [from, to] = store.backup.backupWindow.split('-');
  const backup = DAYS.map((_, d) => ({ start: d * 1440 + clock(from), length: (clock(to) - clock(from) + 1440) % 1440 }));
  const [, startDay, startClock, endDay, endClock] = /^(\w{3}):(\d\d:\d\d)-(\w{3}):(\d\d:\d\d)$/.exec(store.backup.maintenanceWindow)!;
  const mStart = DAYS.indexOf(startDay) * 1440 + clock(startClock);
  const maintenance = [{ start: mStart, length: DAYS.indexOf(endDay) * 1440 + clock(endClock) - mStart }];
  const rules = (store.awsBackup?.rules ?? []).map((rule) => {
    const [, minute, hours] = /^cron\((\d+) (\S+) \* \* \? \*\)$/.exec(rule.scheduleExpression)!;
    const [first, step] = hours.includes('/') ? hours.split('/').map(Number) : [Number(hours), 24];
    const starts: number[] = [];
    for (let h = first; h < 24; h += step) starts.push(h * 60 + Number(minute));
    // A daily rule must keep its whole run (start + completion window) clear; a rule every few hours cannot (its
    // runs follow each other), so its start windows must.
    const length = rule.intervalHours === 24 ? rule.startWindowMinutes + rule.completionWindowMinutes : rule.startWindowMinutes;
    return { name: rule.name, spans: DAYS.flatMap((_, d) => starts.map((s) => ({ start: d * 1440 + s, length }))) };
  });
  return { backup, maintenance, rules };
}

function clashes(store: DatabaseStorePlan): string[] {
  const { backup, maintenance, rules } = spans(store);
  const found: string[] = [];
  for (let day = 0; day < 7; day++) {
    const rds = minutesOfDay(day, backup);
    const maint = minutesOfDay(day, maintenance);
    for (const m of rds) if (maint.has(m)) found.push(`${DAYS[day]}: backup window meets maintenance window`);
    for (const rule of rules) {
      for (const m of minutesOfDay(day, rule.spans)) {
        if (rds.has(m)) found.push(`${DAYS[day]}: AWS Backup rule ${rule.name} meets the RDS backup window`);
        if (maint.has(m)) found.push(`${DAYS[day]}: AWS Backup rule ${rule.name} meets the maintenance window`);
      }
    }
  }
  return [...new Set(found)];
}

describe('backup and maintenance windows', () => {
  const cases: [string, (doc: Record<string, any>) => void][] = [
    ['RDS instance with long-term retention', db({ retention: { pointInTime: '7d', longTerm: '1y' } })],
    ...[5, 6, 7, 8, 10, 14, 26].map((hours): [string, (doc: Record<string, any>) => void] => [
      `Aurora with region RPO ${hours}h (AWS Backup copies) and long-term retention`,
      aurora('aurora-postgresql', { rpo: { region: `${hours}h` }, rto: { region: '4h' }, retention: { pointInTime: '7d', longTerm: '1y' } }),
    ]),
  ];

  it.each(cases)('never overlap on any day of the week: %s', (_, mutate) => {
    const store = database(planWith(mutate));
    expect(store.awsBackup?.rules.length).toBeGreaterThan(0);
    expect(clashes(store)).toEqual([]);
  });

  it('the sub-daily schedules the planner offers all stay clear (every interval it can choose)', () => {
    const intervals = new Set<number>();
    for (const hours of [4, 5, 6, 7, 8, 10, 14, 26]) {
      const store = database(planWith(aurora('aurora-postgresql', { rpo: { region: `${hours}h` }, rto: { region: '4h' } })));
      for (const rule of store.awsBackup?.rules ?? []) intervals.add(rule.intervalHours);
      expect(clashes(store)).toEqual([]);
    }
    expect([...intervals].sort((a, b) => a - b)).toEqual([2, 3, 4, 6, 8, 12, 24]);
  });

  it('the old Sunday window 04:30-05:30 would overlap the daily AWS Backup job (the check can fail)', () => {
    const store = database(planWith(db({ retention: { pointInTime: '7d', longTerm: '1y' } })));
    expect(clashes({ ...store, backup: { ...store.backup, maintenanceWindow: 'sun:04:30-sun:05:30' } })).toEqual([
      'sun: AWS Backup rule long-term meets the maintenance window',
    ]);
  });

  it('the planner and the constructs use one pair of default windows, and RDS accepts it', () => {
    const store = database(planWith(db({})));
    expect(store.backup).toMatchObject({ backupWindow: DEFAULT_BACKUP_WINDOW, maintenanceWindow: DEFAULT_MAINTENANCE_WINDOW });
    expect(windowProblems(DEFAULT_BACKUP_WINDOW, DEFAULT_MAINTENANCE_WINDOW)).toEqual([]);
    expect(windowProblems('03:00-04:00', 'mon:03:30-mon:04:30')).toEqual([
      "maintenanceWindow: must not overlap the daily backupWindow '03:00-04:00' (RDS limit), got 'mon:03:30-mon:04:30'",
    ]);
  });
});
