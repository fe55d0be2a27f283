import { Construct } from 'constructs';
import type { BackupPlan, DatabaseStorePlan } from '../../src/plan/types';
import type { AlarmTopics } from '../alarm';
import { alarmFromPlan } from './alarm';
import type { LongTermBackupOptions, RegionalKey } from '../backup-vault';
import { AuroraEngine, ProtectedAuroraCluster, ProtectedAuroraClusterProps } from '../protected-aurora-cluster';
import { ProtectedDatabase, ProtectedDatabaseProps, RdsInstanceEngine } from '../protected-database';
import { stackDatabaseKey } from '../private/stack-key';

/** What a database plan does not say: where alarms go and which keys encrypt the databases. */
export interface DatabasePlanOptions {
  /** SNS topic ARN per region; needs the primary and DR regions. */
  readonly alarmTopics: AlarmTopics;
  /** KMS key in the primary region. */
  readonly primaryKey: RegionalKey;
  /** KMS key in the DR region (replicas, secondaries, backup copies). */
  readonly drKey: RegionalKey;
}

/** The props shared by both database constructs, as the plan decided them. */
function commonProps(plan: BackupPlan, store: DatabaseStorePlan, options: DatabasePlanOptions) {
  const backup = store.awsBackup;
  const longTermBackup: LongTermBackupOptions | undefined = backup
    ? {
        rules: backup.rules.map((rule) => ({
          name: rule.name,
          schedule: rule.scheduleExpression,
          startWindowMinutes: rule.startWindowMinutes,
          completionWindowMinutes: rule.completionWindowMinutes,
          deleteAfterDays: rule.retentionDays,
          copyToCopyVault: rule.copyToDr,
          copyDeleteAfterDays: rule.drRetentionDays ?? undefined,
        })),
        lock: backup.lock
          ? {
              mode: backup.lock.mode,
              minRetentionDays: backup.lock.minRetentionDays,
              maxRetentionDays: backup.lock.maxRetentionDays,
              changeableForDays: backup.lock.changeableForDays ?? undefined,
            }
          : undefined,
      }
    : undefined;
  const network = plan.network;
  return {
    stackName: plan.name,
    databaseId: store.id,
    names: store.names,
    region: plan.regions.primary,
    engineVersion: store.engineVersion ?? undefined,
    autoMinorVersionUpgrade: store.autoMinorVersionUpgrade,
    instanceClass: store.instanceClass ?? undefined,
    encryptionKey: options.primaryKey,
    subnetIds: store.existing ? undefined : [...network.primary.subnetIds],
    securityGroupIds: store.existing ? undefined : [...network.primary.securityGroupIds],
    existing: store.existing ? { identifier: store.existing.identifier } : undefined,
    backupRetentionDays: store.backup.retentionDays,
    backupWindow: store.backup.backupWindow,
    maintenanceWindow: store.backup.maintenanceWindow,
    dr: {
      region: plan.regions.dr,
      encryptionKey: options.drKey,
      subnetIds: [...network.dr.subnetIds],
      securityGroupIds: [...network.dr.securityGroupIds],
    },
    longTermBackup,
    alarmTopics: options.alarmTopics,
    plannedAlarms: store.alarms.map(alarmFromPlan),
    regionRpoSeconds: store.scopes.region.objective.rpo?.seconds,
    tags: Object.keys(plan.tags).length > 0 ? { ...plan.tags } : undefined,
  };
}

/**
 * Same-region replicas in index order; refuses a plan whose replicas disagree with the plan's own names. An adopted
 * Aurora cluster keeps its own readers (the plan names none), so there is nothing to compare.
 */
function sameRegionReplicas(store: DatabaseStorePlan) {
  const replicas = store.readReplicas.filter((r) => r.regionRole === 'primary').sort((a, b) => a.index - b.index);
  if (store.family === 'aurora' && store.existing) return replicas;
  replicas.forEach((replica, position) => {
    const named = store.names.replicas[position];
    if (replica.identifier !== named) {
      throw new Error(`database ${store.id}: plan replica ${replica.identifier} differs from names.replicas[${position}] (${named ?? 'missing'})`);
    }
  });
  return replicas;
}

/**
 * ProtectedDatabase props for one RDS-instance store of a plan. Pure: the same plan gives the same props. Everything
 * the planner decided (names, retention, windows, Multi-AZ, replicas, backup replication, AWS Backup rules and lock,
 * alarm thresholds) is taken as is, so what `lifeboat plan` shows is what Terraform creates.
 */
export function protectedDatabasePropsFromPlan(plan: BackupPlan, store: DatabaseStorePlan, options: DatabasePlanOptions): ProtectedDatabaseProps {
  if (store.family !== 'instance') {
    throw new Error(`database ${store.id}: ${store.engine} is an Aurora engine; use protectedAuroraClusterPropsFromPlan`);
  }
  const drReplicas = store.readReplicas.filter((r) => r.regionRole === 'dr');
  for (const replica of drReplicas) {
    if (replica.identifier !== store.names.dr) throw new Error(`database ${store.id}: plan DR replica ${replica.identifier} differs from names.dr (${store.names.dr})`);
  }
  const replication = store.crossRegionBackupReplication;
  if (replication && replication.region !== plan.regions.dr) {
    throw new Error(`database ${store.id}: backups can only be replicated to the DR region ${plan.regions.dr}, plan says ${replication.region}`);
  }
  return {
    ...commonProps(plan, store, options),
    engine: store.engine as RdsInstanceEngine,
    allocatedStorageGb: store.storageGb ?? undefined,
    multiAz: store.existing ? undefined : store.multiAz,
    readReplicas: [...sameRegionReplicas(store), ...drReplicas].map((replica) => ({
      region: replica.region,
      instanceClass: replica.instanceClass || undefined,
    })),
    backupReplicationRetentionDays: replication?.retentionDays,
  };
}

/**
 * ProtectedAuroraCluster props for one Aurora store of a plan. Readers: the plan's same-region readers, or one reader
 * in another AZ when the plan asks for Multi-AZ. Global database, backtrack, AWS Backup and alarms as planned.
 */
export function protectedAuroraClusterPropsFromPlan(
  plan: BackupPlan,
  store: DatabaseStorePlan,
  options: DatabasePlanOptions,
): ProtectedAuroraClusterProps {
  if (store.family !== 'aurora') {
    throw new Error(`database ${store.id}: ${store.engine} is not an Aurora engine; use protectedDatabasePropsFromPlan`);
  }
  const readers = sameRegionReplicas(store).length;
  const global = store.globalDatabase;
  if (global) {
    const expected = { globalClusterIdentifier: store.names.globalCluster, secondaryClusterIdentifier: store.names.dr, secondaryRegion: plan.regions.dr };
    const actual = { globalClusterIdentifier: global.globalClusterIdentifier, secondaryClusterIdentifier: global.secondaryClusterIdentifier, secondaryRegion: global.secondaryRegion };
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      throw new Error(`database ${store.id}: plan global database ${JSON.stringify(actual)} should be ${JSON.stringify(expected)}`);
    }
  }
  return {
    ...commonProps(plan, store, options),
    engine: store.engine as AuroraEngine,
    readerCount: store.existing ? undefined : Math.max(readers, store.multiAz ? 1 : 0),
    backtrackWindowSeconds: store.backtrack?.windowSeconds,
    globalDatabase: global ? { readerCount: global.secondaryInstances, managedRpoSeconds: global.managedRpoSeconds ?? undefined } : undefined,
  };
}

// The stack-wide key helper is shared with buckets (constructs/private/stack-key.ts); re-exported where it was.
export { stackDatabaseKey, type StackDatabaseKeyOptions } from '../private/stack-key';

/**
 * The construct of one database store, with construct id = store id (stable resource addresses) and the stack's
 * database key of each region (`stackDatabaseKey`, alias `<plan name>-rds-<region>`).
 */
export function databaseFromPlan(
  scope: Construct,
  plan: BackupPlan,
  store: DatabaseStorePlan,
  options: Pick<DatabasePlanOptions, 'alarmTopics'>,
): ProtectedDatabase | ProtectedAuroraCluster {
  const tags = Object.keys(plan.tags).length > 0 ? { ...plan.tags } : undefined;
  const keys: DatabasePlanOptions = {
    alarmTopics: options.alarmTopics,
    primaryKey: stackDatabaseKey(scope, { region: plan.regions.primary, aliasPrefix: plan.name, tags }),
    drKey: stackDatabaseKey(scope, { region: plan.regions.dr, aliasPrefix: plan.name, tags }),
  };
  return store.family === 'aurora'
    ? new ProtectedAuroraCluster(scope, store.id, protectedAuroraClusterPropsFromPlan(plan, store, keys))
    : new ProtectedDatabase(scope, store.id, protectedDatabasePropsFromPlan(plan, store, keys));
}
