/** Validation of ProtectedDatabase props: every problem at once, each naming the prop and the limit. */
import type { DatabaseNamesPlan } from '../../src/plan/types';
import { plannedAlarmProblems } from '../database-alarms';
import type { ProtectedDatabaseProps, RdsInstanceEngine } from '../protected-database';
import { BACKUP_RETENTION_LIMITS, commonDatabaseProblems, identifierProblems } from './database-validation';
import { missingNameProblems } from './database-names';

/** RDS engines `ProtectedDatabase` creates (single DB instances). */
export const RDS_INSTANCE_ENGINES: readonly RdsInstanceEngine[] = ['postgres', 'mysql', 'mariadb'];
const MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60];
const STORAGE_LIMITS_GB = { min: 20, max: 65_536 } as const;

/** Every problem with ProtectedDatabase props, each naming the prop and the limit. */
export function protectedDatabaseProblems(props: ProtectedDatabaseProps, names: DatabaseNamesPlan): string[] {
  const problems = commonDatabaseProblems({ ...props, vaultName: names.awsBackup?.vault ?? names.primary });
  if (!RDS_INSTANCE_ENGINES.includes(props.engine)) {
    problems.push(`engine: must be one of ${RDS_INSTANCE_ENGINES.join(', ')} (Aurora engines use ProtectedAuroraCluster), got '${props.engine}'`);
  }
  if (!props.existing) {
    problems.push(...identifierProblems('databaseId', names.primary));
    if (!props.engineVersion) problems.push('engineVersion: required when creating a database');
    if (!props.instanceClass?.startsWith('db.')) problems.push(`instanceClass: required when creating a database and must start with 'db.', got '${props.instanceClass ?? ''}'`);
    const storage = props.allocatedStorageGb;
    if (storage === undefined || !Number.isInteger(storage) || storage < STORAGE_LIMITS_GB.min || storage > STORAGE_LIMITS_GB.max) {
      problems.push(`allocatedStorageGb: required when creating a database, a whole number from ${STORAGE_LIMITS_GB.min} to ${STORAGE_LIMITS_GB.max} GiB (gp3 limit), got ${storage}`);
    }
    if (props.maxAllocatedStorageGb !== undefined && (storage === undefined || props.maxAllocatedStorageGb <= storage || props.maxAllocatedStorageGb > STORAGE_LIMITS_GB.max)) {
      problems.push(`maxAllocatedStorageGb: must be above allocatedStorageGb (${storage}) and at most ${STORAGE_LIMITS_GB.max} GiB, got ${props.maxAllocatedStorageGb}`);
    }
    if ((props.subnetIds?.length ?? 0) < 2) problems.push('subnetIds: at least two private subnets in different AZs are required when creating a database');
    if ((props.securityGroupIds?.length ?? 0) < 1) problems.push('securityGroupIds: at least one security group is required when creating a database');
  }
  const interval = props.monitoringIntervalSeconds ?? 0;
  if (!MONITORING_INTERVALS.includes(interval)) {
    problems.push(`monitoringIntervalSeconds: must be one of ${MONITORING_INTERVALS.join(', ')}, got ${interval}`);
  } else if (interval > 0 && !props.monitoringRoleArn) {
    problems.push('monitoringRoleArn: required when monitoringIntervalSeconds > 0 (Enhanced Monitoring publishes through it)');
  }
  if (props.existing && (props.performanceInsights || interval > 0)) {
    problems.push('performanceInsights / monitoringIntervalSeconds: cannot be changed on an existing database Lifeboat does not manage');
  }

  const replicas = props.readReplicas ?? [];
  let drReplicas = 0;
  replicas.forEach((replica, index) => {
    const at = `readReplicas[${index}]`;
    if (replica.region !== props.region) {
      drReplicas += 1;
      if (!props.dr || replica.region !== props.dr.region) {
        problems.push(`${at}.region: must be the primary region ${props.region} or the DR region ${props.dr?.region ?? '(dr not set)'}, got ${replica.region}`);
      } else if ((props.dr.subnetIds?.length ?? 0) < 2 || (props.dr.securityGroupIds?.length ?? 0) < 1) {
        problems.push(`dr.subnetIds / dr.securityGroupIds: a DR replica needs two or more private subnets and a security group in ${props.dr.region}`);
      }
    }
    if (!replica.instanceClass && !props.instanceClass) {
      problems.push(`${at}.instanceClass: required when the primary is existing (its class is unknown to Lifeboat)`);
    }
    const retention = replica.backupRetentionDays ?? 0;
    if (!Number.isInteger(retention) || retention < 0 || retention > BACKUP_RETENTION_LIMITS.max) {
      problems.push(`${at}.backupRetentionDays: must be a whole number from 0 to ${BACKUP_RETENTION_LIMITS.max} days (RDS limit), got ${retention}`);
    }
  });
  if (drReplicas > 1) {
    problems.push(`readReplicas: at most one replica in the DR region, got ${drReplicas}`);
  }
  const sameRegion = replicas.length - drReplicas;
  const nameProblems = missingNameProblems(names, {
    created: !props.existing,
    replicas: sameRegion,
    drStandby: drReplicas > 0,
    drReplicas: 0,
    globalRpo: false,
    awsBackup: props.longTermBackup !== undefined,
    aurora: false,
  });
  // Without a name for each resource nothing below can be checked or created.
  if (nameProblems.length > 0) return [...problems, ...nameProblems];
  if (sameRegion > 0) problems.push(...identifierProblems('readReplicas', names.replicas[sameRegion - 1]));
  if (drReplicas > 0) problems.push(...identifierProblems('readReplicas', names.dr));
  if (props.plannedAlarms) {
    const instances = [props.existing?.identifier ?? names.primary, ...names.replicas.slice(0, sameRegion)];
    if (drReplicas > 0) instances.push(names.dr);
    problems.push(...plannedAlarmProblems(props.plannedAlarms, { instances, clusters: [] }));
  }

  const replicationRetention = props.backupReplicationRetentionDays;
  if (replicationRetention !== undefined) {
    if (!props.dr) {
      problems.push('backupReplicationRetentionDays: needs dr (the destination region and its key)');
    }
    if (!Number.isInteger(replicationRetention) || replicationRetention < BACKUP_RETENTION_LIMITS.min || replicationRetention > BACKUP_RETENTION_LIMITS.max) {
      problems.push(
        `backupReplicationRetentionDays: must be a whole number from ${BACKUP_RETENTION_LIMITS.min} to ${BACKUP_RETENTION_LIMITS.max} days (RDS limit), got ${replicationRetention}`,
      );
    }
  }
  return problems;
}
