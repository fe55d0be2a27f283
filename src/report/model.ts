/**
 * The report as data: what every renderer (Markdown, HTML, JSON) shows, computed once from the plan, the evidence
 * records and the CloudWatch datapoints that no record covers. Pure and deterministic: `now` is an input.
 */
import type { BackupAgeSummaryRecord, EvidenceRecord, ReplicaCheckSummaryRecord, RunOutcome, VerificationRunRecord } from '../evidence/record';
import type { AlarmPlan, BackupPlan, FailureScope, StorePlan } from '../plan/types';
import { formatSeconds, formatTime, iso, plural } from './format';

export const REPORT_VERSION = 1 as const;

/** Failures listed per store, newest first. */
export const LAST_FAILURES = 5;
/** A CloudWatch hour is covered by a record that ended in it or up to this long after it (publishing precedes the record). */
export const METRIC_MATCH_SLACK_SECONDS = 600;
/** Replica-check and backup-age summaries are daily: older than this, the newest one means the check stopped. */
export const SUMMARY_STALE_SECONDS = 2 * 86_400;

/** One hour of the verification metrics of a store (GetMetricData, period 3600). */
export interface MetricHour {
  store: string;
  /** Start of the hour, ISO 8601 UTC. */
  time: string;
  /** Minimum of `VerificationSucceeded` (0: a run failed in that hour); null when not published. */
  succeeded: number | null;
  /** Maximum of `RestoreSeconds` / `DataLagSeconds`; null when not published. */
  restoreSeconds: number | null;
  dataLagSeconds: number | null;
}

/** A record that could not be used, and why. */
export interface UnreadableRecord {
  /** Object key (with version when read from the bucket) or file path. */
  source: string;
  /** The store it belongs to, when the key or the record says. */
  store: string | null;
  /** The day it is filed under (`yyyy-mm-dd`), when its key says; undated ones are always reported. */
  date: string | null;
  problems: string[];
}

/** A key with more than one version, or a delete marker: the report uses the oldest (original) version. */
export interface OverwrittenRecord {
  key: string;
  store: string | null;
  versions: number;
  deleted: boolean;
}

export interface ReportInput {
  plan: BackupPlan;
  records: readonly EvidenceRecord[];
  metrics: readonly MetricHour[];
  unreadable: readonly UnreadableRecord[];
  /** Keys written more than once or deleted (bucket reads only). @default none */
  overwritten?: readonly OverwrittenRecord[];
  /** Where the records came from, for the report's header (e.g. `s3://bucket` or a directory name). */
  source: string;
  /** Whether CloudWatch was read. */
  metricsRead: boolean;
  now: Date;
  since: Date;
  /** Only this store. */
  store?: string;
}

/** One verification run on a chart or in a table. */
export interface RunPoint {
  /** Run id; null for a run known only from CloudWatch. */
  runId: string | null;
  /** When the run ended (record) or the hour it published in (metrics). */
  time: string;
  outcome: RunOutcome;
  restoreSeconds: number | null;
  dataLagSeconds: number | null;
  from: 'record' | 'metrics';
}

export interface FailureEntry {
  runId: string | null;
  time: string;
  outcome: 'failed' | 'swept';
  reason: string;
  /** `name: message` of each failed check. */
  failedChecks: string[];
  from: 'record' | 'metrics';
}

export interface Gap {
  from: string;
  to: string;
  seconds: number;
  /** True when the gap runs until now (the store is stale). */
  open: boolean;
}

export interface MeasureSummary {
  /** The objective the measurement is judged against, seconds; null when the plan sets none. */
  objectiveSeconds: number | null;
  measured: number;
  maxSeconds: number | null;
  /** Of the last run that measured it. */
  latestSeconds: number | null;
  overObjective: number;
}

export type VerdictStatus = 'pass' | 'warn' | 'fail' | 'unverified';

export interface Verdict {
  status: VerdictStatus;
  /** One line: `PASS: 89/90 runs passed; ...`. */
  line: string;
  /** Why it is not a pass (fail reasons first). */
  reasons: string[];
}

export interface ObjectivesView {
  rpo: Record<FailureScope, number | null>;
  rto: Record<FailureScope, number | null>;
  /** What a measured restore is judged against (the plan's restore-time alarm). */
  restoreSeconds: number | null;
  /** What the measured data lag is judged against (the plan's data-lag alarm). */
  dataLagSeconds: number | null;
  /** Verification schedule interval, and the longest allowed time without a success (the staleness alarm). */
  scheduleSeconds: number | null;
  allowedGapSeconds: number | null;
}

export interface ReplicaView {
  days: number;
  sampled: number;
  missing: number;
  mismatched: number;
  failedRuns: number;
  /** Days with a missing or mismatched object, newest first (at most LAST_FAILURES). */
  badDays: { date: string; missing: number; mismatched: number }[];
  /** End of the newest summarized day. */
  latest: string;
  /** The newest summarized day found a missing or mismatched object. */
  lastDayBad: boolean;
  /** The newest summarized day, when every check run of it failed to read the buckets (nothing was compared); else null. */
  lastDayUnchecked: { date: string; runs: number } | null;
}

export interface BackupAgeView {
  days: number;
  regions: {
    region: string;
    maxBackupAgeSeconds: number | null;
    /** Threshold of the plan's backup-age alarm in this region; null when it has none. */
    backupAgeAlarmSeconds: number | null;
    maxRestorableLagSeconds: number | null;
    /** Threshold of the plan's restorable-lag alarm in this region; null when it has none. */
    restorableLagAlarmSeconds: number | null;
    errors: number;
  }[];
  latest: string | null;
}

export interface StoreReport {
  id: string;
  kind: 'database' | 'bucket';
  /** `postgres`, ... for databases; `s3` for buckets. */
  engine: string;
  objectives: ObjectivesView;
  verified: boolean;
  runs: { total: number; succeeded: number; failed: number; swept: number; fromMetrics: number; lastSuccess: string | null };
  series: RunPoint[];
  restore: MeasureSummary;
  dataLag: MeasureSummary;
  lastFailures: FailureEntry[];
  gaps: Gap[];
  replica: ReplicaView | null;
  backupAge: BackupAgeView | null;
  unreadable: number;
  overwritten: number;
  verdict: Verdict;
}

export interface ReportModel {
  reportVersion: typeof REPORT_VERSION;
  name: string;
  environment: string;
  generatedAt: string;
  window: { since: string; until: string };
  source: string;
  metricsRead: boolean;
  stores: StoreReport[];
  unreadable: UnreadableRecord[];
  overwritten: OverwrittenRecord[];
  /** Stores whose verdict fails, sorted. */
  failing: string[];
}

const SCOPES: readonly FailureScope[] = ['az', 'region', 'corruption'];

function alarm(store: StorePlan, id: string): AlarmPlan | undefined {
  return store.alarms.find((candidate) => candidate.id === id);
}

/** What a store is judged against (objectives, alarm thresholds, the allowed time without a successful verification). */
export function objectivesOf(store: StorePlan): ObjectivesView {
  const rpo = {} as Record<FailureScope, number | null>;
  const rto = {} as Record<FailureScope, number | null>;
  for (const scope of SCOPES) {
    rpo[scope] = store.scopes[scope].objective.rpo?.seconds ?? null;
    rto[scope] = store.scopes[scope].objective.rto?.seconds ?? null;
  }
  const verification = store.kind === 'database' ? store.verification : null;
  const stale = alarm(store, 'verification-stale');
  return {
    rpo,
    rto,
    restoreSeconds: alarm(store, 'restore-time')?.threshold ?? null,
    dataLagSeconds: alarm(store, 'data-lag')?.threshold ?? null,
    scheduleSeconds: verification?.interval.seconds ?? null,
    allowedGapSeconds: verification ? (stale ? stale.periodSeconds * stale.evaluationPeriods : 2 * verification.interval.seconds) : null,
  };
}

function byTime<T extends { time: string }>(a: T, b: T): number {
  return a.time < b.time ? -1 : a.time > b.time ? 1 : 0;
}

/** Runs of a store from records, plus the CloudWatch hours no record covers. */
function runPoints(records: readonly VerificationRunRecord[], metrics: readonly MetricHour[]): RunPoint[] {
  const points: RunPoint[] = records.map((record) => ({
    runId: record.runId,
    time: record.endedAt,
    outcome: record.outcome,
    restoreSeconds: record.restoreSeconds,
    dataLagSeconds: record.dataLagSeconds,
    from: 'record',
  }));
  const ended = records.map((record) => Date.parse(record.endedAt));
  for (const hour of metrics) {
    if (hour.succeeded === null && hour.restoreSeconds === null && hour.dataLagSeconds === null) continue;
    const start = Date.parse(hour.time);
    const end = start + 3_600_000 + METRIC_MATCH_SLACK_SECONDS * 1000;
    if (ended.some((time) => time >= start && time < end)) continue;
    points.push({
      runId: null,
      time: hour.time,
      // A run publishes RestoreSeconds only after it restored; without VerificationSucceeded the hour is not judged.
      outcome: hour.succeeded === null ? (hour.restoreSeconds !== null ? 'succeeded' : 'failed') : hour.succeeded >= 1 ? 'succeeded' : 'failed',
      restoreSeconds: hour.restoreSeconds,
      dataLagSeconds: hour.dataLagSeconds,
      from: 'metrics',
    });
  }
  return points.sort((a, b) => byTime(a, b) || ((a.runId ?? '') < (b.runId ?? '') ? -1 : (a.runId ?? '') > (b.runId ?? '') ? 1 : 0));
}

function measure(points: readonly RunPoint[], pick: (point: RunPoint) => number | null, objective: number | null): MeasureSummary {
  const values = points.map(pick).filter((value): value is number => value !== null);
  return {
    objectiveSeconds: objective,
    measured: values.length,
    maxSeconds: values.length > 0 ? Math.max(...values) : null,
    latestSeconds: values.length > 0 ? values[values.length - 1] : null,
    overObjective: objective === null ? 0 : values.filter((value) => value > objective).length,
  };
}

function gapsOf(successes: readonly number[], since: number, now: number, allowedSeconds: number): Gap[] {
  const gaps: Gap[] = [];
  const allowed = allowedSeconds * 1000;
  let previous = since;
  for (const time of [...successes, now]) {
    if (time - previous > allowed) {
      gaps.push({ from: iso(previous), to: iso(time), seconds: Math.round((time - previous) / 1000), open: time === now });
    }
    previous = Math.max(previous, time);
  }
  return gaps;
}

function failuresOf(records: readonly VerificationRunRecord[], points: readonly RunPoint[]): FailureEntry[] {
  const entries: FailureEntry[] = [];
  for (const record of records) {
    if (record.outcome === 'succeeded') continue;
    entries.push({
      runId: record.runId,
      time: record.endedAt,
      outcome: record.outcome,
      reason: record.reason ?? record.outcome,
      failedChecks: record.checks.filter((check) => check.result === 'failed').map((check) => `${check.name}: ${check.message}`),
      from: 'record',
    });
  }
  for (const point of points) {
    if (point.from === 'metrics' && point.outcome !== 'succeeded') {
      entries.push({ runId: null, time: point.time, outcome: 'failed', reason: 'VerificationSucceeded was 0 in this hour (CloudWatch; no evidence record)', failedChecks: [], from: 'metrics' });
    }
  }
  return entries.sort((a, b) => -byTime(a, b)).slice(0, LAST_FAILURES);
}

function replicaView(records: readonly ReplicaCheckSummaryRecord[]): ReplicaView | null {
  if (records.length === 0) return null;
  const sorted = [...records].sort((a, b) => (a.period.start < b.period.start ? -1 : a.period.start > b.period.start ? 1 : 0));
  return {
    days: sorted.length,
    sampled: sum(sorted.map((r) => r.sampled)),
    missing: sum(sorted.map((r) => r.missing)),
    mismatched: sum(sorted.map((r) => r.mismatched)),
    failedRuns: sum(sorted.map((r) => r.failedRuns)),
    badDays: sorted
      .filter((r) => r.missing > 0 || r.mismatched > 0)
      .reverse()
      .slice(0, LAST_FAILURES)
      .map((r) => ({ date: r.period.start.slice(0, 10), missing: r.missing, mismatched: r.mismatched })),
    latest: sorted[sorted.length - 1].period.end,
    lastDayBad: sorted[sorted.length - 1].missing > 0 || sorted[sorted.length - 1].mismatched > 0,
    lastDayUnchecked: uncheckedDay(sorted[sorted.length - 1]),
  };
}

/** A day whose every replica-check run failed proves nothing about the replica, however few objects were missing. */
function uncheckedDay(record: ReplicaCheckSummaryRecord): ReplicaView['lastDayUnchecked'] {
  return record.runs > 0 && record.failedRuns >= record.runs ? { date: record.period.start.slice(0, 10), runs: record.runs } : null;
}

function backupAgeView(store: StorePlan, records: readonly BackupAgeSummaryRecord[]): BackupAgeView | null {
  if (records.length === 0) return null;
  const regions = new Map<string, { age: number | null; lag: number | null; errors: number }>();
  for (const record of records) {
    for (const region of record.regions) {
      const seen = regions.get(region.region) ?? { age: null, lag: null, errors: 0 };
      seen.age = maxNullable(seen.age, region.maxBackupAgeSeconds);
      seen.lag = maxNullable(seen.lag, region.maxRestorableLagSeconds);
      seen.errors += region.errors;
      regions.set(region.region, seen);
    }
  }
  const latest = records.map((r) => r.period.end).sort()[records.length - 1];
  return {
    days: records.length,
    regions: [...regions.keys()].sort().map((region) => {
      const seen = regions.get(region)!;
      // The plan's probe alarms of this region (dimension Region), one threshold per metric.
      const threshold = (metricName: string) => {
        const found = store.alarms.filter((a) => a.dimensions.Region === region && a.metricName === metricName).map((a) => a.threshold);
        return found.length > 0 ? Math.min(...found) : null;
      };
      return {
        region,
        maxBackupAgeSeconds: seen.age,
        backupAgeAlarmSeconds: threshold('BackupAgeSeconds'),
        maxRestorableLagSeconds: seen.lag,
        restorableLagAlarmSeconds: threshold('RestorableLagSeconds'),
        errors: seen.errors,
      };
    }),
    latest,
  };
}

function maxNullable(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function ofObjective(summary: MeasureSummary): string {
  if (summary.maxSeconds === null) return 'not measured';
  const max = formatSeconds(summary.maxSeconds);
  return summary.objectiveSeconds === null ? `max ${max} (no objective)` : `max ${max} of ${formatSeconds(summary.objectiveSeconds)}`;
}

/** The reasons behind a store's verdict, split: what fails it, what only warns, and the one-line summary. */
export interface VerdictReasons {
  fail: string[];
  warn: string[];
  summary: string;
}

function databaseVerdict(report: Omit<StoreReport, 'verdict'>, since: string): Verdict {
  const reasons = databaseVerdictReasons(report, since);
  return verdictOf(reasons.fail, reasons.warn, reasons.summary);
}

/** How a verified database is judged (`lifeboat status` judges its last verification the same way). */
export function databaseVerdictReasons(report: Omit<StoreReport, 'verdict'>, since: string): VerdictReasons {
  const fail: string[] = [];
  const warn: string[] = [];
  const { runs, objectives } = report;
  const last = report.series[report.series.length - 1];
  if (runs.total === 0) fail.push(`no verification run since ${formatTime(since)}`);
  else if (runs.succeeded === 0) fail.push(`no successful verification since ${formatTime(since)}`);
  else if (last && last.outcome !== 'succeeded') {
    const failure = report.lastFailures[0];
    fail.push(`the last run ${last.outcome === 'swept' ? 'was swept' : 'failed'} (${formatTime(last.time)}${failure ? `: ${failure.reason}` : ''})`);
  }
  const open = report.gaps.find((gap) => gap.open);
  if (open && runs.succeeded > 0) fail.push(`no successful verification for ${formatSeconds(open.seconds)} (allowed ${formatSeconds(objectives.allowedGapSeconds ?? 0)})`);
  const lastSuccess = [...report.series].reverse().find((point) => point.outcome === 'succeeded');
  if (lastSuccess && objectives.restoreSeconds !== null && lastSuccess.restoreSeconds !== null && lastSuccess.restoreSeconds > objectives.restoreSeconds) {
    fail.push(`the last restore took ${formatSeconds(lastSuccess.restoreSeconds)}, over the ${formatSeconds(objectives.restoreSeconds)} objective`);
  }
  if (lastSuccess && objectives.dataLagSeconds !== null && lastSuccess.dataLagSeconds !== null && lastSuccess.dataLagSeconds > objectives.dataLagSeconds) {
    fail.push(`the last data lag was ${formatSeconds(lastSuccess.dataLagSeconds)}, over the ${formatSeconds(objectives.dataLagSeconds)} objective`);
  }
  const failedRuns = runs.failed + runs.swept;
  if (failedRuns > 0 && !(last && last.outcome !== 'succeeded' && failedRuns === 1)) {
    const kinds = [runs.failed > 0 ? plural(runs.failed, 'failed run') : '', runs.swept > 0 ? plural(runs.swept, 'swept run') : ''].filter(Boolean);
    warn.push(`${kinds.join(' and ')} in the window`);
  }
  const closed = report.gaps.filter((gap) => !gap.open);
  if (closed.length > 0) warn.push(`${plural(closed.length, 'gap')} without a successful verification (longest ${formatSeconds(Math.max(...closed.map((g) => g.seconds)))})`);
  if (report.restore.overObjective > 0) warn.push(`${plural(report.restore.overObjective, 'restore')} over the restore objective`);
  if (report.dataLag.overObjective > 0) warn.push(`${plural(report.dataLag.overObjective, 'run')} over the data-lag objective`);
  if (runs.fromMetrics > 0) warn.push(`${plural(runs.fromMetrics, 'run')} known only from CloudWatch (no evidence record)`);
  if (report.unreadable > 0) warn.push(`${plural(report.unreadable, 'unreadable record')}`);
  if (report.overwritten > 0) warn.push(`${plural(report.overwritten, 'record')} overwritten or deleted after writing (the original is used)`);
  if (report.backupAge) {
    for (const region of report.backupAge.regions) {
      if (region.backupAgeAlarmSeconds !== null && region.maxBackupAgeSeconds !== null && region.maxBackupAgeSeconds > region.backupAgeAlarmSeconds) {
        warn.push(`backup age in ${region.region} reached ${formatSeconds(region.maxBackupAgeSeconds)} (alarm at ${formatSeconds(region.backupAgeAlarmSeconds)})`);
      }
      if (region.restorableLagAlarmSeconds !== null && region.maxRestorableLagSeconds !== null && region.maxRestorableLagSeconds > region.restorableLagAlarmSeconds) {
        warn.push(`restorable lag in ${region.region} reached ${formatSeconds(region.maxRestorableLagSeconds)} (alarm at ${formatSeconds(region.restorableLagAlarmSeconds)})`);
      }
    }
  }
  const summary = `${runs.succeeded}/${runs.total} runs passed; restore ${ofObjective(report.restore)}; data lag ${ofObjective(report.dataLag)}${report.gaps.length === 0 ? '; no gaps' : ''}`;
  return { fail, warn, summary };
}

function verdictOf(fail: string[], warn: string[], summary: string): Verdict {
  if (fail.length > 0) return { status: 'fail', line: `FAIL: ${fail.join('; ')}`, reasons: [...fail, ...warn] };
  if (warn.length > 0) return { status: 'warn', line: `PASS with warnings: ${summary}; ${warn.join('; ')}`, reasons: warn };
  return { status: 'pass', line: `PASS: ${summary}`, reasons: [] };
}

function bucketVerdict(report: Omit<StoreReport, 'verdict'>, since: string, now: number): Verdict {
  const reasons = bucketVerdictReasons(report, since, now);
  return verdictOf(reasons.fail, reasons.warn, reasons.summary);
}

/** How a bucket's replica-check evidence is judged (`lifeboat status` judges it the same way). */
export function bucketVerdictReasons(report: Omit<StoreReport, 'verdict'>, since: string, now: number): VerdictReasons {
  const replica = report.replica;
  if (!replica) return { fail: [`no replica-check evidence since ${formatTime(since)}`], warn: [], summary: '' };
  const fail: string[] = [];
  const warn: string[] = [];
  const latestBad = replica.badDays[0];
  if (now - Date.parse(replica.latest) > SUMMARY_STALE_SECONDS * 1000) fail.push(`no replica-check summary since ${formatTime(replica.latest)}`);
  if (replica.lastDayBad && latestBad) {
    fail.push(`the last day (${latestBad.date}) found ${plural(latestBad.missing, 'missing replica')} and ${plural(latestBad.mismatched, 'mismatched object')}`);
  } else if (replica.badDays.length > 0) {
    warn.push(`${plural(replica.badDays.length, 'day')} with missing or mismatched replicas`);
  }
  if (replica.lastDayUnchecked) {
    fail.push(`the last day (${replica.lastDayUnchecked.date}) checked nothing: all ${plural(replica.lastDayUnchecked.runs, 'check run')} could not read the bucket`);
  } else if (replica.failedRuns > 0) {
    warn.push(`${plural(replica.failedRuns, 'check run')} could not read the bucket`);
  }
  if (report.unreadable > 0) warn.push(`${plural(report.unreadable, 'unreadable record')}`);
  if (report.overwritten > 0) warn.push(`${plural(report.overwritten, 'record')} overwritten or deleted after writing (the original is used)`);
  return { fail, warn, summary: `${plural(replica.days, 'day')} checked; ${replica.sampled} objects sampled, ${replica.missing} missing, ${replica.mismatched} mismatched` };
}

/** Builds the report. Records outside `[since, now]` and of other stores than `store` are left out. */
export function buildReport(input: ReportInput): ReportModel {
  const since = input.since.getTime();
  const now = input.now.getTime();
  const inWindow = (time: string) => {
    const ms = Date.parse(time);
    return ms >= since && ms <= now;
  };
  const stores = input.plan.stores
    .filter((store) => input.store === undefined || store.id === input.store)
    .slice()
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const sinceDay = iso(since).slice(0, 10);
  const unreadable = input.unreadable
    .filter((entry) => entry.date === null || (entry.date >= sinceDay && entry.date <= iso(now).slice(0, 10)))
    .sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  const overwritten = [...(input.overwritten ?? [])].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const reports = stores.map((store): StoreReport => {
    const own = input.records.filter((record) => record.store === store.id);
    const runs = own
      .filter((record): record is VerificationRunRecord => record.kind === 'verification-run' && inWindow(record.endedAt))
      .sort((a, b) => (a.endedAt < b.endedAt ? -1 : a.endedAt > b.endedAt ? 1 : a.runId < b.runId ? -1 : 1));
    const summaryInWindow = (record: { period: { start: string; end: string } }) => Date.parse(record.period.end) > since && Date.parse(record.period.start) <= now;
    const replicas = own.filter((record): record is ReplicaCheckSummaryRecord => record.kind === 'replica-check' && summaryInWindow(record));
    const ages = own.filter((record): record is BackupAgeSummaryRecord => record.kind === 'backup-age' && summaryInWindow(record));
    const metrics = input.metrics.filter((hour) => hour.store === store.id && inWindow(hour.time));
    const objectives = objectivesOf(store);
    const verified = store.kind === 'database' && store.verification !== null;
    const series = verified ? runPoints(runs, metrics) : [];
    const successes = series.filter((point) => point.outcome === 'succeeded').map((point) => Date.parse(point.time));
    const partial: Omit<StoreReport, 'verdict'> = {
      id: store.id,
      kind: store.kind,
      engine: store.kind === 'database' ? store.engine : 's3',
      objectives,
      verified,
      runs: {
        total: series.length,
        succeeded: successes.length,
        failed: series.filter((point) => point.outcome === 'failed').length,
        swept: series.filter((point) => point.outcome === 'swept').length,
        fromMetrics: series.filter((point) => point.from === 'metrics').length,
        lastSuccess: successes.length > 0 ? iso(successes[successes.length - 1]) : null,
      },
      series,
      restore: measure(series, (point) => point.restoreSeconds, objectives.restoreSeconds),
      dataLag: measure(series, (point) => point.dataLagSeconds, objectives.dataLagSeconds),
      lastFailures: verified ? failuresOf(runs, series) : [],
      gaps: verified && objectives.allowedGapSeconds !== null ? gapsOf(successes, since, now, objectives.allowedGapSeconds) : [],
      replica: store.kind === 'bucket' ? replicaView(replicas) : null,
      backupAge: store.kind === 'database' ? backupAgeView(store, ages) : null,
      unreadable: unreadable.filter((entry) => entry.store === store.id).length,
      overwritten: overwritten.filter((entry) => entry.store === store.id).length,
    };
    const sinceIso = iso(since);
    let verdict: Verdict;
    if (store.kind === 'bucket') verdict = bucketVerdict(partial, sinceIso, now);
    else if (!verified) verdict = { status: 'unverified', line: 'NOT VERIFIED: the plan has no verification for this database; restores are never proven', reasons: ['no verification configured'] };
    else verdict = databaseVerdict(partial, sinceIso);
    return { ...partial, verdict };
  });
  return {
    reportVersion: REPORT_VERSION,
    name: input.plan.name,
    environment: input.plan.environment,
    generatedAt: iso(now),
    window: { since: iso(since), until: iso(now) },
    source: input.source,
    metricsRead: input.metricsRead,
    stores: reports,
    unreadable,
    overwritten,
    failing: reports.filter((report) => report.verdict.status === 'fail').map((report) => report.id),
  };
}
