import { DataAwsRdsCluster } from '@cdktf/provider-aws/lib/data-aws-rds-cluster';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import { RdsClusterParameterGroup } from '@cdktf/provider-aws/lib/rds-cluster-parameter-group';
import { RdsGlobalCluster } from '@cdktf/provider-aws/lib/rds-global-cluster';
import { Construct } from 'constructs';
import { alarmNamePrefix, auroraClusterAlarms } from '../src/plan/alarms';
import { DatabaseNames, databaseNames } from '../src/plan/naming';
import { AlarmTopics, ObjectiveAlarm, renderAlarms } from './alarm';
import { BackupVault, LongTermBackupOptions, longTermBackupVaultProps, RegionalKey } from './backup-vault';
import { databaseAlarmShares, PlannedAlarm, plannedAlarmProblems } from './database-alarms';
import {
  commonDatabaseProblems,
  DEFAULT_BACKUP_WINDOW,
  DEFAULT_MAINTENANCE_WINDOW,
  DisasterRecoveryRegion,
  ExistingDatabase,
  identifierProblems,
} from './protected-database';

/** Aurora engines `ProtectedAuroraCluster` creates. */
export type AuroraEngine = 'aurora-postgresql' | 'aurora-mysql';
export const AURORA_ENGINES: readonly AuroraEngine[] = ['aurora-postgresql', 'aurora-mysql'];

/** Aurora MySQL backtrack reaches at most 72 hours back. */
export const MAX_BACKTRACK_WINDOW_SECONDS = 259_200;

/** The secondary cluster of an Aurora global database, in the DR region. */
export interface AuroraGlobalSecondaryProps {
  /** Reader instances in the secondary cluster; 0 makes a headless secondary (storage only, cheapest). @default 0 */
  readonly readerCount?: number;
  /** Instance class of the secondary's readers. @default the primary's instanceClass */
  readonly instanceClass?: string;
  /**
   * aurora-postgresql only: `rds.global_db_rpo` in seconds (at least 20), set in a cluster parameter group in both
   * regions so commits wait whenever every secondary lags more than this. @default not enforced (the lag alarm watches)
   */
  readonly managedRpoSeconds?: number;
}

/** `rds.global_db_rpo` accepts no value below 20 seconds. */
export const MIN_MANAGED_RPO_SECONDS = 20;

export interface ProtectedAuroraClusterProps {
  /** Prefix of every physical name (the spec's `name`); names come from `databaseNames(stackName, databaseId)`. */
  readonly stackName: string;
  /** Stable id of the database; physical names derive from it, never from list positions. */
  readonly databaseId: string;
  /** Primary region. */
  readonly region: string;
  /** Aurora engine. */
  readonly engine: AuroraEngine;
  /** Engine version, e.g. '16.4' or '8.0.mysql_aurora.3.08.0'. Required unless `existing`. @default none */
  readonly engineVersion?: string;
  /** Instance class of the writer and readers, e.g. 'db.r7g.large'. Required unless `existing`. @default none */
  readonly instanceClass?: string;
  /** Readers next to the writer in the primary region (failover targets in other AZs). @default 1 */
  readonly readerCount?: number;
  /** Customer-managed key in the primary region for storage, the master secret and Performance Insights. */
  readonly encryptionKey: RegionalKey;
  /** Private subnets (two AZs or more) of the DB subnet group. Required unless `existing`. @default none */
  readonly subnetIds?: string[];
  /** Security groups of the cluster. Required unless `existing`. @default none */
  readonly securityGroupIds?: string[];
  /** Adopt an existing cluster instead of creating one. @default create a new cluster */
  readonly existing?: ExistingDatabase;
  /** Automated-backup (PITR) retention, 1-35 days. @default 7 */
  readonly backupRetentionDays?: number;
  /** Daily backup window, 'hh24:mi-hh24:mi' UTC, at least 30 minutes. @default '03:00-04:00' */
  readonly backupWindow?: string;
  /** Weekly maintenance window, 'ddd:hh24:mi-ddd:hh24:mi' UTC, not overlapping the backup window. @default 'sun:01:00-sun:02:00' (src/aws/windows.ts) */
  readonly maintenanceWindow?: string;
  /** Master user name; its password is generated and kept in Secrets Manager by RDS. @default 'dbadmin' */
  readonly masterUsername?: string;
  /** Name of the initial database. @default none */
  readonly databaseName?: string;
  /** DB cluster parameter group. @default the engine's default group */
  readonly clusterParameterGroupName?: string;
  /** Apply minor engine upgrades in the maintenance window. @default true */
  readonly autoMinorVersionUpgrade?: boolean;
  /** Performance Insights on every instance, encrypted with the region's key. @default false */
  readonly performanceInsights?: boolean;
  /** Aurora MySQL only: rewind in place up to this many seconds (at most 259200); set at creation only. @default 0 (off) */
  readonly backtrackWindowSeconds?: number;
  /** DR region for the global database secondary and AWS Backup copies. @default none */
  readonly dr?: DisasterRecoveryRegion;
  /** Aurora global database with a secondary cluster in `dr.region` (region RPO in seconds). @default none */
  readonly globalDatabase?: AuroraGlobalSecondaryProps;
  /** Long-term retention through AWS Backup (the only way past 35 days). @default none */
  readonly longTermBackup?: LongTermBackupOptions;
  /** SNS topic per region for every alarm. */
  readonly alarmTopics: AlarmTopics;
  /**
   * The store's alarms from the plan (`DatabaseStorePlan.alarms`), rendered as planned: AWS/RDS alarms here, AWS/Backup
   * alarms on the long-term backup vault; `Lifeboat`-namespace alarms are left to the verification and probe
   * constructs. An AWS/RDS alarm on an instance or cluster this construct does not create or adopt is an error.
   * @default planned here from the props by `auroraClusterAlarms` and `backupVaultAlarms` (src/plan/alarms)
   */
  readonly plannedAlarms?: PlannedAlarm[];
  /** az RPO in seconds: the AuroraReplicaLag alarms of the readers fire above it (at least 1 s). @default 20 (a replica's design lag) */
  readonly azRpoSeconds?: number;
  /** Region RPO in seconds: the global database's replication lag alarm fires above it (at least 1 s). @default 20 (a replica's design lag) */
  readonly regionRpoSeconds?: number;
  /** Tags for every resource. @default none */
  readonly tags?: Record<string, string>;
}

/**
 * An Aurora cluster (PostgreSQL or MySQL compatible) with a writer and readers that cannot be lost by accident:
 * encrypted with a customer-managed key, deletion protection, a deterministic final snapshot, automated backups kept
 * after deletion, private instances, master password in Secrets Manager, `prevent_destroy`. Optionally backtrack
 * (aurora-mysql), an Aurora global database with a secondary cluster in the DR region encrypted with the DR key
 * (headless or with readers), AWS Backup for long retention, and lag alarms (the global lag alarm lives in the
 * secondary region, where Aurora publishes the metric). With `existing`, the cluster is looked up, not created.
 */
export class ProtectedAuroraCluster extends Construct {
  /** Physical names of this database's resources. */
  public readonly names: DatabaseNames;
  /** Identifier of the primary cluster. */
  public readonly clusterIdentifier: string;
  /** ARN of the primary cluster (AWS Backup selections, IAM policies). */
  public readonly clusterArn: string;
  /** The primary cluster, when Lifeboat creates it. */
  public readonly cluster?: RdsCluster;
  /** Writer (first, named like the cluster) and readers (named `replica(n)`) of the primary cluster, when Lifeboat creates it. */
  public readonly instances: RdsClusterInstance[] = [];
  /** The global cluster, with `globalDatabase`. */
  public readonly globalCluster?: RdsGlobalCluster;
  /** The secondary cluster in the DR region, with `globalDatabase`. */
  public readonly secondaryCluster?: RdsCluster;
  /** Readers of the secondary cluster. */
  public readonly secondaryInstances: RdsClusterInstance[] = [];
  /** AWS Backup vault, plan and selection for long-term retention. */
  public readonly longTermBackup?: BackupVault;
  /** Every alarm guarding this database. */
  public readonly alarms: ObjectiveAlarm[] = [];

  constructor(scope: Construct, id: string, props: ProtectedAuroraClusterProps) {
    super(scope, id);
    this.names = databaseNames(props.stackName, props.databaseId);
    const problems = protectedAuroraClusterProblems(props, this.names);
    if (problems.length > 0) {
      throw new Error(`ProtectedAuroraCluster ${props.databaseId}:\n  ${problems.join('\n  ')}`);
    }

    const tags = props.tags;
    const planned = props.plannedAlarms ? databaseAlarmShares(props.plannedAlarms) : undefined;
    const readerIdentifiers: string[] = [];
    const secondaryReaderIdentifiers: string[] = [];
    const backupRetentionPeriod = props.backupRetentionDays ?? 7;
    const preferredBackupWindow = props.backupWindow ?? DEFAULT_BACKUP_WINDOW;
    const preferredMaintenanceWindow = props.maintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW;
    const autoMinorVersionUpgrade = props.autoMinorVersionUpgrade ?? true;

    const managedRpo = props.globalDatabase?.managedRpoSeconds;
    const globalRpoParameters = (id: string, region: string, name: string) =>
      managedRpo === undefined
        ? undefined
        : new RdsClusterParameterGroup(this, id, {
            region,
            name,
            family: `aurora-postgresql${(props.engineVersion as string).split('.')[0]}`,
            description: `rds.global_db_rpo = ${managedRpo} s for database ${props.databaseId}`,
            parameter: [{ name: 'rds.global_db_rpo', value: String(managedRpo), applyMethod: 'immediate' }],
            tags,
          }).name;

    if (props.existing) {
      const existing = new DataAwsRdsCluster(this, 'existing', {
        region: props.region,
        clusterIdentifier: props.existing.identifier,
      });
      this.clusterIdentifier = props.existing.identifier;
      this.clusterArn = existing.arn;
    } else {
      const subnetGroup = new DbSubnetGroup(this, 'subnet-group', {
        region: props.region,
        name: this.names.primary,
        description: `Private subnets of database ${props.databaseId}`,
        subnetIds: props.subnetIds as string[],
        tags,
      });
      this.cluster = new RdsCluster(this, 'cluster', {
        region: props.region,
        clusterIdentifier: this.names.primary,
        engine: props.engine,
        engineVersion: props.engineVersion,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: props.securityGroupIds,
        storageEncrypted: true,
        kmsKeyId: props.encryptionKey.keyArn,
        backupRetentionPeriod,
        preferredBackupWindow,
        preferredMaintenanceWindow,
        deletionProtection: true,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: this.names.finalSnapshot,
        deleteAutomatedBackups: false,
        copyTagsToSnapshot: true,
        manageMasterUserPassword: true,
        masterUsername: props.masterUsername ?? 'dbadmin',
        masterUserSecretKmsKeyId: props.encryptionKey.keyArn,
        databaseName: props.databaseName,
        dbClusterParameterGroupName: props.clusterParameterGroupName ?? globalRpoParameters('global-rpo-parameters', props.region, `${this.names.primary}-global-rpo`),
        backtrackWindow: props.backtrackWindowSeconds,
        tags,
        lifecycle: {
          preventDestroy: true,
          // The global cluster attaches this cluster through source_db_cluster_identifier; without this Terraform
          // would try to detach it on the next plan.
          ignoreChanges: props.globalDatabase ? ['global_cluster_identifier'] : undefined,
        },
      });
      this.clusterIdentifier = this.cluster.clusterIdentifier;
      this.clusterArn = this.cluster.arn;

      // The writer takes the cluster's own name (instance and cluster identifiers are separate namespaces) and
      // readers take replica(n), so adding a reader never renames the writer and reader names match the plan's.
      const members = [
        { constructId: 'writer', identifier: this.names.primary, reader: false },
        ...Array.from({ length: props.readerCount ?? 1 }, (_, i) => ({ constructId: `reader-${i + 1}`, identifier: this.names.replica(i + 1), reader: true })),
      ];
      for (const member of members) {
        this.instances.push(
          new RdsClusterInstance(this, member.constructId, {
            region: props.region,
            identifier: member.identifier,
            clusterIdentifier: this.cluster.id,
            engine: props.engine,
            instanceClass: props.instanceClass as string,
            dbSubnetGroupName: subnetGroup.name,
            publiclyAccessible: false,
            autoMinorVersionUpgrade,
            preferredMaintenanceWindow,
            copyTagsToSnapshot: true,
            ...performanceInsights(props.performanceInsights, props.encryptionKey),
            tags,
          }),
        );
        if (member.reader) readerIdentifiers.push(member.identifier);
      }
    }

    if (props.globalDatabase) {
      const dr = props.dr as DisasterRecoveryRegion;
      // Created from the primary (source_db_cluster_identifier) so the same path serves new and existing clusters;
      // engine, version and encryption come from the source, which the API requires in that case.
      this.globalCluster = new RdsGlobalCluster(this, 'global-cluster', {
        region: props.region,
        globalClusterIdentifier: this.names.globalCluster,
        sourceDbClusterIdentifier: this.clusterArn,
        deletionProtection: true,
        forceDestroy: false,
        lifecycle: { preventDestroy: true },
      });
      const drSubnetGroup = new DbSubnetGroup(this, 'dr-subnet-group', {
        region: dr.region,
        name: this.names.dr,
        description: `Private subnets of the global secondary of database ${props.databaseId}`,
        subnetIds: dr.subnetIds as string[],
        tags,
      });
      this.secondaryCluster = new RdsCluster(this, 'secondary-cluster', {
        region: dr.region,
        clusterIdentifier: this.names.dr,
        engine: props.engine,
        engineVersion: this.globalCluster.engineVersion,
        globalClusterIdentifier: this.globalCluster.id,
        // The same RPO applies after a failover makes this cluster the primary.
        dbClusterParameterGroupName: globalRpoParameters('dr-global-rpo-parameters', dr.region, `${this.names.dr}-global-rpo`),
        dbSubnetGroupName: drSubnetGroup.name,
        vpcSecurityGroupIds: dr.securityGroupIds,
        // A cross-region encrypted secondary can only use a key of its own region.
        storageEncrypted: true,
        kmsKeyId: dr.encryptionKey.keyArn,
        backupRetentionPeriod,
        preferredBackupWindow,
        preferredMaintenanceWindow,
        deletionProtection: true,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: `${this.names.dr}-final`,
        deleteAutomatedBackups: false,
        copyTagsToSnapshot: true,
        // No master user or managed password: a secondary inherits them and the API rejects both.
        tags,
        lifecycle: { preventDestroy: true, ignoreChanges: ['replication_source_identifier'] },
        // A secondary can join only once the primary has a writer.
        dependsOn: this.instances.length > 0 ? [this.instances[0]] : undefined,
      });
      for (let n = 1; n <= (props.globalDatabase.readerCount ?? 0); n++) {
        const identifier = `${this.names.dr}-${n}`;
        this.secondaryInstances.push(
          new RdsClusterInstance(this, `secondary-reader-${n}`, {
            region: dr.region,
            identifier,
            clusterIdentifier: this.secondaryCluster.id,
            engine: props.engine,
            instanceClass: (props.globalDatabase.instanceClass ?? props.instanceClass) as string,
            dbSubnetGroupName: drSubnetGroup.name,
            publiclyAccessible: false,
            autoMinorVersionUpgrade,
            preferredMaintenanceWindow,
            copyTagsToSnapshot: true,
            ...performanceInsights(props.performanceInsights, dr.encryptionKey),
            tags,
          }),
        );
        secondaryReaderIdentifiers.push(identifier);
      }
    }

    const alarms =
      planned?.database ??
      auroraClusterAlarms({
        prefix: alarmNamePrefix(props.stackName, props.databaseId),
        region: props.region,
        readers: readerIdentifiers,
        global: props.globalDatabase
          ? { region: (props.dr as DisasterRecoveryRegion).region, secondaryClusterIdentifier: this.names.dr, readers: secondaryReaderIdentifiers }
          : null,
        azRpoSeconds: props.azRpoSeconds ?? null,
        regionRpoSeconds: props.regionRpoSeconds ?? null,
      });
    this.alarms.push(...Object.values(renderAlarms(this, alarms, { topics: props.alarmTopics, tags })));

    if (props.longTermBackup) {
      this.longTermBackup = new BackupVault(
        this,
        'long-term-backup',
        longTermBackupVaultProps(props.longTermBackup, {
          vaultName: this.names.primary,
          region: props.region,
          encryptionKey: props.encryptionKey,
          dr: props.dr,
          resourceArn: this.clusterArn,
          alarmTopics: props.alarmTopics,
          alarms: planned?.backupVault,
          tags,
        }),
      );
    }
  }
}

function performanceInsights(enabled: boolean | undefined, key: RegionalKey) {
  return enabled ? { performanceInsightsEnabled: true, performanceInsightsKmsKeyId: key.keyArn } : { performanceInsightsEnabled: false };
}

/** Every problem with ProtectedAuroraCluster props, each naming the prop and the limit. */
export function protectedAuroraClusterProblems(props: ProtectedAuroraClusterProps, names: DatabaseNames): string[] {
  const problems = commonDatabaseProblems({ ...props, vaultName: names.primary });
  if (!AURORA_ENGINES.includes(props.engine)) {
    problems.push(`engine: must be one of ${AURORA_ENGINES.join(', ')} (RDS instance engines use ProtectedDatabase), got '${props.engine}'`);
  }
  const readers = props.readerCount ?? 1;
  if (props.existing) {
    if (props.readerCount !== undefined) problems.push('readerCount: cannot be set on an existing cluster Lifeboat does not manage');
    if (props.performanceInsights) problems.push('performanceInsights: cannot be changed on an existing cluster Lifeboat does not manage');
    if (props.backtrackWindowSeconds) problems.push('backtrackWindowSeconds: backtrack can only be enabled when the cluster is created');
  } else {
    problems.push(...identifierProblems('databaseId', names.primary), ...identifierProblems('readerCount', names.replica(Math.max(readers, 1))));
    if (!props.engineVersion) problems.push('engineVersion: required when creating a cluster');
    if (!props.instanceClass?.startsWith('db.')) problems.push(`instanceClass: required when creating a cluster and must start with 'db.', got '${props.instanceClass ?? ''}'`);
    if (!Number.isInteger(readers) || readers < 0 || readers > 15) problems.push(`readerCount: must be a whole number from 0 to 15 (Aurora limit), got ${readers}`);
    if ((props.subnetIds?.length ?? 0) < 2) problems.push('subnetIds: at least two private subnets in different AZs are required when creating a cluster');
    if ((props.securityGroupIds?.length ?? 0) < 1) problems.push('securityGroupIds: at least one security group is required when creating a cluster');
  }
  const backtrack = props.backtrackWindowSeconds ?? 0;
  if (backtrack !== 0) {
    if (props.engine !== 'aurora-mysql') problems.push(`backtrackWindowSeconds: backtrack exists only for aurora-mysql, got engine ${props.engine}`);
    if (!Number.isInteger(backtrack) || backtrack < 0 || backtrack > MAX_BACKTRACK_WINDOW_SECONDS) {
      problems.push(`backtrackWindowSeconds: must be a whole number from 0 to ${MAX_BACKTRACK_WINDOW_SECONDS} seconds (72 hours, Aurora limit), got ${backtrack}`);
    }
    if (props.globalDatabase) problems.push('backtrackWindowSeconds: Aurora global databases do not support backtrack; choose one');
  }
  if (props.globalDatabase) {
    const secondaryReaders = props.globalDatabase.readerCount ?? 0;
    if (!props.dr) {
      problems.push('globalDatabase: needs dr (the secondary region, its key, subnets and security groups)');
    } else if ((props.dr.subnetIds?.length ?? 0) < 2 || (props.dr.securityGroupIds?.length ?? 0) < 1) {
      problems.push(`dr.subnetIds / dr.securityGroupIds: the global secondary needs two or more private subnets and a security group in ${props.dr.region}`);
    }
    if (!Number.isInteger(secondaryReaders) || secondaryReaders < 0 || secondaryReaders > 15) {
      problems.push(`globalDatabase.readerCount: must be a whole number from 0 to 15 (Aurora limit), got ${secondaryReaders}`);
    }
    if (secondaryReaders > 0 && !props.globalDatabase.instanceClass && !props.instanceClass) {
      problems.push('globalDatabase.instanceClass: required when the primary is existing and the secondary has readers');
    }
    const managedRpo = props.globalDatabase.managedRpoSeconds;
    if (managedRpo !== undefined) {
      if (props.engine !== 'aurora-postgresql') problems.push(`globalDatabase.managedRpoSeconds: rds.global_db_rpo exists only for aurora-postgresql, got engine ${props.engine}`);
      if (!Number.isInteger(managedRpo) || managedRpo < MIN_MANAGED_RPO_SECONDS) {
        problems.push(`globalDatabase.managedRpoSeconds: must be a whole number of seconds >= ${MIN_MANAGED_RPO_SECONDS} (rds.global_db_rpo limit), got ${managedRpo}`);
      }
      if (props.existing) problems.push('globalDatabase.managedRpoSeconds: needs the cluster parameter group Lifeboat sets on clusters it creates, not on an existing cluster');
      if (props.clusterParameterGroupName) problems.push('globalDatabase.managedRpoSeconds: Lifeboat creates the cluster parameter group; do not also set clusterParameterGroupName');
    }
    problems.push(...identifierProblems('globalDatabase', names.globalCluster), ...identifierProblems('globalDatabase', `${names.dr}-${Math.max(secondaryReaders, 1)}`));
  }
  if (props.plannedAlarms) {
    const instances = props.existing ? [] : Array.from({ length: readers }, (_, i) => names.replica(i + 1));
    const secondaryReaders = props.globalDatabase?.readerCount ?? 0;
    if (props.globalDatabase) instances.push(...Array.from({ length: secondaryReaders }, (_, i) => `${names.dr}-${i + 1}`));
    problems.push(...plannedAlarmProblems(props.plannedAlarms, { instances, clusters: props.globalDatabase ? [names.dr] : [] }));
  }
  return problems;
}
