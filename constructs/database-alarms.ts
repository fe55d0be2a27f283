import { Op, Token } from 'cdktf';
import { Construct } from 'constructs';
import { AlarmTopics, ObjectiveAlarm, ObjectiveAlarmProps } from './alarm';

/** FreeStorageSpace alarms fire below this fraction of the allocated storage. */
export const FREE_STORAGE_ALARM_FRACTION = 0.2;
const BYTES_PER_GIB = 1024 ** 3;

/**
 * Lag alarms fire at half the region RPO, so the team hears about growing lag while the objective still holds and
 * has the other half to react.
 */
export function lagThresholdSeconds(regionRpoSeconds: number): number {
  return regionRpoSeconds / 2;
}

/** An alarm the plan specifies (a `BackupPlan` `AlarmPlan` fits): everything but where it notifies. */
export type PlannedAlarm = Omit<ObjectiveAlarmProps, 'topics' | 'tags'>;

/** What every database alarm needs besides its metric. */
export interface DatabaseAlarmContext {
  /** SNS topic per region. */
  readonly topics: AlarmTopics;
  /** Tags for the alarm. */
  readonly tags?: Record<string, string>;
  /** Alarms from the plan; one watching the same metric replaces the derived alarm. */
  readonly planned?: readonly PlannedAlarm[];
  /** Planned alarms used so far, so the construct can refuse planned alarms that match nothing it watches. */
  readonly used?: Set<PlannedAlarm>;
}

function sameDimensions(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** True when a planned alarm watches exactly this metric (namespace, name, region, dimensions). */
export function watchesSameMetric(planned: PlannedAlarm, derived: PlannedAlarm): boolean {
  return (
    planned.namespace === derived.namespace &&
    planned.metricName === derived.metricName &&
    planned.region === derived.region &&
    sameDimensions(planned.dimensions, derived.dimensions)
  );
}

/** The derived alarm, or the planned alarm on the same metric when the plan has one (the plan's threshold wins). */
function databaseAlarm(scope: Construct, id: string, derived: PlannedAlarm, context: DatabaseAlarmContext): ObjectiveAlarm {
  const planned = context.planned?.find((candidate) => watchesSameMetric(candidate, derived));
  if (planned) context.used?.add(planned);
  const chosen = planned ?? derived;
  return new ObjectiveAlarm(scope, id, {
    region: chosen.region,
    alarmName: chosen.alarmName,
    description: chosen.description,
    namespace: chosen.namespace,
    metricName: chosen.metricName,
    dimensions: chosen.dimensions,
    statistic: chosen.statistic,
    threshold: chosen.threshold,
    comparisonOperator: chosen.comparisonOperator,
    periodSeconds: chosen.periodSeconds,
    evaluationPeriods: chosen.evaluationPeriods,
    datapointsToAlarm: chosen.datapointsToAlarm,
    treatMissingData: chosen.treatMissingData,
    topics: context.topics,
    tags: context.tags,
  });
}

/**
 * Planned alarms in AWS namespaces that no alarm of the construct matched: a planner/construct disagreement about
 * identifiers or dimensions, which would otherwise leave an objective unwatched.
 */
export function unmatchedPlannedAlarms(context: DatabaseAlarmContext): string[] {
  return (context.planned ?? [])
    .filter((alarm) => alarm.namespace.startsWith('AWS/') && !context.used?.has(alarm))
    .map(
      (alarm) =>
        `plannedAlarms: ${alarm.alarmName} (${alarm.namespace} ${alarm.metricName} ${JSON.stringify(alarm.dimensions)} in ${alarm.region}) matches no metric this database construct watches`,
    );
}

/** `ReplicaLag` (seconds) of an RDS read replica, in the replica's region. */
export function replicaLagAlarm(
  scope: Construct,
  id: string,
  replica: { region: string; identifier: string; thresholdSeconds: number; regionRpoSeconds: number },
  context: DatabaseAlarmContext,
): ObjectiveAlarm {
  return databaseAlarm(scope, id, {
    region: replica.region,
    alarmName: `${replica.identifier}-replica-lag`,
    description: `Read replica ${replica.identifier} lags more than ${replica.thresholdSeconds} s behind its source; region RPO is ${replica.regionRpoSeconds} s.`,
    namespace: 'AWS/RDS',
    metricName: 'ReplicaLag',
    dimensions: { DBInstanceIdentifier: replica.identifier },
    threshold: replica.thresholdSeconds,
    // A replica that stops reporting lag is broken or gone: the RPO it holds is no longer proven.
    treatMissingData: 'breaching',
  }, context);
}

/** `AuroraReplicaLag` (milliseconds) of an Aurora reader, in the reader's region. */
export function auroraReplicaLagAlarm(
  scope: Construct,
  id: string,
  reader: { region: string; identifier: string; thresholdMs: number },
  context: DatabaseAlarmContext,
): ObjectiveAlarm {
  return databaseAlarm(scope, id, {
    region: reader.region,
    alarmName: `${reader.identifier}-aurora-replica-lag`,
    description: `Aurora reader ${reader.identifier} lags more than ${reader.thresholdMs} ms behind its writer.`,
    namespace: 'AWS/RDS',
    metricName: 'AuroraReplicaLag',
    dimensions: { DBInstanceIdentifier: reader.identifier },
    threshold: reader.thresholdMs,
    treatMissingData: 'breaching',
  }, context);
}

/**
 * `AuroraGlobalDBReplicationLag` (milliseconds). Aurora publishes it in the SECONDARY region, for the secondary
 * cluster, so the alarm lives there too.
 */
export function globalReplicationLagAlarm(
  scope: Construct,
  id: string,
  secondary: { region: string; clusterIdentifier: string; thresholdMs: number; regionRpoSeconds: number },
  context: DatabaseAlarmContext,
): ObjectiveAlarm {
  return databaseAlarm(scope, id, {
    region: secondary.region,
    alarmName: `${secondary.clusterIdentifier}-global-replication-lag`,
    description: `Aurora global secondary ${secondary.clusterIdentifier} lags more than ${secondary.thresholdMs} ms behind the primary; region RPO is ${secondary.regionRpoSeconds} s.`,
    namespace: 'AWS/RDS',
    metricName: 'AuroraGlobalDBReplicationLag',
    dimensions: { DBClusterIdentifier: secondary.clusterIdentifier },
    threshold: secondary.thresholdMs,
    treatMissingData: 'breaching',
  }, context);
}

/**
 * `FreeStorageSpace` (bytes) below 20% of the allocated storage. `allocatedStorageGb` may be a Terraform reference
 * (the instance's or data source's `allocated_storage`) so the threshold follows storage autoscaling on every apply.
 */
export function freeStorageAlarm(
  scope: Construct,
  id: string,
  instance: { region: string; identifier: string; allocatedStorageGb: number },
  context: DatabaseAlarmContext,
): ObjectiveAlarm {
  const threshold = Token.isUnresolved(instance.allocatedStorageGb)
    ? Token.asNumber(Op.mul(instance.allocatedStorageGb, BYTES_PER_GIB * FREE_STORAGE_ALARM_FRACTION))
    : Math.round(instance.allocatedStorageGb * BYTES_PER_GIB * FREE_STORAGE_ALARM_FRACTION);
  return databaseAlarm(scope, id, {
    region: instance.region,
    alarmName: `${instance.identifier}-free-storage`,
    description: `Database ${instance.identifier} has less than ${FREE_STORAGE_ALARM_FRACTION * 100}% of its allocated storage free.`,
    namespace: 'AWS/RDS',
    metricName: 'FreeStorageSpace',
    dimensions: { DBInstanceIdentifier: instance.identifier },
    statistic: 'Minimum',
    threshold,
    comparisonOperator: 'LessThanThreshold',
    periodSeconds: 300,
    evaluationPeriods: 1,
  }, context);
}
