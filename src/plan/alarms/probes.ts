/**
 * Alarms on the backup-age probe's metrics (`Lifeboat` namespace, dimensions StoreId and Region):
 * `RestorableLagSeconds` (now - latest restorable time) and `BackupAgeSeconds` (newest snapshot or recovery point),
 * in the primary region and, where backups are copied, the DR region. `BackupAgeProbe` renders them.
 *
 * PITR's normal cadence is a saw-tooth. RDS uploads transaction logs every 5 minutes (RDS User Guide, USER_PIT), so
 * the latest restorable time advances in steps: the lag climbs from about 0 to one upload interval plus the upload's
 * own delay, then drops. A probe running every 5 minutes samples that saw-tooth at a fixed phase, so an alarm at
 * exactly the RPO would read "above" on every run whenever the phase sits near the peak, and flap whenever uploads
 * jitter around it. Two rules make these alarms fire on a sustained breach only:
 * - tolerance: a RestorableLagSeconds threshold is the bound (the RPO) plus one upload interval, because PITR by
 *   design may be one interval behind (the catalogue's 5-minute design RPO of PITR);
 * - M of N: `datapointsToAlarm` of `evaluationPeriods` runs (2 of 3 by default) must breach, so one late upload or
 *   one probe run that could not read the store never fires, and a stopped log shipping (or probe) always does.
 * test/plan/alarms.test.ts runs saw-tooth series through `evaluateAlarm` to show both.
 */
import { defineAlarm, human } from './define';
import type { AlarmPlan } from './types';

/** RDS uploads transaction logs to S3 every 5 minutes; the tolerance added to restorable-lag thresholds. */
export const PITR_LOG_UPLOAD_INTERVAL_SECONDS = 300;
/** Minutes between probe runs (the alarms' period). */
export const DEFAULT_PROBE_INTERVAL_MINUTES = 5;
/** Probe runs that must breach (M) among the last M + 1 runs. */
export const DEFAULT_PROBE_BREACHING_RUNS = 2;

/** A bound on a probe metric and why it is that bound (shown in the description). */
export interface ProbeBound {
  /** Seconds: the objective (RPO) for restorable lag, the age limit for backup age. */
  readonly seconds: number;
  /** Which objective or rule the bound comes from, e.g. `the corruption RPO`. */
  readonly reason: string;
}

/** What one store's probe alarms depend on. */
export interface ProbeAlarmInput {
  /** Alarm name prefix of the store (`alarmNamePrefix`). */
  readonly prefix: string;
  /** Store id (the StoreId dimension). */
  readonly storeId: string;
  /** Region of the database. */
  readonly region: string;
  /** DR region where backups are copied; null when none are. */
  readonly drRegion: string | null;
  /** Bound on `now - LatestRestorableTime` in the primary region. @default no alarm */
  readonly restorableLag?: ProbeBound | null;
  /** Bound on the age of the newest snapshot or recovery point in the primary region. @default no alarm */
  readonly backupAge?: ProbeBound | null;
  /** Bound on the restorable lag of the replicated automated backups in the DR region. @default no alarm */
  readonly drRestorableLag?: ProbeBound | null;
  /** Bound on the age of the newest recovery point in the DR vault. @default no alarm */
  readonly drBackupAge?: ProbeBound | null;
  /** Minutes between probe runs. @default 5 */
  readonly intervalMinutes?: number;
  /** Breaching runs among the last `breachingRuns + 1` that fire the alarm. @default 2 */
  readonly breachingRuns?: number;
  /** CloudWatch namespace the probe publishes in. @default 'Lifeboat' */
  readonly namespace?: string;
}

/** The probe alarms of one store, for each bound given, in the region the metric is published. */
export function probeAlarms(input: ProbeAlarmInput): AlarmPlan[] {
  const alarms: AlarmPlan[] = [];
  if (input.restorableLag) alarms.push(probeAlarm(input, 'restorable-lag', input.region, 'RestorableLagSeconds', input.restorableLag));
  if (input.backupAge) alarms.push(probeAlarm(input, 'backup-age', input.region, 'BackupAgeSeconds', input.backupAge));
  if (input.drRegion !== null && input.drRestorableLag) alarms.push(probeAlarm(input, 'dr-restorable-lag', input.drRegion, 'RestorableLagSeconds', input.drRestorableLag));
  if (input.drRegion !== null && input.drBackupAge) alarms.push(probeAlarm(input, 'dr-backup-age', input.drRegion, 'BackupAgeSeconds', input.drBackupAge));
  return alarms;
}

/** One probe alarm: `bound` on `metricName` as published in `region`, breaching on M of M + 1 runs. */
function probeAlarm(input: ProbeAlarmInput, id: string, region: string, metricName: 'RestorableLagSeconds' | 'BackupAgeSeconds', bound: ProbeBound): AlarmPlan {
  const interval = input.intervalMinutes ?? DEFAULT_PROBE_INTERVAL_MINUTES;
  const breaching = input.breachingRuns ?? DEFAULT_PROBE_BREACHING_RUNS;
  const restorable = metricName === 'RestorableLagSeconds';
  const threshold = restorable ? bound.seconds + PITR_LOG_UPLOAD_INTERVAL_SECONDS : bound.seconds;
  const what = restorable
    ? `${region === input.region ? 'Point-in-time recovery' : `Replicated backups in ${region}`} lag more than ${human(bound.seconds)} (${bound.reason}) plus one ${human(PITR_LOG_UPLOAD_INTERVAL_SECONDS)} log upload interval`
    : `Newest ${region === input.region ? 'backup' : `AWS Backup recovery point in ${region}`} is older than ${human(bound.seconds)} (${bound.reason})`;
  return defineAlarm(input.prefix, {
    id,
    region,
    namespace: input.namespace ?? 'Lifeboat',
    metricName,
    dimensions: { StoreId: input.storeId, Region: region },
    statistic: 'Maximum',
    threshold,
    unit: 'Seconds',
    comparisonOperator: 'GreaterThanThreshold',
    periodSeconds: interval * 60,
    evaluationPeriods: breaching + 1,
    datapointsToAlarm: breaching,
    treatMissingData: 'breaching',
    description: `${what} on ${breaching} of ${breaching + 1} probe runs; no data means the backup-age probe is broken`,
  });
}
