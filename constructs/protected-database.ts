import { DataAwsDbInstance } from '@cdktf/provider-aws/lib/data-aws-db-instance';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbInstanceAutomatedBackupsReplication } from '@cdktf/provider-aws/lib/db-instance-automated-backups-replication';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { Construct } from 'constructs';
import { DEFAULT_BACKUP_WINDOW, DEFAULT_MAINTENANCE_WINDOW } from '../src/aws/windows';
import { alarmNamePrefix, rdsInstanceAlarms } from '../src/plan/alarms';
import type { DatabaseNamesPlan } from '../src/plan/types';
import { ObjectiveAlarm, renderAlarms } from './alarm';
import { BackupVault, backupNames, longTermBackupVaultProps } from './backup-vault';
import { databaseAlarmShares } from './database-alarms';
import type { DatabaseProtectionProps, DisasterRecoveryRegion } from './database-props';
import { protectedDatabaseNames } from './private/database-names';
import { performanceInsights } from './private/performance-insights';
import { protectedDatabaseProblems } from './private/protected-database-validation';
import { ref } from './private/reference';

export type { RegionalKey } from './backup-vault';

/** RDS engines `ProtectedDatabase` creates (single DB instances). */
export type RdsInstanceEngine = 'postgres' | 'mysql' | 'mariadb';
export { RDS_INSTANCE_ENGINES, protectedDatabaseProblems } from './private/protected-database-validation';
export { BACKUP_RETENTION_LIMITS, commonDatabaseProblems, identifierProblems } from './private/database-validation';
export type { DatabaseProtectionProps, DisasterRecoveryRegion, ExistingDatabase } from './database-props';

/** A read replica of the primary instance. */
export interface ReadReplicaProps {
  /** Region of the replica: the primary region, or the DR region for a cross-region replica. */
  readonly region: string;
  /** Instance class. @default the primary's instanceClass (required when the primary is existing) */
  readonly instanceClass?: string;
  /** Multi-AZ replica. @default false */
  readonly multiAz?: boolean;
  /** Automated-backup retention of the replica itself, 0-35 days. @default 0 (a replica copies its source) */
  readonly backupRetentionDays?: number;
}

/** ProtectedDatabase props: what every protected database takes, plus storage, Multi-AZ, monitoring and read replicas. */
export interface ProtectedDatabaseProps extends DatabaseProtectionProps {
  /** Database engine. */
  readonly engine: RdsInstanceEngine;
  /**
   * Allocated storage in GiB, 20-65536; also the base of the FreeStorageSpace alarm (20% of it). Required unless
   * `existing`. @default for `existing`, the looked-up allocated storage (a Terraform reference)
   */
  readonly allocatedStorageGb?: number;
  /** Storage autoscaling ceiling in GiB, above allocatedStorageGb. @default no autoscaling */
  readonly maxAllocatedStorageGb?: number;
  /** Standby in a second AZ with automatic failover. @default false */
  readonly multiAz?: boolean;
  /** DB parameter group. @default the engine's default group */
  readonly parameterGroupName?: string;
  /** Enhanced Monitoring interval: 0, 1, 5, 10, 15, 30 or 60 seconds. @default 0 (off) */
  readonly monitoringIntervalSeconds?: number;
  /** Role Enhanced Monitoring publishes with; required when monitoringIntervalSeconds > 0. @default none */
  readonly monitoringRoleArn?: string;
  /** Read replicas in the primary region and at most one in the DR region. @default none */
  readonly readReplicas?: ReadReplicaProps[];
  /** Replicate automated backups (PITR) into the DR region, keeping them this many days (1-35). @default no replication */
  readonly backupReplicationRetentionDays?: number;
}

/**
 * An RDS instance (PostgreSQL, MySQL, MariaDB) that cannot be lost by accident: encrypted with a customer-managed
 * key, deletion protection, a deterministic final snapshot, automated backups kept after deletion, private, master
 * password in Secrets Manager, `prevent_destroy`. Optionally Multi-AZ, read replicas (a DR replica is encrypted with
 * the DR key), cross-region replication of automated backups, AWS Backup for long retention, and lag and storage
 * alarms. With `existing`, the instance is looked up instead of created and everything around it still applies.
 */
export class ProtectedDatabase extends Construct {
  /** Physical names of this database's resources (the `names` prop, or named from stackName and databaseId). */
  public readonly names: DatabaseNamesPlan;
  /** Identifier of the primary instance. */
  public readonly identifier: string;
  /** ARN of the primary instance (AWS Backup selections, IAM policies). */
  public readonly instanceArn: string;
  /** The primary instance, when Lifeboat creates it. */
  public readonly instance?: DbInstance;
  /** Read replicas in the primary region. */
  public readonly replicas: DbInstance[] = [];
  /** Read replica in the DR region. */
  public readonly drReplica?: DbInstance;
  /** Cross-region replication of automated backups. */
  public readonly backupReplication?: DbInstanceAutomatedBackupsReplication;
  /** AWS Backup vault, plan and selection for long-term retention. */
  public readonly longTermBackup?: BackupVault;
  /** Every alarm guarding this database. */
  public readonly alarms: ObjectiveAlarm[] = [];

  constructor(scope: Construct, id: string, props: ProtectedDatabaseProps) {
    super(scope, id);
    this.names = protectedDatabaseNames(props);
    const problems = protectedDatabaseProblems(props, this.names);
    if (problems.length > 0) {
      throw new Error(`ProtectedDatabase ${props.databaseId}:\n  ${problems.join('\n  ')}`);
    }

    const tags = props.tags;
    const planned = props.plannedAlarms ? databaseAlarmShares(props.plannedAlarms) : undefined;
    let allocatedStorageGb: number;

    if (props.existing) {
      const existing = new DataAwsDbInstance(this, 'existing', {
        region: props.region,
        dbInstanceIdentifier: props.existing.identifier,
      });
      this.identifier = props.existing.identifier;
      this.instanceArn = existing.dbInstanceArn;
      allocatedStorageGb = props.allocatedStorageGb ?? existing.allocatedStorage;
    } else {
      const subnetGroup = new DbSubnetGroup(this, 'subnet-group', {
        region: props.region,
        name: this.names.subnetGroup as string,
        description: `Private subnets of database ${props.databaseId}`,
        subnetIds: props.subnetIds as string[],
        tags,
      });
      this.instance = new DbInstance(this, 'instance', {
        region: props.region,
        identifier: this.names.primary,
        engine: props.engine,
        engineVersion: props.engineVersion,
        instanceClass: props.instanceClass as string,
        allocatedStorage: props.allocatedStorageGb,
        maxAllocatedStorage: props.maxAllocatedStorageGb,
        storageType: 'gp3',
        storageEncrypted: true,
        kmsKeyId: props.encryptionKey.keyArn,
        dbSubnetGroupName: ref(subnetGroup, 'name'),
        vpcSecurityGroupIds: props.securityGroupIds,
        publiclyAccessible: false,
        multiAz: props.multiAz ?? false,
        backupRetentionPeriod: props.backupRetentionDays ?? 7,
        backupWindow: props.backupWindow ?? DEFAULT_BACKUP_WINDOW,
        maintenanceWindow: props.maintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW,
        deletionProtection: true,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: this.names.finalSnapshot,
        deleteAutomatedBackups: false,
        copyTagsToSnapshot: true,
        manageMasterUserPassword: true,
        masterUserSecretKmsKeyId: props.encryptionKey.keyArn,
        username: props.masterUsername ?? 'dbadmin',
        dbName: props.databaseName,
        parameterGroupName: props.parameterGroupName,
        autoMinorVersionUpgrade: props.autoMinorVersionUpgrade ?? true,
        allowMajorVersionUpgrade: false,
        ...performanceInsights(props.performanceInsights, props.encryptionKey),
        monitoringInterval: props.monitoringIntervalSeconds,
        monitoringRoleArn: props.monitoringRoleArn,
        tags,
        lifecycle: { preventDestroy: true },
      });
      this.identifier = this.instance.identifier;
      this.instanceArn = this.instance.arn;
      // A literal threshold keeps the alarm readable everywhere it is shown (plan, dashboard). With autoscaling it
      // stays 20% of the initial size; RDS itself grows the storage at 10% free.
      allocatedStorageGb = props.allocatedStorageGb as number;
    }
    const names = this.names;
    const primaryIdentifier = props.existing?.identifier ?? names.primary;
    const sameRegionIdentifiers: string[] = [];
    let drReplicaAt: { identifier: string; region: string } | null = null;

    let sameRegionCount = 0;
    for (const replica of props.readReplicas ?? []) {
      const crossRegion = replica.region !== props.region;
      const dr = props.dr as DisasterRecoveryRegion;
      const index = crossRegion ? -1 : sameRegionCount++;
      const identifier = crossRegion ? names.dr : names.replicas[index];
      const constructId = crossRegion ? 'dr-replica' : `replica-${sameRegionCount}`;
      const subnetGroupName = crossRegion
        ? new DbSubnetGroup(this, 'dr-subnet-group', {
            region: dr.region,
            name: names.drSubnetGroup as string,
            description: `Private subnets of the DR replica of database ${props.databaseId}`,
            subnetIds: dr.subnetIds as string[],
            tags,
          }).name
        : undefined;
      const key = crossRegion ? dr.encryptionKey : props.encryptionKey;
      const instance = new DbInstance(this, constructId, {
        region: replica.region,
        identifier,
        // Same region: the source identifier; cross-region: RDS requires the source ARN.
        replicateSourceDb: crossRegion ? this.instanceArn : (this.instance?.identifier ?? primaryIdentifier),
        instanceClass: (replica.instanceClass ?? props.instanceClass) as string,
        maxAllocatedStorage: props.maxAllocatedStorageGb,
        storageType: 'gp3',
        storageEncrypted: true,
        // A same-region replica always uses its source's key (RDS rejects another); a cross-region replica can only
        // use a key of its own region.
        kmsKeyId: crossRegion ? key.keyArn : undefined,
        dbSubnetGroupName: subnetGroupName,
        vpcSecurityGroupIds: crossRegion ? dr.securityGroupIds : props.securityGroupIds,
        publiclyAccessible: false,
        multiAz: replica.multiAz ?? false,
        backupRetentionPeriod: replica.backupRetentionDays ?? 0,
        maintenanceWindow: props.maintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW,
        deletionProtection: true,
        // A promoted replica is a standalone database whose deletion must leave a snapshot. While it is still a
        // replica RDS refuses a final snapshot, so deleting it takes a deliberate change of this setting.
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: crossRegion ? (names.drFinalSnapshot as string) : names.replicaFinalSnapshots[index],
        deleteAutomatedBackups: false,
        copyTagsToSnapshot: true,
        autoMinorVersionUpgrade: props.autoMinorVersionUpgrade ?? true,
        ...performanceInsights(props.performanceInsights, key),
        tags,
        lifecycle: { preventDestroy: true },
      });
      if (crossRegion) {
        this.drReplica = instance;
        drReplicaAt = { identifier, region: replica.region };
      } else {
        this.replicas.push(instance);
        sameRegionIdentifiers.push(identifier);
      }
    }

    // Alarm names and dimensions use the literal identifiers: an alarm must not wait for the instance to exist.
    const alarms =
      planned?.database ??
      rdsInstanceAlarms({
        prefix: alarmNamePrefix(props.stackName, props.databaseId),
        region: props.region,
        identifier: primaryIdentifier,
        allocatedStorageGb: props.existing && props.allocatedStorageGb === undefined ? null : allocatedStorageGb,
        sameRegionReplicas: sameRegionIdentifiers,
        drReplica: drReplicaAt,
        azRpoSeconds: props.azRpoSeconds ?? null,
        regionRpoSeconds: props.regionRpoSeconds ?? null,
      });
    this.alarms.push(...Object.values(renderAlarms(this, alarms, { topics: props.alarmTopics, tags, allocatedStorageGb })));

    if (props.backupReplicationRetentionDays !== undefined) {
      const dr = props.dr as DisasterRecoveryRegion;
      // The resource is created in the DESTINATION region (it calls StartDBInstanceAutomatedBackupsReplication there).
      this.backupReplication = new DbInstanceAutomatedBackupsReplication(this, 'backup-replication', {
        region: dr.region,
        sourceDbInstanceArn: this.instanceArn,
        kmsKeyId: dr.encryptionKey.keyArn,
        retentionPeriod: props.backupReplicationRetentionDays,
        lifecycle: { preventDestroy: true },
      });
    }

    if (props.longTermBackup) {
      this.longTermBackup = new BackupVault(
        this,
        'long-term-backup',
        longTermBackupVaultProps(props.longTermBackup, {
          ...backupNames(names),
          region: props.region,
          encryptionKey: props.encryptionKey,
          dr: props.dr,
          resourceArn: this.instanceArn,
          alarmTopics: props.alarmTopics,
          alarms: planned?.backupVault,
          tags,
        }),
      );
    }
  }
}

// One pair of default windows for the planner and the constructs used alone (src/aws/windows.ts).
export { DEFAULT_BACKUP_WINDOW, DEFAULT_MAINTENANCE_WINDOW, windowProblems } from '../src/aws/windows';

