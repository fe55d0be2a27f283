/**
 * Evidence records: one JSON object per verification run, and one daily summary per store from the replica check
 * and the backup-age probe, written once into the Object Lock evidence bucket and read back by `lifeboat report`.
 *
 * Pure (no AWS SDK, no clock): the Lambda handlers build records with these types, serialize them with
 * `serializeEvidence` and store them under `evidenceKey`; the report parses them with `parseEvidence`, which names
 * every problem as `path: message`. A record holds identifiers, times, counts and check verdicts only: never data
 * rows, never credentials.
 *
 * Stability: additive changes only within formatVersion 1 (readers ignore keys they do not know).
 */
import type { CheckResult, CheckSpec } from '../checks/types';
import { canonicalJson } from '../shared/canonical-json';
import { JsonProblems } from '../shared/json-problems';

export const EVIDENCE_FORMAT_VERSION = 1 as const;

export const EVIDENCE_KINDS = ['verification-run', 'replica-check', 'backup-age'] as const;
/** What produced a record: the verify-restore handler, the replica check, or the backup-age probe. */
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const RUN_OUTCOMES = ['succeeded', 'failed', 'swept'] as const;
/**
 * How a verification run ended: `succeeded` (restored, connected, every check passed), `failed` (anything else the
 * run itself observed), `swept` (the run outlived its maximum lifetime and was failed and deleted by the sweep).
 */
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

export const CHECK_VERDICTS = ['passed', 'failed', 'not-run'] as const;
/** `not-run`: the check never ran (no connection, or the run's time ran out before it). */
export type CheckVerdict = (typeof CHECK_VERDICTS)[number];

export const CHECK_TYPES = ['tableExists', 'rowCount', 'freshness', 'sql'] as const satisfies readonly CheckSpec['type'][];

/** Longest string kept from an observed value or a check message (longer ones are cut and end in `…`). */
export const MAX_OBSERVED_CHARS = 256;
export const MAX_MESSAGE_CHARS = 500;

/** The start and end of one step, ISO 8601 UTC; null when the step did not happen or its end was not observed. */
export interface StepTimes {
  startedAt: string | null;
  endedAt: string | null;
}

/**
 * The steps of a verification run, in order:
 * - `restore`: the restore call until RDS reports the restored database usable (the event the `RestoreSeconds`
 *   metric uses); its length is `restoreSeconds`.
 * - `available`: from then until the handler found the instance available with its new password applied.
 * - `checks`: the data checks (connection included).
 * - `delete`: the delete request until the handler saw the resources gone (end null: not waited for).
 */
export interface VerificationSteps {
  restore: StepTimes;
  available: StepTimes;
  checks: StepTimes;
  delete: StepTimes;
}

/** What a check observed: a count, a flag, a short scalar, or the freshness reading. Never rows. */
export type ObservedValue = number | boolean | string | null | { newestRowTime: string; lagSeconds: number };

/** One data check of a run. */
export interface CheckEvidence {
  /** `sql` checks: their name; others `<type>:<table>[.<column>]` (as CheckResult.name). */
  name: string;
  type: CheckSpec['type'];
  /** What it looked at: the table, `table.column` (freshness), or the check's name (sql; the query is not kept). */
  target: string;
  result: CheckVerdict;
  /** null when nothing was observed. */
  observed: ObservedValue;
  /** The check's own sentence (at most MAX_MESSAGE_CHARS). */
  message: string;
  durationMs: number;
}

interface RecordBase {
  formatVersion: typeof EVIDENCE_FORMAT_VERSION;
  kind: EvidenceKind;
  /** Store id from the requirements (a DNS label). */
  store: string;
  /** Region the work happened in (restore region; replica region; probe: the primary region of the store). */
  region: string;
  /** Unique per store: `<store>-<yyyymmddThhmmssZ>` for runs, `<store>-<yyyymmdd>` for daily summaries. */
  runId: string;
  /** Version of the handler that wrote the record (e.g. the package version and bundle hash). */
  handlerVersion: string;
  /** When the record was written, ISO 8601 UTC. */
  recordedAt: string;
}

/** Written by the verify-restore handler when a run ends (success, failure or sweep). */
export interface VerificationRunRecord extends RecordBase {
  kind: 'verification-run';
  engine: string;
  /** The protected database restored from; never modified. */
  source: {
    identifier: string;
    kind: 'instance' | 'cluster';
    /** ARN of the replicated automated backups restored from (DR-region restores of instances); else null. */
    automatedBackupsArn: string | null;
  };
  /** The time the data was restored to (point-in-time restore); null when the run failed before choosing it. */
  targetTime: string | null;
  /** When the run started (the restore call, or the failed attempt) and ended (outcome decided). */
  startedAt: string;
  endedAt: string;
  steps: VerificationSteps;
  /** Measured restore time (actual RTO of a restore), seconds; null when not measured. */
  restoreSeconds: number | null;
  /** Target time minus the newest row of the freshness checks (actual RPO), seconds; null without a freshness result. */
  dataLagSeconds: number | null;
  /** True when a database session could be opened. */
  connected: boolean;
  checks: CheckEvidence[];
  outcome: RunOutcome;
  /** Why the run failed or was swept; null when it succeeded. */
  reason: string | null;
}

/** One day of the replica check for one bucket (summed over the day's runs). */
export interface ReplicaCheckSummaryRecord extends RecordBase {
  kind: 'replica-check';
  /** The UTC day summarized: `[start, end)`. */
  period: { start: string; end: string };
  /** Runs of the check that day, and how many could not check the bucket at all. */
  runs: number;
  failedRuns: number;
  /** Objects compared, objects whose replica is absent, failed or late, and objects whose content differs. */
  sampled: number;
  missing: number;
  mismatched: number;
  /** Compared by size only (no common checksum). */
  sizeOnly: number;
}

/** Largest ages the backup-age probe observed in one region during the day. */
export interface BackupAgeRegion {
  region: string;
  /** Largest `BackupAgeSeconds` (newest usable snapshot or recovery point); null when never read. */
  maxBackupAgeSeconds: number | null;
  /** Largest `RestorableLagSeconds` (now minus the latest restorable time); null when never read. */
  maxRestorableLagSeconds: number | null;
  /** Probe readings that succeeded and that failed. */
  samples: number;
  errors: number;
}

/** One day of the backup-age probe for one database. */
export interface BackupAgeSummaryRecord extends RecordBase {
  kind: 'backup-age';
  period: { start: string; end: string };
  /** Sorted by region. */
  regions: BackupAgeRegion[];
}

export type EvidenceRecord = VerificationRunRecord | ReplicaCheckSummaryRecord | BackupAgeSummaryRecord;

// ------------------------------------------------------------------------------------------------------ key layout

/**
 * Top-level prefix per writer, so each function's IAM role can be allowed `s3:PutObject` on its own prefix only.
 */
export const EVIDENCE_PREFIXES: Readonly<Record<EvidenceKind, string>> = {
  'verification-run': 'verify-restore',
  'replica-check': 'replica-check',
  'backup-age': 'backup-age',
};

const STORE_ID = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*$/;
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/;

/** `verify-restore/*`: the object-key pattern of one writer, for an IAM resource `arn:...:s3:::bucket/<pattern>`. */
export function evidenceKeyPattern(kind: EvidenceKind): string {
  return `${EVIDENCE_PREFIXES[kind]}/*`;
}

/** The UTC date of an ISO time as `[yyyy, mm, dd]`. */
function utcDateParts(iso: string): [string, string, string] {
  const match = ISO_UTC.exec(iso);
  if (!match) throw new RangeError(`not an ISO 8601 UTC time: ${iso}`);
  return [match[1], match[2], match[3]];
}

/** The time a record is filed under: a run's start, a summary's day. */
export function evidenceTime(record: EvidenceRecord): string {
  return record.kind === 'verification-run' ? record.startedAt : record.period.start;
}

/** `<prefix>/<store>/<yyyy>/<mm>/<dd>/<run-id>.json`, dated by the run's start (a summary: its day), UTC. */
export function evidenceKey(record: EvidenceRecord): string {
  return evidenceKeyFor(record.kind, record.store, evidenceTime(record), record.runId);
}

export function evidenceKeyFor(kind: EvidenceKind, store: string, time: string, runId: string): string {
  if (!STORE_ID.test(store)) throw new RangeError(`not a store id: ${JSON.stringify(store)}`);
  if (!RUN_ID.test(runId)) throw new RangeError(`not a run id: ${JSON.stringify(runId)}`);
  const [yyyy, mm, dd] = utcDateParts(time);
  return `${EVIDENCE_PREFIXES[kind]}/${store}/${yyyy}/${mm}/${dd}/${runId}.json`;
}

/** The prefix holding one store's records of one kind (for listing). */
export function evidenceStorePrefix(kind: EvidenceKind, store: string): string {
  return `${EVIDENCE_PREFIXES[kind]}/${store}/`;
}

export interface ParsedEvidenceKey {
  kind: EvidenceKind;
  store: string;
  /** `yyyy-mm-dd`. */
  date: string;
  runId: string;
}

/** Reads a key written by `evidenceKey`; undefined for any other object in the bucket. */
export function parseEvidenceKey(key: string): ParsedEvidenceKey | undefined {
  const parts = key.split('/');
  if (parts.length !== 6) return undefined;
  const [prefix, store, yyyy, mm, dd, file] = parts;
  const kind = EVIDENCE_KINDS.find((candidate) => EVIDENCE_PREFIXES[candidate] === prefix);
  if (!kind || !STORE_ID.test(store) || !/^\d{4}$/.test(yyyy) || !/^\d{2}$/.test(mm) || !/^\d{2}$/.test(dd)) return undefined;
  if (!file.endsWith('.json')) return undefined;
  const runId = file.slice(0, -'.json'.length);
  if (!RUN_ID.test(runId)) return undefined;
  const date = `${yyyy}-${mm}-${dd}`;
  if (!validDate(date)) return undefined;
  return { kind, store, date, runId };
}

function validDate(date: string): boolean {
  const ms = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === date;
}

/** `orders-20261201`: the run id of a daily summary of the UTC day starting at `dayStart`. */
export function summaryRunId(store: string, dayStart: string): string {
  const [yyyy, mm, dd] = utcDateParts(dayStart);
  return `${store}-${yyyy}${mm}${dd}`;
}

/** The UTC day `[start, end)` containing `time`, as ISO strings. */
export function utcDay(time: Date): { start: string; end: string } {
  const start = Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate());
  return { start: new Date(start).toISOString(), end: new Date(start + 86_400_000).toISOString() };
}

// ---------------------------------------------------------------------------------------------- building checks

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function checkTarget(spec: CheckSpec): string {
  switch (spec.type) {
    case 'tableExists':
    case 'rowCount':
      return spec.table;
    case 'freshness':
      return `${spec.table}.${spec.column}`;
    case 'sql':
      return spec.name;
  }
}

/** Keeps a scalar (strings cut to MAX_OBSERVED_CHARS), the freshness reading, or a short JSON text of anything else. */
export function observedValue(observed: unknown): ObservedValue {
  if (observed === undefined || observed === null) return null;
  if (typeof observed === 'number') return Number.isFinite(observed) ? observed : String(observed);
  if (typeof observed === 'boolean') return observed;
  if (typeof observed === 'bigint') return observed.toString();
  if (typeof observed === 'string') return cut(observed, MAX_OBSERVED_CHARS);
  if (typeof observed === 'object') {
    const reading = observed as { newestRowTime?: unknown; lagSeconds?: unknown };
    if (typeof reading.newestRowTime === 'string' && typeof reading.lagSeconds === 'number' && Object.keys(observed).length === 2) {
      return { newestRowTime: reading.newestRowTime, lagSeconds: reading.lagSeconds };
    }
    let text: string | undefined;
    try {
      text = JSON.stringify(observed);
    } catch {
      text = undefined;
    }
    return cut(text ?? String(observed), MAX_OBSERVED_CHARS);
  }
  return cut(String(observed), MAX_OBSERVED_CHARS);
}

/**
 * The evidence of one check from its spec and result (`result` absent: the check never ran, e.g. no connection).
 * Keeps the verdict, the observed value and the message; the SQL of `sql` checks is not kept.
 */
export function checkEvidence(spec: CheckSpec, result: CheckResult | undefined, notRunReason = 'not run'): CheckEvidence {
  if (!result) {
    return {
      name: spec.type === 'sql' ? spec.name : spec.type === 'freshness' ? `${spec.type}:${spec.table}.${spec.column}` : `${spec.type}:${spec.table}`,
      type: spec.type,
      target: checkTarget(spec),
      result: 'not-run',
      observed: null,
      message: cut(notRunReason, MAX_MESSAGE_CHARS),
      durationMs: 0,
    };
  }
  const ran = result.ok || result.durationMs > 0 || result.observed !== undefined;
  return {
    name: result.name,
    type: spec.type,
    target: checkTarget(spec),
    result: result.ok ? 'passed' : ran ? 'failed' : 'not-run',
    observed: observedValue(result.observed),
    message: cut(result.message, MAX_MESSAGE_CHARS),
    durationMs: Math.max(0, Math.round(result.durationMs)),
  };
}

// --------------------------------------------------------------------------------------------------- serializing

/** Keys that lead their object, in this order, so a record reads top-down; every other key is sorted. */
const LEADING_KEYS = ['formatVersion', 'kind', 'store', 'region', 'runId', 'name', 'type', 'target', 'result', 'startedAt', 'endedAt'];

/** Byte-for-byte deterministic JSON: keys in a fixed order however the object was built, two-space indent, newline. */
export function serializeEvidence(record: EvidenceRecord): string {
  return canonicalJson(record, LEADING_KEYS);
}

// ------------------------------------------------------------------------------------------------------ parsing

export type EvidenceParseResult = { ok: true; record: EvidenceRecord } | { ok: false; problems: string[] };

class Problems extends JsonProblems {
  nullableString(value: unknown, path: string): string | null {
    if (value === null) return null;
    if (typeof value !== 'string' || value.length === 0) {
      this.add(path, 'must be a non-empty string or null');
      return null;
    }
    return value;
  }

  time(value: unknown, path: string): string {
    if (typeof value !== 'string' || !isIsoUtc(value)) {
      this.add(path, 'must be an ISO 8601 UTC time such as 2026-12-01T09:30:00Z');
      return '';
    }
    return value;
  }

  nullableTime(value: unknown, path: string): string | null {
    if (value === null) return null;
    if (typeof value !== 'string' || !isIsoUtc(value)) {
      this.add(path, 'must be an ISO 8601 UTC time such as 2026-12-01T09:30:00Z, or null');
      return null;
    }
    return value;
  }

  count(value: unknown, path: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      this.add(path, 'must be a non-negative integer');
      return 0;
    }
    return value;
  }

  nullableSeconds(value: unknown, path: string, allowNegative: boolean): number | null {
    if (value === null) return null;
    if (typeof value !== 'number' || !Number.isFinite(value) || (!allowNegative && value < 0)) {
      this.add(path, `must be a ${allowNegative ? '' : 'non-negative '}number of seconds, or null`);
      return null;
    }
    return value;
  }

  boolean(value: unknown, path: string): boolean {
    if (typeof value !== 'boolean') {
      this.add(path, 'must be true or false');
      return false;
    }
    return value;
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.add(path, `must be one of ${allowed.join(', ')}`);
      return allowed[0];
    }
    return value as T;
  }
}

function isIsoUtc(value: string): boolean {
  const match = ISO_UTC.exec(value);
  if (!match) return false;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return false;
  // Rejects dates that Date.parse rolls over (2026-02-30).
  return new Date(ms).toISOString().slice(0, 19) === value.slice(0, 19);
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

function ordered(problems: Problems, path: string, start: string | null, end: string | null, what: string): void {
  if (start && end && Date.parse(end) < Date.parse(start)) problems.add(path, `must not be before ${what}`);
}

function parseSteps(problems: Problems, value: unknown, path: string): VerificationSteps {
  const object = problems.object(value, path) ?? {};
  const step = (name: keyof VerificationSteps): StepTimes => {
    const stepPath = join(path, name);
    const raw = problems.object(object[name], stepPath);
    if (!raw) return { startedAt: null, endedAt: null };
    const startedAt = problems.nullableTime(raw.startedAt, join(stepPath, 'startedAt'));
    const endedAt = problems.nullableTime(raw.endedAt, join(stepPath, 'endedAt'));
    if (endedAt !== null && raw.startedAt === null) problems.add(join(stepPath, 'endedAt'), 'must be null when startedAt is null');
    ordered(problems, join(stepPath, 'endedAt'), startedAt, endedAt, 'startedAt');
    return { startedAt, endedAt };
  };
  return { restore: step('restore'), available: step('available'), checks: step('checks'), delete: step('delete') };
}

function parseObserved(problems: Problems, value: unknown, path: string): ObservedValue {
  if (value === undefined) {
    problems.add(path, 'is required (null when nothing was observed)');
    return null;
  }
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) problems.add(path, 'must be a finite number');
    return value;
  }
  if (typeof value === 'string') {
    if (value.length > MAX_OBSERVED_CHARS) problems.add(path, `must be at most ${MAX_OBSERVED_CHARS} characters (evidence keeps no data rows)`);
    return value;
  }
  const reading = problems.object(value, path);
  if (!reading) return null;
  const extra = Object.keys(reading).filter((key) => key !== 'newestRowTime' && key !== 'lagSeconds');
  if (extra.length > 0) problems.add(path, `must be a scalar or { newestRowTime, lagSeconds } (found ${extra.sort().join(', ')}): evidence keeps no data rows`);
  const newestRowTime = problems.time(reading.newestRowTime, join(path, 'newestRowTime'));
  const lagSeconds = reading.lagSeconds;
  if (typeof lagSeconds !== 'number' || !Number.isFinite(lagSeconds)) {
    problems.add(join(path, 'lagSeconds'), 'must be a number of seconds');
    return { newestRowTime, lagSeconds: 0 };
  }
  return { newestRowTime, lagSeconds };
}

function parseCheck(problems: Problems, value: unknown, path: string): CheckEvidence {
  const raw = problems.object(value, path) ?? {};
  const name = problems.string(raw.name, join(path, 'name'));
  const type = problems.oneOf(raw.type, join(path, 'type'), CHECK_TYPES);
  const target = problems.string(raw.target, join(path, 'target'));
  const result = problems.oneOf(raw.result, join(path, 'result'), CHECK_VERDICTS);
  const observed = parseObserved(problems, raw.observed, join(path, 'observed'));
  const message = typeof raw.message === 'string' ? raw.message : '';
  if (typeof raw.message !== 'string') problems.add(join(path, 'message'), 'must be a string');
  else if (message.length > MAX_MESSAGE_CHARS) problems.add(join(path, 'message'), `must be at most ${MAX_MESSAGE_CHARS} characters`);
  const durationMs = problems.count(raw.durationMs, join(path, 'durationMs'));
  return { name, type, target, result, observed, message, durationMs };
}

function parseBase(problems: Problems, raw: Record<string, unknown>): Omit<RecordBase, 'kind'> {
  return {
    formatVersion: EVIDENCE_FORMAT_VERSION,
    store: problems.string(raw.store, 'store', STORE_ID, 'must be a store id (lower-case letters, digits and single hyphens, starting with a letter)'),
    region: problems.string(raw.region, 'region', /^[a-z]{2,4}(?:-[a-z]+)+-\d+$/, 'must be an AWS region code such as eu-west-1'),
    runId: problems.string(raw.runId, 'runId', RUN_ID, 'must be 1-128 letters, digits, ., _ or -, starting with a letter or digit'),
    handlerVersion: problems.string(raw.handlerVersion, 'handlerVersion'),
    recordedAt: problems.time(raw.recordedAt, 'recordedAt'),
  };
}

function parsePeriod(problems: Problems, value: unknown): { start: string; end: string } {
  const raw = problems.object(value, 'period') ?? {};
  const start = problems.time(raw.start, 'period.start');
  const end = problems.time(raw.end, 'period.end');
  if (start && end && Date.parse(end) <= Date.parse(start)) problems.add('period.end', 'must be after period.start');
  return { start, end };
}

function parseRun(problems: Problems, raw: Record<string, unknown>): VerificationRunRecord {
  const base = parseBase(problems, raw);
  const sourceRaw = problems.object(raw.source, 'source') ?? {};
  const source = {
    identifier: problems.string(sourceRaw.identifier, 'source.identifier'),
    kind: problems.oneOf(sourceRaw.kind, 'source.kind', ['instance', 'cluster'] as const),
    automatedBackupsArn: problems.nullableString(sourceRaw.automatedBackupsArn, 'source.automatedBackupsArn'),
  };
  const startedAt = problems.time(raw.startedAt, 'startedAt');
  const endedAt = problems.time(raw.endedAt, 'endedAt');
  ordered(problems, 'endedAt', startedAt, endedAt, 'startedAt');
  const checks = problems.array(raw.checks, 'checks').map((check, index) => parseCheck(problems, check, join('checks', index)));
  const outcome = problems.oneOf(raw.outcome, 'outcome', RUN_OUTCOMES);
  const reason = raw.reason === null ? null : typeof raw.reason === 'string' ? raw.reason : undefined;
  if (reason === undefined) problems.add('reason', 'must be a string or null');
  else if (outcome === 'succeeded' && reason !== null) problems.add('reason', 'must be null when outcome is succeeded');
  else if (outcome !== 'succeeded' && !reason) problems.add('reason', `must say why the run ${outcome === 'swept' ? 'was swept' : 'failed'}`);
  const connected = problems.boolean(raw.connected, 'connected');
  if (outcome === 'succeeded') {
    if (!connected) problems.add('connected', 'must be true when outcome is succeeded');
    checks.forEach((check, index) => {
      if (check.result !== 'passed') problems.add(join(join('checks', index), 'result'), 'must be passed when outcome is succeeded');
    });
  }
  return {
    ...base,
    kind: 'verification-run',
    engine: problems.string(raw.engine, 'engine'),
    source,
    targetTime: problems.nullableTime(raw.targetTime, 'targetTime'),
    startedAt,
    endedAt,
    steps: parseSteps(problems, raw.steps, 'steps'),
    restoreSeconds: problems.nullableSeconds(raw.restoreSeconds, 'restoreSeconds', false),
    dataLagSeconds: problems.nullableSeconds(raw.dataLagSeconds, 'dataLagSeconds', true),
    connected,
    checks,
    outcome,
    reason: reason ?? null,
  };
}

function parseReplica(problems: Problems, raw: Record<string, unknown>): ReplicaCheckSummaryRecord {
  const base = parseBase(problems, raw);
  const record: ReplicaCheckSummaryRecord = {
    ...base,
    kind: 'replica-check',
    period: parsePeriod(problems, raw.period),
    runs: problems.count(raw.runs, 'runs'),
    failedRuns: problems.count(raw.failedRuns, 'failedRuns'),
    sampled: problems.count(raw.sampled, 'sampled'),
    missing: problems.count(raw.missing, 'missing'),
    mismatched: problems.count(raw.mismatched, 'mismatched'),
    sizeOnly: problems.count(raw.sizeOnly, 'sizeOnly'),
  };
  if (record.failedRuns > record.runs) problems.add('failedRuns', 'must be at most runs');
  if (record.missing + record.mismatched > record.sampled) problems.add('missing', 'missing + mismatched must be at most sampled');
  if (record.sizeOnly > record.sampled) problems.add('sizeOnly', 'must be at most sampled');
  return record;
}

function parseBackupAge(problems: Problems, raw: Record<string, unknown>): BackupAgeSummaryRecord {
  const base = parseBase(problems, raw);
  const regions = problems.array(raw.regions, 'regions').map((value, index): BackupAgeRegion => {
    const path = join('regions', index);
    const region = problems.object(value, path) ?? {};
    return {
      region: problems.string(region.region, join(path, 'region'), /^[a-z]{2,4}(?:-[a-z]+)+-\d+$/, 'must be an AWS region code such as eu-west-1'),
      maxBackupAgeSeconds: problems.nullableSeconds(region.maxBackupAgeSeconds, join(path, 'maxBackupAgeSeconds'), false),
      maxRestorableLagSeconds: problems.nullableSeconds(region.maxRestorableLagSeconds, join(path, 'maxRestorableLagSeconds'), false),
      samples: problems.count(region.samples, join(path, 'samples')),
      errors: problems.count(region.errors, join(path, 'errors')),
    };
  });
  regions.forEach((region, index) => {
    if (index > 0 && !(regions[index - 1].region < region.region)) problems.add(join(join('regions', index), 'region'), 'regions must be sorted and unique');
  });
  return { ...base, kind: 'backup-age', period: parsePeriod(problems, raw.period), regions };
}

/** Validates a parsed JSON value as an evidence record; every problem at once, each `path: message`. */
export function parseEvidence(value: unknown): EvidenceParseResult {
  const problems = new Problems();
  const raw = problems.object(value, '(record)');
  if (!raw) return { ok: false, problems: problems.problems };
  if (typeof raw.formatVersion === 'number' && Number.isInteger(raw.formatVersion) && raw.formatVersion > EVIDENCE_FORMAT_VERSION) {
    return { ok: false, problems: [`formatVersion: ${raw.formatVersion} is newer than this Lifeboat reads (${EVIDENCE_FORMAT_VERSION}); upgrade Lifeboat`] };
  }
  if (raw.formatVersion !== EVIDENCE_FORMAT_VERSION) problems.add('formatVersion', `must be ${EVIDENCE_FORMAT_VERSION}`);
  if (!(EVIDENCE_KINDS as readonly unknown[]).includes(raw.kind)) {
    problems.add('kind', `must be one of ${EVIDENCE_KINDS.join(', ')}`);
    return { ok: false, problems: problems.problems };
  }
  const kind = raw.kind as EvidenceKind;
  const record = kind === 'verification-run' ? parseRun(problems, raw) : kind === 'replica-check' ? parseReplica(problems, raw) : parseBackupAge(problems, raw);
  return problems.problems.length > 0 ? { ok: false, problems: problems.problems } : { ok: true, record };
}

/** Parses record text (as stored); a JSON syntax error is one problem. */
export function parseEvidenceJson(text: string): EvidenceParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`(record): not valid JSON: ${(error as Error).message}`] };
  }
  return parseEvidence(value);
}
