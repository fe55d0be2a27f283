import { DataAwsRdsCluster } from '@cdktf/provider-aws/lib/data-aws-rds-cluster';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import { RdsClusterParameterGroup } from '@cdktf/provider-aws/lib/rds-cluster-parameter-group';
import { RdsGlobalCluster } from '@cdktf/provider-aws/lib/rds-global-cluster';
import { Construct } from 'constructs';
import { DEFAULT_BACKUP_WINDOW, DEFAULT_MAINTENANCE_WINDOW } from '../src/aws/windows';
import { alarmNamePrefix, auroraClusterAlarms } from '../src/plan/alarms';
import type { DatabaseNamesPlan } from '../src/plan/types';
import { ObjectiveAlarm, renderAlarms } from './alarm';
import { BackupVault, backupNames, longTermBackupVaultProps } from './backup-vault';
import { databaseAlarmShares } from './database-alarms';
import type { DatabaseProtectionProps, DisasterRecoveryRegion } from './database-props';
import { protectedAuroraClusterProblems } from './private/aurora-cluster-validation';
import { protectedAuroraClusterNames } from './private/database-names';
import { performanceInsights } from './private/performance-insights';
import { dependOn, ref } from './private/reference';

export { AURORA_ENGINES, MAX_BACKTRACK_WINDOW_SECONDS, MIN_MANAGED_RPO_SECONDS, protectedAuroraClusterProblems } from './private/aurora-cluster-validation';

/** Aurora engines `ProtectedAuroraCluster` creates. */
export type AuroraEngine = 'aurora-postgresql' | 'aurora-mysql';

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

/** ProtectedAuroraCluster props: what every protected database takes, plus readers, backtrack and a global database. */
export interface ProtectedAuroraClusterProps extends DatabaseProtectionProps {
  /** Aurora engine. */
  readonly engine: AuroraEngine;
  /** Readers next to the writer in the primary region (failover targets in other AZs). @default 1 */
  readonly readerCount?: number;
  /** DB cluster parameter group. @default the engine's default group */
  readonly clusterParameterGroupName?: string;
  /** Aurora MySQL only: rewind in place up to this many seconds (at most 259200); set at creation only. @default 0 (off) */
  readonly backtrackWindowSeconds?: number;
  /** Aurora global database with a secondary cluster in `dr.region` (region RPO in seconds). @default none */
  readonly globalDatabase?: AuroraGlobalSecondaryProps;
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
  /** Physical names of this database's resources (the `names` prop, or named from stackName and databaseId). */
  public readonly names: DatabaseNamesPlan;
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
    this.names = protectedAuroraClusterNames(props);
    const names = this.names;
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
    const globalRpoParameters = (id: string, region: string, name: string | undefined) =>
      managedRpo === undefined
        ? undefined
        : ref(new RdsClusterParameterGroup(this, id, {
            region,
            name: name as string,
            family: `aurora-postgresql${(props.engineVersion as string).split('.')[0]}`,
            description: `rds.global_db_rpo = ${managedRpo} s for database ${props.databaseId}`,
            parameter: [{ name: 'rds.global_db_rpo', value: String(managedRpo), applyMethod: 'immediate' }],
            tags,
          }), 'name');

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
        name: names.subnetGroup as string,
        description: `Private subnets of database ${props.databaseId}`,
        subnetIds: props.subnetIds as string[],
        tags,
      });
      this.cluster = new RdsCluster(this, 'cluster', {
        region: props.region,
        clusterIdentifier: names.primary,
        engine: props.engine,
        engineVersion: props.engineVersion,
        dbSubnetGroupName: ref(subnetGroup, 'name'),
        vpcSecurityGroupIds: props.securityGroupIds,
        storageEncrypted: true,
        kmsKeyId: props.encryptionKey.keyArn,
        backupRetentionPeriod,
        preferredBackupWindow,
        preferredMaintenanceWindow,
        deletionProtection: true,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: names.finalSnapshot,
        deleteAutomatedBackups: false,
        copyTagsToSnapshot: true,
        manageMasterUserPassword: true,
        masterUsername: props.masterUsername ?? 'dbadmin',
        masterUserSecretKmsKeyId: props.encryptionKey.keyArn,
        databaseName: props.databaseName,
        dbClusterParameterGroupName: props.clusterParameterGroupName ?? globalRpoParameters('global-rpo-parameters', props.region, names.globalRpoParameterGroups?.primary),
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
        { constructId: 'writer', identifier: names.writerInstance as string, reader: false },
        ...Array.from({ length: props.readerCount ?? 1 }, (_, i) => ({ constructId: `reader-${i + 1}`, identifier: names.replicas[i], reader: true })),
      ];
      for (const member of members) {
        this.instances.push(
          new RdsClusterInstance(this, member.constructId, {
            region: props.region,
            identifier: member.identifier,
            clusterIdentifier: ref(this.cluster, 'id'),
            engine: props.engine,
            instanceClass: props.instanceClass as string,
            dbSubnetGroupName: ref(subnetGroup, 'name'),
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
        globalClusterIdentifier: names.globalCluster,
        sourceDbClusterIdentifier: this.clusterArn,
        deletionProtection: true,
        forceDestroy: false,
        lifecycle: { preventDestroy: true },
      });
      const drSubnetGroup = new DbSubnetGroup(this, 'dr-subnet-group', {
        region: dr.region,
        name: names.drSubnetGroup as string,
        description: `Private subnets of the global secondary of database ${props.databaseId}`,
        subnetIds: dr.subnetIds as string[],
        tags,
      });
      this.secondaryCluster = new RdsCluster(this, 'secondary-cluster', {
        region: dr.region,
        clusterIdentifier: names.dr,
        engine: props.engine,
        engineVersion: ref(this.globalCluster, 'engineVersion'),
        globalClusterIdentifier: ref(this.globalCluster, 'id'),
        // The same RPO applies after a failover makes this cluster the primary.
        dbClusterParameterGroupName: globalRpoParameters('dr-global-rpo-parameters', dr.region, names.globalRpoParameterGroups?.dr),
        dbSubnetGroupName: ref(drSubnetGroup, 'name'),
        vpcSecurityGroupIds: dr.securityGroupIds,
        // A cross-region encrypted secondary can only use a key of its own region.
        storageEncrypted: true,
        kmsKeyId: dr.encryptionKey.keyArn,
        backupRetentionPeriod,
        preferredBackupWindow,
        preferredMaintenanceWindow,
        deletionProtection: true,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: names.drFinalSnapshot as string,
        deleteAutomatedBackups: false,
        copyTagsToSnapshot: true,
        // No master user or managed password: a secondary inherits them and the API rejects both.
        tags,
        lifecycle: { preventDestroy: true, ignoreChanges: ['replication_source_identifier'] },
      });
      // A secondary can join only once the primary has a writer.
      if (this.instances.length > 0) dependOn(this.secondaryCluster, [this.instances[0]]);
      for (let n = 1; n <= (props.globalDatabase.readerCount ?? 0); n++) {
        const identifier = names.drReplicas[n - 1];
        this.secondaryInstances.push(
          new RdsClusterInstance(this, `secondary-reader-${n}`, {
            region: dr.region,
            identifier,
            clusterIdentifier: ref(this.secondaryCluster, 'id'),
            engine: props.engine,
            instanceClass: (props.globalDatabase.instanceClass ?? props.instanceClass) as string,
            dbSubnetGroupName: ref(drSubnetGroup, 'name'),
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
          ? { region: (props.dr as DisasterRecoveryRegion).region, secondaryClusterIdentifier: names.dr, readers: secondaryReaderIdentifiers }
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
          ...backupNames(names),
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

