/**
 * The last verification of each database and the replica checks of each bucket, as `lifeboat status` reports them:
 * read from the evidence records (the tamper-evident record every run writes, read with the report's reader),
 * compared with the CloudWatch metrics the alarms watch, and judged as `lifeboat report` judges them. Evidence that
 * cannot be read, cannot be parsed, was overwritten, or disagrees with CloudWatch is a problem, never "fine".
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { S3Client } from '@aws-sdk/client-s3';
import { evidenceKey, type EvidenceRecord, type ReplicaCheckSummaryRecord, type VerificationRunRecord } from '../evidence/record';
import { planEvidence } from '../plan/evidence';
import type { BackupPlan, BucketStorePlan, DatabaseStorePlan, FailureScope, StorePlan } from '../plan/types';
import { formatSeconds, formatTime, plural } from '../report/format';
import {
  bucketVerdictReasons,
  buildReport,
  databaseVerdictReasons,
  METRIC_MATCH_SLACK_SECONDS,
  objectivesOf,
  SUMMARY_STALE_SECONDS,
  type MetricHour,
  type StoreReport,
} from '../report/model';
import { readRecordsFromBucket, readVerificationMetrics, type LoadedRecords } from '../report/sources';

export interface VerificationStatus {
  region: string;
  /** The scope the verification restore measures (a DR-region restore measures the region scope). */
  scope: FailureScope;
  /**
   * Where the last run is known from: `evidence` (its record in the evidence bucket), `metrics` (CloudWatch alone:
   * no readable record of it), `none` (no run within the window).
   */
  source: 'evidence' | 'metrics' | 'none';
  /** When the last run ended (a run known only from CloudWatch: the hour it published in); null: none in the window. */
  lastRunAt: string | null;
  /** Run id and object key of its evidence record (null when known only from CloudWatch). */
  runId: string | null;
  evidenceKey: string | null;
  outcome: 'succeeded' | 'failed' | 'swept' | null;
  succeeded: boolean | null;
  /** Why it failed or was swept. */
  reason: string | null;
  restoreSeconds: number | null;
  dataLagSeconds: number | null;
  lastSuccessAt: string | null;
  /** Longest time allowed without a successful run (the staleness alarm), and the window read (twice that). */
  allowedGapSeconds: number;
  windowSeconds: number;
  /** What CloudWatch holds for the hour of the last run, compared with its record. */
  metrics: { hour: string; succeeded: number | null; restoreSeconds: number | null; dataLagSeconds: number | null } | null;
  problems: string[];
}

/** Where the evidence records were read: the evidence bucket, else its replica in the primary region. */
export interface EvidenceSource {
  bucket: string;
  region: string;
  /** What was read: `bucket`, `replica` (the bucket could not be read), or `none` (neither could). */
  read: 'bucket' | 'replica' | 'none';
  /** Why a copy could not be read. */
  errors: string[];
  /** Records that could not be parsed or were filed wrongly, and keys written more than once. */
  unreadable: { source: string; store: string | null; problems: string[] }[];
  overwritten: { key: string; store: string | null; versions: number; deleted: boolean }[];
  /** The evidence bucket's own alarms (replication to its replica) in ALARM. */
  alarms: { name: string; region: string; state: string }[];
}

/** Everything read once for a status run: the records of the selected stores, and their verification metrics. */
export interface StatusEvidence {
  source: EvidenceSource;
  loaded: LoadedRecords;
  metrics: MetricHour[];
  now: Date;
  /** The records and metric hours of each store (grouped once: status may cover thousands of stores). */
  recordsOf: Map<string, EvidenceRecord[]>;
  metricsOf: Map<string, MetricHour[]>;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

const HOUR_MS = 3_600_000;
/** Records (and unreadable entries) shown per store before "and N more". */
const LISTED = 3;

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}

/**
 * How far back a store's evidence is read: twice the time a database may go without a successful verification
 * (so the last run before a gap is still found), twice the age at which a bucket's daily replica-check summary is
 * stale; null for a database without verification.
 */
export function evidenceWindowSeconds(store: StorePlan): number | null {
  if (store.kind === 'bucket') return 2 * SUMMARY_STALE_SECONDS;
  const allowed = objectivesOf(store).allowedGapSeconds;
  return allowed === null ? null : 2 * allowed;
}

/**
 * Reads the evidence of `stores` from the plan's evidence bucket, or from its replica in the primary region when the
 * bucket cannot be read (the DR region is down, or access is denied there), and their verification metrics.
 */
export async function loadStatusEvidence(
  plan: BackupPlan,
  stores: readonly StorePlan[],
  clients: { s3(region: string): S3Client; cloudwatch(region: string): CloudWatchClient },
  now: Date,
): Promise<StatusEvidence> {
  // Plans written before they carried the evidence bucket get the same decisions from planEvidence.
  const evidence = plan.evidence ?? planEvidence(plan);
  const windows = stores.map(evidenceWindowSeconds).filter((seconds): seconds is number => seconds !== null);
  const source: EvidenceSource = { bucket: evidence.bucketName, region: evidence.region, read: 'none', errors: [], unreadable: [], overwritten: [], alarms: [] };
  let loaded: LoadedRecords = { records: [], unreadable: [], overwritten: [] };
  if (windows.length === 0) return { source, loaded, metrics: [], now, recordsOf: new Map(), metricsOf: new Map() };
  const since = new Date(now.getTime() - Math.max(...windows) * 1000);
  const copies = [
    { bucket: evidence.bucketName, region: evidence.region, read: 'bucket' as const },
    { bucket: evidence.replicaBucketName, region: evidence.replicaRegion, read: 'replica' as const },
  ];
  for (const copy of copies) {
    try {
      loaded = await readRecordsFromBucket(clients.s3(copy.region), { bucket: copy.bucket, since, ...(stores.length === 1 ? { store: stores[0].id } : {}) });
      Object.assign(source, { bucket: copy.bucket, region: copy.region, read: copy.read });
      break;
    } catch (error) {
      source.errors.push(`s3://${copy.bucket} (${copy.region}): ${messageOf(error)}`);
    }
  }
  const selected = new Set(stores.map((store) => store.id));
  source.unreadable = loaded.unreadable.filter((entry) => entry.store === null || selected.has(entry.store)).map(({ source: key, store, problems }) => ({ source: key, store, problems }));
  source.overwritten = loaded.overwritten.filter((entry) => entry.store === null || selected.has(entry.store));
  const verified = stores.flatMap((store) => (store.kind === 'database' && store.verification ? [{ id: store.id, region: store.verification.region }] : []));
  const metrics = verified.length > 0 ? await readVerificationMetrics(clients.cloudwatch, verified, { since, now }) : [];
  return { source, loaded, metrics, now, recordsOf: groupBy(loaded.records, (record) => record.store), metricsOf: groupBy(metrics, (hour) => hour.store) };
}

/** The report's view of one store over its status window, from the records and metrics already read. */
function storeReport(plan: BackupPlan, store: StorePlan, evidence: StatusEvidence, windowSeconds: number): { report: StoreReport; since: Date } {
  const since = new Date(evidence.now.getTime() - windowSeconds * 1000);
  const model = buildReport({
    plan,
    records: evidence.recordsOf.get(store.id) ?? [],
    metrics: evidence.metricsOf.get(store.id) ?? [],
    unreadable: evidence.loaded.unreadable.filter((entry) => entry.store === store.id),
    overwritten: evidence.loaded.overwritten.filter((entry) => entry.store === store.id),
    source: `s3://${evidence.source.bucket}`,
    metricsRead: store.kind === 'database',
    now: evidence.now,
    since,
    store: store.id,
  });
  return { report: model.stores[0] as StoreReport, since };
}

/** What makes the evidence itself untrustworthy for this store: unread bucket, unparsable or overwritten records. */
function evidenceProblems(store: StorePlan, evidence: StatusEvidence, what: string): string[] {
  const problems: string[] = [];
  const { source } = evidence;
  if (source.read === 'none') problems.push(`the evidence bucket cannot be read (${source.errors.join('; ')}): ${what}`);
  else if (source.read === 'replica') problems.push(`the evidence bucket cannot be read (${source.errors.join('; ')}); its replica s3://${source.bucket} (${source.region}) was read instead`);
  const unreadable = source.unreadable.filter((entry) => entry.store === store.id);
  for (const entry of unreadable.slice(0, LISTED)) problems.push(`evidence record ${entry.source} cannot be used: ${entry.problems.join('; ')}`);
  if (unreadable.length > LISTED) problems.push(`and ${plural(unreadable.length - LISTED, 'more evidence record')} that cannot be used`);
  const overwritten = source.overwritten.filter((entry) => entry.store === store.id);
  for (const entry of overwritten.slice(0, LISTED)) {
    problems.push(`evidence record ${entry.key} was changed after it was written (${plural(entry.versions, 'version')}${entry.deleted ? ' and a delete marker' : ''}; the original is used)`);
  }
  if (overwritten.length > LISTED) problems.push(`and ${plural(overwritten.length - LISTED, 'more evidence record')} changed after writing`);
  return problems;
}

/** The CloudWatch hour a run's record covers: the hour it ended in, or the one before when it ended just after. */
function metricHourOf(record: VerificationRunRecord, metrics: readonly MetricHour[]): MetricHour | undefined {
  const ended = Date.parse(record.endedAt);
  return metrics
    .filter((hour) => hour.store === record.store && hour.succeeded !== null)
    .filter((hour) => ended >= Date.parse(hour.time) && ended < Date.parse(hour.time) + HOUR_MS + METRIC_MATCH_SLACK_SECONDS * 1000)
    .sort((a, b) => (a.time < b.time ? 1 : -1))[0];
}

/** Where the record and the metrics of the same run differ (the metrics are what the alarms judge). */
function disagreements(record: VerificationRunRecord, hour: MetricHour | undefined): string[] {
  const run = `the last run ${record.runId} (ended ${formatTime(record.endedAt)})`;
  if (!hour) return [`CloudWatch has no VerificationSucceeded for ${run}, which its evidence record shows ${record.outcome}: the verification alarms do not see it`];
  const problems: string[] = [];
  // Runs of a store are serialized; the hour's Minimum/Maximum are this run's unless two runs ended in one hour.
  if ((hour.succeeded as number) >= 1 !== (record.outcome === 'succeeded')) {
    problems.push(`the evidence and CloudWatch disagree about ${run}: its record says ${record.outcome}, VerificationSucceeded was ${hour.succeeded} in the hour of ${formatTime(hour.time)}`);
  }
  for (const [field, label] of [['restoreSeconds', 'restore time'], ['dataLagSeconds', 'data lag']] as const) {
    const recorded = record[field];
    const published = hour[field];
    if (recorded !== null && published !== null && Math.abs(recorded - published) > 1) {
      problems.push(`the evidence and CloudWatch disagree about ${run}: its record measured a ${label} of ${formatSeconds(recorded)}, CloudWatch ${formatSeconds(published)}`);
    }
  }
  return problems;
}

/** The last verification of a database, from its evidence record (CloudWatch where there is none), judged. */
export function verificationStatus(plan: BackupPlan, store: DatabaseStorePlan, evidence: StatusEvidence): VerificationStatus | null {
  const verification = store.verification;
  const windowSeconds = evidenceWindowSeconds(store);
  if (!verification || windowSeconds === null) return null;
  const { report, since } = storeReport(plan, store, evidence, windowSeconds);
  const problems = evidenceProblems(store, evidence, 'the last verification is known from CloudWatch alone, without its record');
  problems.push(...databaseVerdictReasons(report, since.toISOString()).fail);
  if (evidence.source.read !== 'none' && report.runs.fromMetrics > 0) {
    const runs = report.runs.fromMetrics;
    problems.push(`${plural(runs, 'run')} in the last ${formatSeconds(windowSeconds)} ${runs === 1 ? 'is' : 'are'} known only from CloudWatch: no readable evidence record of ${runs === 1 ? 'it' : 'them'}`);
  }
  const last = report.series[report.series.length - 1];
  const record = last?.runId
    ? (evidence.recordsOf.get(store.id) ?? []).find((candidate): candidate is VerificationRunRecord => candidate.kind === 'verification-run' && candidate.runId === last.runId)
    : undefined;
  const hour = record ? metricHourOf(record, evidence.metricsOf.get(store.id) ?? []) : undefined;
  if (record) problems.push(...disagreements(record, hour));
  const scope: FailureScope = verification.regionRole === 'dr' ? 'region' : 'corruption';
  return {
    region: verification.region,
    scope,
    source: !last ? 'none' : last.from === 'record' ? 'evidence' : 'metrics',
    lastRunAt: last?.time ?? null,
    runId: record?.runId ?? null,
    evidenceKey: record ? evidenceKey(record) : null,
    outcome: last?.outcome ?? null,
    succeeded: last ? last.outcome === 'succeeded' : null,
    reason: record ? record.reason : last && last.outcome !== 'succeeded' ? 'VerificationSucceeded was 0 (CloudWatch; no evidence record)' : null,
    restoreSeconds: last?.restoreSeconds ?? null,
    dataLagSeconds: last?.dataLagSeconds ?? null,
    lastSuccessAt: report.runs.lastSuccess,
    allowedGapSeconds: report.objectives.allowedGapSeconds as number,
    windowSeconds,
    metrics: hour ? { hour: hour.time, succeeded: hour.succeeded, restoreSeconds: hour.restoreSeconds, dataLagSeconds: hour.dataLagSeconds } : null,
    problems: [...new Set(problems)],
  };
}

/** A bucket's replica checks as their daily evidence summaries show them, judged as the report judges them. */
export interface ReplicaEvidenceStatus {
  /** The newest summarized day, and what it found; null: no summary in the window. */
  lastDay: { date: string; sampled: number; missing: number; mismatched: number; failedRuns: number } | null;
  problems: string[];
}

export function replicaEvidenceStatus(plan: BackupPlan, store: BucketStorePlan, evidence: StatusEvidence): ReplicaEvidenceStatus {
  const windowSeconds = evidenceWindowSeconds(store) as number;
  const { report, since } = storeReport(plan, store, evidence, windowSeconds);
  const problems = evidenceProblems(store, evidence, "the replica check's daily results are unproven");
  if (evidence.source.read !== 'none') problems.push(...bucketVerdictReasons(report, since.toISOString(), evidence.now.getTime()).fail);
  const newest = (evidence.recordsOf.get(store.id) ?? [])
    .filter((record): record is ReplicaCheckSummaryRecord => record.kind === 'replica-check')
    .sort((a, b) => (a.period.start < b.period.start ? 1 : -1))[0];
  return {
    lastDay: newest ? { date: newest.period.start.slice(0, 10), sampled: newest.sampled, missing: newest.missing, mismatched: newest.mismatched, failedRuns: newest.failedRuns } : null,
    problems: [...new Set(problems)],
  };
}
