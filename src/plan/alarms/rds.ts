/**
 * Alarms on the AWS/RDS and AWS/Backup metrics of a protected database: storage, the lag of every replica and
 * reader, the global database's replication lag, failed AWS Backup jobs. `ProtectedDatabase`,
 * `ProtectedAuroraCluster` and `BackupVault` render these; the planner puts the same ones in the plan.
 */
import { CATALOGUE } from '../catalogue';
import { defineAlarm, failureCountAlarm, human } from './define';
import type { AlarmPlan } from './types';

/** FreeStorageSpace alarms fire below this fraction of the allocated storage. */
export const FREE_STORAGE_ALARM_FRACTION = 0.2;
const BYTES_PER_GIB = 1024 ** 3;

/**
 * Lag threshold when the objective a replica serves is not set: the design lag of an RDS read replica (catalogue).
 * ReplicaLag reports whole seconds, so a threshold below 1 s (an RPO of 0, which no asynchronous replica can hold)
 * would fire on every second of lag: thresholds are at least 1 s.
 */
export function lagThresholdSeconds(rpoSeconds: number | null): number {
  return Math.max(1, rpoSeconds ?? CATALOGUE.crossRegionReadReplica.rpoSeconds);
}

/** Lag alarms: one-minute periods, three in a row above the threshold; a replica that stops reporting is broken. */
const LAG_EVALUATION = { periodSeconds: 60, evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: 'breaching' } as const;

/** What an RDS instance store's alarms depend on. */
export interface RdsInstanceAlarmInput {
  /** Alarm name prefix of the store (`alarmNamePrefix`). */
  readonly prefix: string;
  /** Primary region. */
  readonly region: string;
  /** DB instance identifier of the primary (the adopted identifier for an existing database). */
  readonly identifier: string;
  /** Allocated storage in GiB; null when only the looked-up instance knows it (adopted database). */
  readonly allocatedStorageGb: number | null;
  /** Identifiers of the same-region read replicas, in index order (replica 1 first). */
  readonly sameRegionReplicas: readonly string[];
  /** The cross-region read replica, if any. */
  readonly drReplica: { readonly identifier: string; readonly region: string } | null;
  /** az RPO in seconds: what in-region replicas serve. */
  readonly azRpoSeconds: number | null;
  /** region RPO in seconds: what the cross-region replica serves. */
  readonly regionRpoSeconds: number | null;
}

/** FreeStorageSpace of the primary, and the lag of every read replica against the objective it serves. */
export function rdsInstanceAlarms(input: RdsInstanceAlarmInput): AlarmPlan[] {
  const alarms = [freeStorageAlarm(input)];
  input.sameRegionReplicas.forEach((identifier, index) => {
    const threshold = lagThresholdSeconds(input.azRpoSeconds);
    alarms.push(
      defineAlarm(input.prefix, {
        id: `replica-${index + 1}-lag`,
        region: input.region,
        namespace: 'AWS/RDS',
        metricName: 'ReplicaLag',
        dimensions: { DBInstanceIdentifier: identifier },
        statistic: 'Maximum',
        threshold,
        unit: 'Seconds',
        comparisonOperator: 'GreaterThanThreshold',
        ...LAG_EVALUATION,
        description: `Read replica ${identifier} lags more than ${human(threshold)}, ${objectiveText('az', input.azRpoSeconds)}; no data means replication stopped`,
      }),
    );
  });
  if (input.drReplica) {
    const threshold = lagThresholdSeconds(input.regionRpoSeconds);
    alarms.push(
      defineAlarm(input.prefix, {
        id: 'replica-lag',
        region: input.drReplica.region,
        namespace: 'AWS/RDS',
        metricName: 'ReplicaLag',
        dimensions: { DBInstanceIdentifier: input.drReplica.identifier },
        statistic: 'Maximum',
        threshold,
        unit: 'Seconds',
        comparisonOperator: 'GreaterThanThreshold',
        ...LAG_EVALUATION,
        description: `Cross-region replica ${input.drReplica.identifier} lags more than ${objectiveText('region', input.regionRpoSeconds)}; no data means replication stopped`,
      }),
    );
  }
  return alarms;
}

function objectiveText(scope: 'az' | 'region', rpoSeconds: number | null): string {
  const threshold = lagThresholdSeconds(rpoSeconds);
  return rpoSeconds === null
    ? `the design lag of a read replica (${human(threshold)}; no ${scope} RPO is set)`
    : `the ${scope} RPO (${human(threshold)})`;
}

function freeStorageAlarm(input: RdsInstanceAlarmInput): AlarmPlan {
  const known = input.allocatedStorageGb !== null;
  return defineAlarm(input.prefix, {
    id: 'free-storage',
    region: input.region,
    namespace: 'AWS/RDS',
    metricName: 'FreeStorageSpace',
    dimensions: { DBInstanceIdentifier: input.identifier },
    statistic: 'Minimum',
    // With storage autoscaling the literal stays 20% of the initial size (RDS itself grows the storage at 10% free).
    threshold: known ? Math.round((input.allocatedStorageGb as number) * BYTES_PER_GIB * FREE_STORAGE_ALARM_FRACTION) : 0,
    thresholdOfAllocatedStorage: known ? null : FREE_STORAGE_ALARM_FRACTION,
    unit: 'Bytes',
    comparisonOperator: 'LessThanThreshold',
    periodSeconds: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: 'missing',
    description: `Database ${input.identifier} has less than ${FREE_STORAGE_ALARM_FRACTION * 100}% of its allocated storage free`,
  });
}

/** What an Aurora cluster store's alarms depend on. */
export interface AuroraClusterAlarmInput {
  /** Alarm name prefix of the store (`alarmNamePrefix`). */
  readonly prefix: string;
  /** Primary region. */
  readonly region: string;
  /** Identifiers of the reader instances of the primary cluster (none for an adopted cluster). */
  readonly readers: readonly string[];
  /** The global database's secondary cluster in the DR region, if any. */
  readonly global: {
    readonly region: string;
    readonly secondaryClusterIdentifier: string;
    /** Identifiers of the secondary cluster's readers. */
    readonly readers: readonly string[];
  } | null;
  /** az RPO in seconds: what the readers of a cluster serve (failover within the region). */
  readonly azRpoSeconds: number | null;
  /** region RPO in seconds: what the global database serves. */
  readonly regionRpoSeconds: number | null;
}

/**
 * AuroraReplicaLag of every reader against the az RPO (readers are the in-region failover targets; the region RPO
 * is the global database's), and AuroraGlobalDBReplicationLag of the secondary cluster against the region RPO, in
 * the secondary region where Aurora publishes it.
 */
export function auroraClusterAlarms(input: AuroraClusterAlarmInput): AlarmPlan[] {
  const alarms = input.readers.map((identifier, index) => readerLagAlarm(input, `reader-${index + 1}-lag`, input.region, identifier));
  const global = input.global;
  if (global) {
    alarms.push(...global.readers.map((identifier, index) => readerLagAlarm(input, `dr-reader-${index + 1}-lag`, global.region, identifier)));
    const threshold = lagThresholdSeconds(input.regionRpoSeconds);
    alarms.push(
      defineAlarm(input.prefix, {
        id: 'global-replication-lag',
        region: global.region,
        namespace: 'AWS/RDS',
        metricName: 'AuroraGlobalDBReplicationLag',
        dimensions: { DBClusterIdentifier: global.secondaryClusterIdentifier },
        statistic: 'Maximum',
        threshold: threshold * 1000,
        unit: 'Milliseconds',
        comparisonOperator: 'GreaterThanThreshold',
        ...LAG_EVALUATION,
        description: `Global database secondary ${global.secondaryClusterIdentifier} lags more than ${objectiveText('region', input.regionRpoSeconds)}; no data means replication stopped`,
      }),
    );
  }
  return alarms;
}

/** AuroraReplicaLag of one reader instance against the az RPO. */
function readerLagAlarm(input: AuroraClusterAlarmInput, id: string, region: string, identifier: string): AlarmPlan {
  const threshold = lagThresholdSeconds(input.azRpoSeconds);
  return defineAlarm(input.prefix, {
    id,
    region,
    namespace: 'AWS/RDS',
    metricName: 'AuroraReplicaLag',
    dimensions: { DBInstanceIdentifier: identifier },
    statistic: 'Maximum',
    threshold: threshold * 1000,
    unit: 'Milliseconds',
    comparisonOperator: 'GreaterThanThreshold',
    ...LAG_EVALUATION,
    description: `Aurora reader ${identifier} lags more than ${objectiveText('az', input.azRpoSeconds)} behind its writer; no data means the reader is gone`,
  });
}

/** What the alarms of an AWS Backup vault depend on. */
export interface BackupVaultAlarmInput {
  /** Alarm name prefix (`alarmNamePrefix` of the store, or the vault name for a vault used alone). */
  readonly prefix: string;
  /** Region of the source vault (backup and copy jobs report there). */
  readonly region: string;
  readonly vaultName: string;
  /** Region copies go to, when a rule copies; null when none does. */
  readonly copyRegion: string | null;
}

/** Failed backup jobs into the vault, and failed copy jobs out of it when a rule copies. */
export function backupVaultAlarms(input: BackupVaultAlarmInput): AlarmPlan[] {
  const alarms = [
    failedJobsAlarm(input, 'backup-jobs-failed', 'NumberOfBackupJobsFailed', `An AWS Backup job into vault ${input.vaultName} failed: long-term retention is not being met`),
  ];
  if (input.copyRegion !== null) {
    // Copy jobs run from the source vault, so their metrics carry the source vault and region.
    alarms.push(
      failedJobsAlarm(input, 'copy-jobs-failed', 'NumberOfCopyJobsFailed', `An AWS Backup copy from vault ${input.vaultName} to ${input.copyRegion} failed: the DR copy is missing`),
    );
  }
  return alarms;
}

function failedJobsAlarm(input: BackupVaultAlarmInput, id: string, metricName: string, description: string): AlarmPlan {
  return failureCountAlarm(input.prefix, { id, region: input.region, namespace: 'AWS/Backup', metricName, dimensions: { BackupVaultName: input.vaultName }, description });
}
