import { DataAwsDbInstance } from '@cdktf/provider-aws/lib/data-aws-db-instance';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbInstanceAutomatedBackupsReplication } from '@cdktf/provider-aws/lib/db-instance-automated-backups-replication';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { Construct } from 'constructs';
import { DEFAULT_BACKUP_WINDOW, DEFAULT_MAINTENANCE_WINDOW, windowProblems } from '../src/aws/windows';
import { alarmNamePrefix, rdsInstanceAlarms } from '../src/plan/alarms';
import { DatabaseNames, databaseNames, RDS_IDENTIFIER_MAX } from '../src/plan/naming';
import { AlarmTopics, ObjectiveAlarm, renderAlarms } from './alarm';
import { BackupVault, backupVaultProblems, LongTermBackupOptions, longTermBackupVaultProps, RegionalKey } from './backup-vault';
import { databaseAlarmShares, PlannedAlarm, plannedAlarmProblems } from './database-alarms';

export type { RegionalKey } from './backup-vault';

/** RDS engines `ProtectedDatabase` creates (single DB instances). */
export type RdsInstanceEngine = 'postgres' | 'mysql' | 'mariadb';
export const RDS_INSTANCE_ENGINES: readonly RdsInstanceEngine[] = ['postgres', 'mysql', 'mariadb'];

/** RDS keeps automated backups (PITR) for 1 to 35 days. */
export const BACKUP_RETENTION_LIMITS = { min: 1, max: 35 } as const;

/** A database Terraform does not manage: Lifeboat protects it (replication, backups, alarms) but never creates it. */
export interface ExistingDatabase {
  /** DB instance identifier (RDS) or DB cluster identifier (Aurora) in the primary region. */
  readonly identifier: string;
}

/** The disaster-recovery region of a database: where cross-region replicas, copies and secondaries live. */
export interface DisasterRecoveryRegion {
  /** The DR region; must differ from the primary region. */
  readonly region: string;
  /** Customer-managed key in the DR region; an encrypted cross-region copy can only use a key of its own region. */
  readonly encryptionKey: RegionalKey;
  /** Private subnets (two AZs or more) for a DR replica or secondary cluster. @default none (then no DR replica is allowed) */
  readonly subnetIds?: string[];
  /** Security groups for a DR replica or secondary cluster. @default none */
  readonly securityGroupIds?: string[];
}

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

export interface ProtectedDatabaseProps {
  /** Prefix of every physical name (the spec's `name`); names come from `databaseNames(stackName, databaseId)`. */
  readonly stackName: string;
  /** Stable id of the database; physical names derive from it, never from list positions. */
  readonly databaseId: string;
  /** Primary region. */
  readonly region: string;
  /** Database engine. */
  readonly engine: RdsInstanceEngine;
  /** Engine version, e.g. '16' (a major version lets auto minor upgrades proceed without drift). Required unless `existing`. @default none */
  readonly engineVersion?: string;
  /** Instance class, e.g. 'db.m7g.large'. Required unless `existing`. @default none */
  readonly instanceClass?: string;
  /**
   * Allocated storage in GiB, 20-65536; also the base of the FreeStorageSpace alarm (20% of it). Required unless
   * `existing`. @default for `existing`, the looked-up allocated storage (a Terraform reference)
   */
  readonly allocatedStorageGb?: number;
  /** Storage autoscaling ceiling in GiB, above allocatedStorageGb. @default no autoscaling */
  readonly maxAllocatedStorageGb?: number;
  /** Customer-managed key in the primary region for storage, the master secret and Performance Insights. */
  readonly encryptionKey: RegionalKey;
  /** Private subnets (two AZs or more) of the DB subnet group. Required unless `existing`. @default none */
  readonly subnetIds?: string[];
  /** Security groups of the instance. Required unless `existing`. @default none */
  readonly securityGroupIds?: string[];
  /** Adopt an existing instance instead of creating one. @default create a new instance */
  readonly existing?: ExistingDatabase;
  /** Automated-backup (PITR) retention, 1-35 days. @default 7 */
  readonly backupRetentionDays?: number;
  /** Daily backup window, 'hh24:mi-hh24:mi' UTC, at least 30 minutes. @default '03:00-04:00' */
  readonly backupWindow?: string;
  /** Weekly maintenance window, 'ddd:hh24:mi-ddd:hh24:mi' UTC, at least 30 minutes, not overlapping the backup window. @default 'sun:01:00-sun:02:00' (src/aws/windows.ts) */
  readonly maintenanceWindow?: string;
  /** Standby in a second AZ with automatic failover. @default false */
  readonly multiAz?: boolean;
  /** Master user name; its password is generated and kept in Secrets Manager by RDS. @default 'dbadmin' */
  readonly masterUsername?: string;
  /** Name of the initial database. @default none */
  readonly databaseName?: string;
  /** DB parameter group. @default the engine's default group */
  readonly parameterGroupName?: string;
  /** Apply minor engine upgrades in the maintenance window. @default true */
  readonly autoMinorVersionUpgrade?: boolean;
  /** Performance Insights, encrypted with encryptionKey. @default false */
  readonly performanceInsights?: boolean;
  /** Enhanced Monitoring interval: 0, 1, 5, 10, 15, 30 or 60 seconds. @default 0 (off) */
  readonly monitoringIntervalSeconds?: number;
  /** Role Enhanced Monitoring publishes with; required when monitoringIntervalSeconds > 0. @default none */
  readonly monitoringRoleArn?: string;
  /** DR region for cross-region replicas, backup replication and AWS Backup copies. @default none */
  readonly dr?: DisasterRecoveryRegion;
  /** Read replicas in the primary region and at most one in the DR region. @default none */
  readonly readReplicas?: ReadReplicaProps[];
  /** Replicate automated backups (PITR) into the DR region, keeping them this many days (1-35). @default no replication */
  readonly backupReplicationRetentionDays?: number;
  /** Long-term retention through AWS Backup (the only way past 35 days). @default none */
  readonly longTermBackup?: LongTermBackupOptions;
  /** SNS topic per region for every alarm. */
  readonly alarmTopics: AlarmTopics;
  /**
   * The store's alarms from the plan (`DatabaseStorePlan.alarms`), rendered as planned: AWS/RDS alarms here, AWS/Backup
   * alarms on the long-term backup vault; `Lifeboat`-namespace alarms are left to the verification and probe
   * constructs. An AWS/RDS alarm on an instance this construct does not create or adopt is an error.
   * @default planned here from the props by `rdsInstanceAlarms` and `backupVaultAlarms` (src/plan/alarms)
   */
  readonly plannedAlarms?: PlannedAlarm[];
  /** az RPO in seconds: the lag alarms of same-region replicas fire above it (at least 1 s). @default 20 (a replica's design lag) */
  readonly azRpoSeconds?: number;
  /** Region RPO in seconds: the lag alarm of the DR replica fires above it (at least 1 s). @default 20 (a replica's design lag) */
  readonly regionRpoSeconds?: number;
  /** Tags for every resource. @default none */
  readonly tags?: Record<string, string>;
}

const RDS_IDENTIFIER_PATTERN = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]$/;
const MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60];
const STORAGE_LIMITS_GB = { min: 20, max: 65_536 } as const;

/**
 * An RDS instance (PostgreSQL, MySQL, MariaDB) that cannot be lost by accident: encrypted with a customer-managed
 * key, deletion protection, a deterministic final snapshot, automated backups kept after deletion, private, master
 * password in Secrets Manager, `prevent_destroy`. Optionally Multi-AZ, read replicas (a DR replica is encrypted with
 * the DR key), cross-region replication of automated backups, AWS Backup for long retention, and lag and storage
 * alarms. With `existing`, the instance is looked up instead of created and everything around it still applies.
 */
export class ProtectedDatabase extends Construct {
  /** Physical names of this database's resources. */
  public readonly names: DatabaseNames;
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
    this.names = databaseNames(props.stackName, props.databaseId);
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
        name: this.names.primary,
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
        dbSubnetGroupName: subnetGroup.name,
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
    const primaryIdentifier = props.existing?.identifier ?? this.names.primary;
    const sameRegionIdentifiers: string[] = [];
    let drReplicaAt: { identifier: string; region: string } | null = null;

    let sameRegionCount = 0;
    for (const replica of props.readReplicas ?? []) {
      const crossRegion = replica.region !== props.region;
      const dr = props.dr as DisasterRecoveryRegion;
      const identifier = crossRegion ? this.names.dr : this.names.replica(++sameRegionCount);
      const constructId = crossRegion ? 'dr-replica' : `replica-${sameRegionCount}`;
      const subnetGroupName = crossRegion
        ? new DbSubnetGroup(this, 'dr-subnet-group', {
            region: dr.region,
            name: this.names.dr,
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
        finalSnapshotIdentifier: `${identifier}-final`,
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
          vaultName: this.names.primary,
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

function performanceInsights(enabled: boolean | undefined, key: RegionalKey) {
  return enabled ? { performanceInsightsEnabled: true, performanceInsightsKmsKeyId: key.keyArn } : { performanceInsightsEnabled: false };
}

/** Problems with an RDS identifier the naming functions produced. */
export function identifierProblems(prop: string, identifier: string): string[] {
  if (identifier.length > RDS_IDENTIFIER_MAX || !RDS_IDENTIFIER_PATTERN.test(identifier)) {
    return [
      `${prop}: the identifier '${identifier}' must be 1-${RDS_IDENTIFIER_MAX} letters, digits or hyphens, start with a letter, with no trailing or double hyphen (RDS limit)`,
    ];
  }
  return [];
}

/** Problems shared by both database constructs: retention, windows, DR region and keys, long-term backup. */
export function commonDatabaseProblems(props: {
  vaultName: string;
  region: string;
  encryptionKey: RegionalKey;
  existing?: ExistingDatabase;
  backupRetentionDays?: number;
  backupWindow?: string;
  maintenanceWindow?: string;
  dr?: DisasterRecoveryRegion;
  longTermBackup?: LongTermBackupOptions;
  alarmTopics: AlarmTopics;
  azRpoSeconds?: number;
  regionRpoSeconds?: number;
}): string[] {
  const problems: string[] = [];
  if (props.encryptionKey.region !== props.region) {
    problems.push(`encryptionKey: must be in the primary region ${props.region}, got a key in ${props.encryptionKey.region}`);
  }
  const retention = props.backupRetentionDays ?? 7;
  if (!Number.isInteger(retention) || retention < BACKUP_RETENTION_LIMITS.min || retention > BACKUP_RETENTION_LIMITS.max) {
    problems.push(
      `backupRetentionDays: must be a whole number from ${BACKUP_RETENTION_LIMITS.min} to ${BACKUP_RETENTION_LIMITS.max} days (RDS limit), got ${retention}`,
    );
  }
  problems.push(...windowProblems(props.backupWindow ?? DEFAULT_BACKUP_WINDOW, props.maintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW));
  if (props.existing && !props.existing.identifier) {
    problems.push('existing.identifier: must name the existing database');
  }
  if (props.dr) {
    if (props.dr.region === props.region) {
      problems.push(`dr.region: must differ from the primary region ${props.region}`);
    }
    if (props.dr.encryptionKey.region !== props.dr.region) {
      problems.push(
        `dr.encryptionKey: must be in the DR region ${props.dr.region} (an encrypted cross-region copy needs a key of its own region), got a key in ${props.dr.encryptionKey.region}`,
      );
    }
  }
  if (props.longTermBackup) {
    // Checked here too so every problem surfaces at once, prefixed with the prop the user actually set.
    const vaultProps = longTermBackupVaultProps(props.longTermBackup, {
      vaultName: props.vaultName,
      region: props.region,
      encryptionKey: props.encryptionKey,
      dr: props.dr,
      resourceArn: 'arn:pending',
      alarmTopics: props.alarmTopics,
    });
    problems.push(...backupVaultProblems(vaultProps).map((problem) => `longTermBackup.${problem}`));
  }
  for (const prop of ['azRpoSeconds', 'regionRpoSeconds'] as const) {
    const rpo = props[prop];
    if (rpo !== undefined && (!Number.isFinite(rpo) || rpo < 0)) {
      problems.push(`${prop}: must be a number of seconds, at least 0, got ${rpo}`);
    }
  }
  return problems;
}

/** Every problem with ProtectedDatabase props, each naming the prop and the limit. */
export function protectedDatabaseProblems(props: ProtectedDatabaseProps, names: DatabaseNames): string[] {
  const problems = commonDatabaseProblems({ ...props, vaultName: names.primary });
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
  if (sameRegion > 0) problems.push(...identifierProblems('readReplicas', names.replica(sameRegion)));
  if (drReplicas > 0) problems.push(...identifierProblems('readReplicas', names.dr));
  if (props.plannedAlarms) {
    const instances = [props.existing?.identifier ?? names.primary, ...Array.from({ length: sameRegion }, (_, i) => names.replica(i + 1))];
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
