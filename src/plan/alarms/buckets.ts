/**
 * Alarms of a replicated bucket: S3's replication metrics (`AWS/S3`, dimensions SourceBucket, DestinationBucket,
 * RuleId, published in the source region) and the replica check's `MissingReplicas` (`Lifeboat`, in the replica
 * region). `ReplicatedBucket` and `ReplicationCheck` render them.
 */
import { defineAlarm, failureCountAlarm, human } from './define';
import type { AlarmPlan } from './types';

/** What a bucket's replication alarms depend on. */
export interface BucketReplicationAlarmInput {
  /** Alarm name prefix of the store (`alarmNamePrefix`). */
  readonly prefix: string;
  /** Region of the source bucket, where S3 publishes replication metrics. */
  readonly sourceRegion: string;
  readonly sourceBucket: string;
  readonly replicaBucket: string;
  readonly replicaRegion: string;
  /** Replication rule id (the RuleId dimension). */
  readonly ruleId: string;
  /** Region RPO in seconds: the ReplicationLatency threshold. */
  readonly rpoSeconds: number;
}

/**
 * `ReplicationLatency` (Maximum) above the RPO for three 5-minute periods in a row, and any
 * `OperationsFailedReplication`. S3 publishes replication metrics only while there is something to replicate, so
 * missing data is not breaching (silence after a backlog clears is OK, not a stuck alarm).
 */
export function bucketReplicationAlarms(input: BucketReplicationAlarmInput): AlarmPlan[] {
  const dimensions = { SourceBucket: input.sourceBucket, DestinationBucket: input.replicaBucket, RuleId: input.ruleId };
  return [
    defineAlarm(input.prefix, {
      id: 'replication-latency',
      region: input.sourceRegion,
      namespace: 'AWS/S3',
      metricName: 'ReplicationLatency',
      dimensions,
      statistic: 'Maximum',
      threshold: input.rpoSeconds,
      unit: 'Seconds',
      comparisonOperator: 'GreaterThanThreshold',
      periodSeconds: 300,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: 'notBreaching',
      description: `Replication to ${input.replicaBucket} lags more than the region RPO (${human(input.rpoSeconds)}); S3 publishes no latency when nothing is written`,
    }),
    failureCountAlarm(input.prefix, {
      id: 'replication-failed',
      region: input.sourceRegion,
      namespace: 'AWS/S3',
      metricName: 'OperationsFailedReplication',
      dimensions: { ...dimensions },
      description: `Objects failed to replicate to ${input.replicaBucket}: those objects have no copy in ${input.replicaRegion}`,
    }),
  ];
}

/** Minutes between replica-check runs (the alarm's period). */
export const DEFAULT_REPLICA_CHECK_INTERVAL_MINUTES = 15;

/** What a bucket's replica-check alarm depends on. */
export interface MissingReplicasAlarmInput {
  /** Alarm name prefix of the store (`alarmNamePrefix`). */
  readonly prefix: string;
  /** Store id (the StoreId dimension). */
  readonly storeId: string;
  readonly sourceBucket: string;
  readonly replicaBucket: string;
  /** Region of the replica bucket, where the check publishes. */
  readonly replicaRegion: string;
  /** Minutes between check runs. @default 15 */
  readonly intervalMinutes?: number;
  /** CloudWatch namespace the check publishes in. @default 'Lifeboat' */
  readonly namespace?: string;
}

/** Sampled objects missing or different in the replica; missing data is breaching (the check could not run). */
export function missingReplicasAlarm(input: MissingReplicasAlarmInput): AlarmPlan {
  return defineAlarm(input.prefix, {
    id: 'missing-replicas',
    region: input.replicaRegion,
    namespace: input.namespace ?? 'Lifeboat',
    metricName: 'MissingReplicas',
    dimensions: { StoreId: input.storeId },
    statistic: 'Maximum',
    threshold: 0,
    unit: 'Count',
    comparisonOperator: 'GreaterThanThreshold',
    periodSeconds: (input.intervalMinutes ?? DEFAULT_REPLICA_CHECK_INTERVAL_MINUTES) * 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: 'breaching',
    description: `Sampled objects of ${input.sourceBucket} older than the region RPO are missing or different in ${input.replicaBucket}, or the check could not run (missing data)`,
  });
}
