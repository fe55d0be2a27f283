/**
 * Database recovery procedures, built from the plan (pure: no AWS calls). Identifiers come from the plan
 * (`operatorDatabaseNames`), Terraform addresses from the stack's cdk.tf.json when given.
 */
import type { BackupPlan, DatabaseStorePlan } from '../../plan/types';
import { incidentIdentifier, restoreIdentifier } from '../context';
import { arnPartition, operatorDatabaseNames, type OperatorDatabaseNames } from '../names';
import type { StackAddresses } from '../terraform';
import { address, expectedSeconds, referencingAddress, tags, waitStep } from './common';
import type { CallStep, Procedure, Step, TerraformCommand, TfAddress, Value } from './types';

export interface DatabaseProcedureOptions {
  /**
   * Restore target: an ISO UTC time, `latest`, or undefined for a runbook's `$RESTORE_TIME`.
   * @default undefined
   */
  restoreTime?: string;
  /** `yyyymmddthhmm` suffix of new identifiers (`${RESTORE_STAMP}` in a generic runbook). */
  stamp: string;
  /** Identifier of the new instance or cluster. @default `<primary>-restore-<stamp>` */
  targetId?: string;
  /** Make the restore Multi-AZ. @default false: a restore is for checking and switching; Terraform adds Multi-AZ. */
  multiAz?: boolean;
  /** Addresses from the stack's cdk.tf.json. @default looked up at run time in $TF_STACK_DIR/cdk.tf.json */
  addresses?: StackAddresses | null;
  /** Who runs it, for the `lifeboat:created-by` tag. @default the runbook's $USER */
  createdBy?: string;
}

interface Context {
  plan: BackupPlan;
  store: DatabaseStorePlan;
  names: OperatorDatabaseNames;
  options: DatabaseProcedureOptions;
  primaryRegion: string;
  drRegion: string;
  aurora: boolean;
}

function context(plan: BackupPlan, store: DatabaseStorePlan, options: DatabaseProcedureOptions): Context {
  return {
    plan,
    store,
    names: operatorDatabaseNames(plan, store),
    options,
    primaryRegion: plan.regions.primary,
    drRegion: plan.regions.dr,
    aurora: store.family === 'aurora',
  };
}

/** Identifier of the restored instance or cluster (Aurora reserves `-1` for the cluster's first instance). */
export function restoreTargetId(plan: BackupPlan, store: DatabaseStorePlan, options: Pick<DatabaseProcedureOptions, 'stamp' | 'targetId'>, region: 'primary' | 'dr' = 'primary'): string {
  if (options.targetId) return options.targetId;
  const names = operatorDatabaseNames(plan, store);
  return restoreIdentifier(region === 'dr' ? names.dr : names.primary, options.stamp, store.family === 'aurora' ? 2 : 0);
}

function restoreTimeInput(options: DatabaseProcedureOptions, member: 'RestoreTime' | 'RestoreToTime'): Record<string, Value> {
  if (options.restoreTime === 'latest') return { UseLatestRestorableTime: true };
  return { [member]: options.restoreTime ?? '${RESTORE_TIME}' };
}

function restoreTags(c: Context, region: string): Value {
  return tags(c.plan, c.store, {
    'lifeboat:restore-of': c.names.primary,
    'lifeboat:restore-time': c.options.restoreTime ?? '${RESTORE_TIME}',
    'lifeboat:restore-region': region,
    'lifeboat:created-by': c.options.createdBy ?? '${USER}',
  });
}

const SECRET_NOTE =
  'Terraform keeps the master password in Secrets Manager, encrypted with the store key (master_user_secret_kms_key_id). ' +
  'The restore APIs accept ManageMasterUserPassword for RDS for Oracle only, so the secret is created right after the ' +
  'restore, with the key Terraform expects (choose it now: changing it later re-encrypts under a new secret version).';

/**
 * What every instance restore sets, whatever its source (the primary's PITR window or the replicated backups in the
 * DR region): the settings Terraform expects of the store, so the restored instance can be adopted without drift.
 */
function restoredInstanceSettings(
  store: DatabaseStorePlan,
  subnetGroup: string,
  securityGroupIds: string[],
  multiAz: boolean | undefined,
  restoreTagList: Value,
): Record<string, Value> {
  return {
    DBSubnetGroupName: subnetGroup,
    VpcSecurityGroupIds: securityGroupIds,
    ...(store.instanceClass ? { DBInstanceClass: store.instanceClass } : {}),
    MultiAZ: multiAz ?? false,
    PubliclyAccessible: false,
    DeletionProtection: true,
    CopyTagsToSnapshot: true,
    BackupRetentionPeriod: store.backup.retentionDays,
    Tags: restoreTagList,
  };
}

function secretCall(c: Context, id: string, identifier: string, region: string, kmsKey: string): CallStep {
  const kind = c.aurora ? 'db-cluster' : 'db-instance';
  return {
    kind: 'call',
    id,
    title: `Give ${identifier} its own master-user secret, encrypted with ${kmsKey}`,
    service: 'rds',
    operation: c.aurora ? 'ModifyDBCluster' : 'ModifyDBInstance',
    region,
    input: {
      [c.aurora ? 'DBClusterIdentifier' : 'DBInstanceIdentifier']: identifier,
      ManageMasterUserPassword: true,
      MasterUserSecretKmsKeyId: kmsKey,
      ApplyImmediately: true,
    },
    changes: [{ kind, identifier, region }],
    note: SECRET_NOTE,
  };
}

/** Point-in-time restore of an RDS instance into a NEW instance in the primary region (corruption, AZ loss). */
export function instanceRestoreProcedure(plan: BackupPlan, store: DatabaseStorePlan, options: DatabaseProcedureOptions): Procedure {
  const c = context(plan, store, options);
  const target = restoreTargetId(plan, store, options);
  const region = c.primaryRegion;
  const expected = expectedSeconds(store, 'corruption', 3600);
  const steps: Step[] = [
    {
      kind: 'call',
      id: 'restore',
      title: `Restore ${c.names.primary} to ${options.restoreTime ?? '$RESTORE_TIME'} into the new instance ${target}`,
      service: 'rds',
      operation: 'RestoreDBInstanceToPointInTime',
      region,
      input: {
        SourceDBInstanceIdentifier: c.names.primary,
        TargetDBInstanceIdentifier: target,
        ...restoreTimeInput(options, 'RestoreTime'),
        ...restoredInstanceSettings(store, c.names.subnetGroup, plan.network.primary.securityGroupIds, options.multiAz, restoreTags(c, region)),
      },
      creates: [{ kind: 'db-instance', identifier: target, region }],
      note: "Same-region restores keep the source's KMS key (the one Terraform set); never restore over the source.",
    },
    ...instanceAfterRestore(c, target, region, c.names.kmsKey.primary, expected),
  ];
  return {
    id: 'restore-instance',
    storeId: store.id,
    title: 'Restore to a point in time into a new instance',
    summary:
      `Creates ${target} from the automated backups of ${c.names.primary} (logical damage, or an AZ loss without Multi-AZ: ` +
      'use the latest restorable time). Nothing existing is changed. Then verify it and switch traffic.',
    command: `lifeboat restore ${store.id} --to ${options.restoreTime ?? '"$RESTORE_TIME"'}`,
    variables: options.restoreTime ? [] : [{ name: 'RESTORE_TIME', description: 'UTC time to restore to' }],
    steps,
  };
}

/** Restore from the replicated automated backups in the DR region (region outage without a standby). */
export function instanceDrRestoreProcedure(plan: BackupPlan, store: DatabaseStorePlan, options: DatabaseProcedureOptions): Procedure {
  const c = context(plan, store, options);
  const target = restoreTargetId(plan, store, options, 'dr');
  const region = store.crossRegionBackupReplication?.region ?? c.drRegion;
  const restoreOptions = { ...options, restoreTime: options.restoreTime ?? 'latest' };
  const rc = { ...c, options: restoreOptions };
  const steps: Step[] = [
    {
      kind: 'call',
      id: 'find-backups',
      title: `Find the replicated automated backups of ${c.names.primary} in ${region}`,
      service: 'rds',
      operation: 'DescribeDBInstanceAutomatedBackups',
      region,
      input: { DBInstanceIdentifier: c.names.primary },
      capture: [{ name: 'AUTOMATED_BACKUPS_ARN', query: 'DBInstanceAutomatedBackups[0].DBInstanceAutomatedBackupsArn' }],
    },
    drSubnetGroupStep(c, region),
    {
      kind: 'call',
      id: 'restore',
      title: `Restore the replicated backups to ${restoreOptions.restoreTime === 'latest' ? 'the latest restorable time' : restoreOptions.restoreTime} into ${target}`,
      service: 'rds',
      operation: 'RestoreDBInstanceToPointInTime',
      region,
      input: {
        SourceDBInstanceAutomatedBackupsArn: '${AUTOMATED_BACKUPS_ARN}',
        TargetDBInstanceIdentifier: target,
        ...restoreTimeInput(restoreOptions, 'RestoreTime'),
        ...restoredInstanceSettings(store, c.names.drSubnetGroup, plan.network.dr.securityGroupIds, options.multiAz, restoreTags(rc, region)),
      },
      creates: [{ kind: 'db-instance', identifier: target, region }],
      note: 'The replicated backups are encrypted with the DR-region key; the restore keeps it.',
    },
    ...instanceAfterRestore(rc, target, region, c.names.kmsKey.dr, expectedSeconds(store, 'region', 3600)),
  ];
  return {
    id: 'restore-instance-dr',
    storeId: store.id,
    title: 'Restore from the replicated backups in the DR region',
    summary: `Creates ${target} in ${region} from the backups RDS replicates there. Data after the newest replicated log is lost.`,
    command: `lifeboat restore ${store.id} --region dr --to ${options.restoreTime ?? 'latest'}`,
    variables: [],
    steps,
  };
}

/** Point-in-time restore of an Aurora cluster into a NEW cluster, then its first instance. */
export function clusterRestoreProcedure(plan: BackupPlan, store: DatabaseStorePlan, options: DatabaseProcedureOptions): Procedure {
  const c = context(plan, store, options);
  const target = restoreTargetId(plan, store, options);
  const instance = `${target}-1`;
  const region = c.primaryRegion;
  const steps: Step[] = [
    {
      kind: 'call',
      id: 'restore',
      title: `Restore ${c.names.primary} to ${options.restoreTime ?? '$RESTORE_TIME'} into the new cluster ${target}`,
      service: 'rds',
      operation: 'RestoreDBClusterToPointInTime',
      region,
      input: {
        SourceDBClusterIdentifier: c.names.primary,
        DBClusterIdentifier: target,
        ...restoreTimeInput(options, 'RestoreToTime'),
        RestoreType: 'full-copy',
        DBSubnetGroupName: c.names.subnetGroup,
        VpcSecurityGroupIds: plan.network.primary.securityGroupIds,
        ...(c.names.globalRpoParameterGroup ? { DBClusterParameterGroupName: c.names.globalRpoParameterGroup.primary } : {}),
        DeletionProtection: true,
        CopyTagsToSnapshot: true,
        BackupRetentionPeriod: store.backup.retentionDays,
        Tags: restoreTags(c, region),
      },
      creates: [{ kind: 'db-cluster', identifier: target, region }],
      note: c.names.globalRpoParameterGroup
        ? `With the cluster parameter group Terraform sets (${c.names.globalRpoParameterGroup.primary}: rds.global_db_rpo = ${store.globalDatabase?.managedRpoSeconds} s), so the restored cluster enforces the same RPO once it leads the global database.`
        : "Keeps the source's KMS key.",
    },
    ...clusterAfterRestore(c, target, region, c.names.kmsKey.primary, expectedSeconds(store, 'corruption', 3600), restoreTags(c, region)),
  ];
  return {
    id: 'restore-cluster',
    storeId: store.id,
    title: 'Restore to a point in time into a new cluster',
    summary:
      `Creates the cluster ${target} and its instance ${instance} from the backups of ${c.names.primary}. Nothing existing is changed.` +
      (store.backtrack ? ` Backtrack (${store.backtrack.window}) would rewind ${c.names.primary} in place; restoring keeps the damaged data for comparison.` : ''),
    command: `lifeboat restore ${store.id} --to ${options.restoreTime ?? '"$RESTORE_TIME"'}`,
    variables: options.restoreTime ? [] : [{ name: 'RESTORE_TIME', description: 'UTC time to restore to' }],
    steps,
  };
}

function rename(kind: 'db-instance' | 'db-cluster', from: string, to: string, region: string, id: string): Step[] {
  const instance = kind === 'db-instance';
  return [
    {
      kind: 'call',
      id,
      title: `Rename ${from} to ${to}`,
      service: 'rds',
      operation: instance ? 'ModifyDBInstance' : 'ModifyDBCluster',
      region,
      input: instance
        ? { DBInstanceIdentifier: from, NewDBInstanceIdentifier: to, ApplyImmediately: true }
        : { DBClusterIdentifier: from, NewDBClusterIdentifier: to, ApplyImmediately: true },
      changes: [{ kind, identifier: from, region }],
    },
    waitStep(
      `${id}-done`,
      `Wait until ${to} answers under its new name (RDS reports it not found for a while after a rename)`,
      region,
      instance ? { type: 'db-instance-available', identifier: to } : { type: 'db-cluster-available', identifier: to },
      300,
    ),
  ];
}

function terraform(id: string, title: string, commands: TerraformCommand[]): Step {
  return { kind: 'terraform', id, title, commands: [{ type: 'init' }, ...commands, { type: 'plan-no-destroy' }] };
}

/** After a restore: swap names so applications keep their endpoint, re-attach DR protection, reconcile Terraform. */
export function instanceSwitchProcedure(plan: BackupPlan, store: DatabaseStorePlan, options: DatabaseProcedureOptions): Procedure {
  const c = context(plan, store, options);
  const target = restoreTargetId(plan, store, options);
  const region = c.primaryRegion;
  const damaged = incidentIdentifier(c.names.primary, 'damaged', options.stamp);
  const addresses = options.addresses;
  const instanceAddress = address(addresses, 'aws_db_instance', 'identifier', c.names.primary);
  const steps: Step[] = [
    { kind: 'note', id: 'freeze', title: `Stop the writers of ${c.names.primary}; after the swap its DNS name points at the restored data (clients reconnect within their DNS TTL).` },
    ...rename('db-instance', c.names.primary, damaged, region, 'rename-damaged'),
    ...rename('db-instance', target, c.names.primary, region, 'rename-restored'),
  ];
  const tf: TerraformCommand[] = [
    { type: 'state-rm', address: instanceAddress, why: `forget ${damaged} (state rm deletes nothing in AWS)` },
    { type: 'import', address: instanceAddress, id: c.names.primary, why: `adopt the restored ${c.names.primary}` },
  ];
  for (const replica of store.readReplicas) {
    const replicaDamaged = incidentIdentifier(replica.identifier, 'damaged', options.stamp);
    steps.push(...rename('db-instance', replica.identifier, replicaDamaged, replica.region, `rename-replica-${replica.index}`));
    tf.push({
      type: 'state-rm',
      address: address(addresses, 'aws_db_instance', 'identifier', replica.identifier),
      why: `forget ${replicaDamaged}, a replica of the damaged data; the plan creates ${replica.identifier} from the restored primary`,
    });
  }
  const replication = store.crossRegionBackupReplication;
  if (replication) {
    steps.push(
      {
        kind: 'call',
        id: 'account',
        title: 'Read the account id (for the instance ARN)',
        service: 'sts',
        operation: 'GetCallerIdentity',
        region,
        input: {},
        capture: [{ name: 'ACCOUNT_ID', query: 'Account' }],
      },
      {
        kind: 'call',
        id: 'replicate-backups',
        title: `Replicate the automated backups of the restored ${c.names.primary} to ${replication.region}`,
        service: 'rds',
        operation: 'StartDBInstanceAutomatedBackupsReplication',
        region: replication.region,
        input: {
          SourceDBInstanceArn: `arn:${arnPartition(region)}:rds:${region}:\${ACCOUNT_ID}:db:${c.names.primary}`,
          KmsKeyId: c.names.kmsKey.dr,
          BackupRetentionPeriod: replication.retentionDays,
        },
        changes: [{ kind: 'automated-backups-replication', identifier: `${c.names.primary} -> ${replication.region}`, region: replication.region }],
        alreadyExistsOk: true,
        note:
          `Backup replication follows the instance, not the name: it stays with ${damaged} (stop it there when the incident is closed), ` +
          'and the restored instance has none in the DR region until this call.',
      },
      waitStep(
        'replicating',
        `Wait until the backups of ${c.names.primary} replicate to ${replication.region}`,
        replication.region,
        { type: 'automated-backups-replicating', sourceIdentifier: c.names.primary },
        1800,
      ),
      {
        kind: 'call',
        id: 'replicated-arn',
        title: 'Read the ARN of the new replicated backups (Terraform imports it)',
        service: 'rds',
        operation: 'DescribeDBInstanceAutomatedBackups',
        region: replication.region,
        input: { DBInstanceIdentifier: c.names.primary },
        capture: [{ name: 'REPLICATED_BACKUPS_ARN', query: 'DBInstanceAutomatedBackups[0].DBInstanceAutomatedBackupsArn' }],
      },
    );
    const replicationAddress = referencingAddress(addresses, 'aws_db_instance_automated_backups_replication', 'source_db_instance_arn', instanceAddress, 'arn');
    tf.push(
      { type: 'state-rm', address: replicationAddress, why: `forget the replication of ${damaged}` },
      { type: 'import', address: replicationAddress, id: '${REPLICATED_BACKUPS_ARN}', why: `adopt the replication of the restored ${c.names.primary}` },
    );
  }
  steps.push(terraform('terraform', 'Reconcile Terraform state with the swapped instances', tf));
  steps.push({ kind: 'note', id: 'cleanup', title: `Delete ${damaged} only once the objectives hold again (turn off its deletion protection explicitly).` });
  return {
    id: 'switch-instance',
    storeId: store.id,
    title: 'Switch traffic to the restored instance',
    summary: `Swaps names: ${c.names.primary} becomes ${damaged}, ${target} becomes ${c.names.primary}; Terraform then adopts it without destroying anything.`,
    command: null,
    variables: [{ name: 'TF_STACK_DIR', description: 'the synthesized stack directory' }],
    steps,
  };
}

/** After an Aurora restore: swap cluster AND instance names, rebuild the global database, reconcile Terraform. */
export function clusterSwitchProcedure(plan: BackupPlan, store: DatabaseStorePlan, options: DatabaseProcedureOptions): Procedure {
  const c = context(plan, store, options);
  const target = restoreTargetId(plan, store, options);
  const region = c.primaryRegion;
  const stamp = options.stamp;
  const damaged = incidentIdentifier(c.names.primary, 'damaged', stamp);
  const addresses = options.addresses;
  const [writer, ...readers] = c.names.clusterInstances;
  const clusterAddress = address(addresses, 'aws_rds_cluster', 'cluster_identifier', c.names.primary);
  const steps: Step[] = [
    { kind: 'note', id: 'freeze', title: `Stop the writers of ${c.names.primary}; after the swap its endpoints point at the restored data.` },
    ...rename('db-cluster', c.names.primary, damaged, region, 'rename-damaged'),
    ...c.names.clusterInstances.flatMap((instance, index) =>
      rename('db-instance', instance, incidentIdentifier(instance, 'damaged', stamp), region, `rename-damaged-instance-${index}`),
    ),
    ...rename('db-cluster', target, c.names.primary, region, 'rename-restored'),
    ...(writer ? rename('db-instance', `${target}-1`, writer, region, 'rename-restored-instance') : []),
  ];
  const tf: TerraformCommand[] = [
    { type: 'state-rm', address: clusterAddress, why: `forget ${damaged}` },
    { type: 'import', address: clusterAddress, id: c.names.primary, why: `adopt the restored ${c.names.primary}` },
  ];
  for (const instance of c.names.clusterInstances) {
    const instanceAddress = address(addresses, 'aws_rds_cluster_instance', 'identifier', instance);
    tf.push({
      type: 'state-rm',
      address: instanceAddress,
      why: `forget ${incidentIdentifier(instance, 'damaged', stamp)}, an instance of the damaged cluster (its cluster_identifier would force a replacement that destroys it)`,
    });
    if (instance === writer) tf.push({ type: 'import', address: instanceAddress, id: writer, why: `adopt the restored cluster's instance, now ${writer}` });
  }
  if (readers.length > 0) {
    steps.push({ kind: 'note', id: 'readers', title: `The plan below creates ${readers.join(', ')} in the restored cluster: that is the only creation it may show besides the DR side.` });
  }
  const global = store.globalDatabase;
  if (global) {
    const damagedSecondary = incidentIdentifier(global.secondaryClusterIdentifier, 'damaged', stamp);
    steps.push(
      { kind: 'call', id: 'account', title: 'Read the account id (for cluster ARNs)', service: 'sts', operation: 'GetCallerIdentity', region, input: {}, capture: [{ name: 'ACCOUNT_ID', query: 'Account' }] },
      {
        kind: 'call',
        id: 'detach-secondary',
        title: `Detach the secondary ${global.secondaryClusterIdentifier}: it replicated the damage`,
        service: 'rds',
        operation: 'RemoveFromGlobalCluster',
        region: global.secondaryRegion,
        input: { GlobalClusterIdentifier: global.globalClusterIdentifier, DbClusterIdentifier: `arn:${arnPartition(global.secondaryRegion)}:rds:${global.secondaryRegion}:\${ACCOUNT_ID}:cluster:${global.secondaryClusterIdentifier}` },
        changes: [{ kind: 'global-cluster', identifier: global.globalClusterIdentifier, region: global.secondaryRegion }],
      },
      ...rename('db-cluster', global.secondaryClusterIdentifier, damagedSecondary, global.secondaryRegion, 'rename-secondary'),
      {
        kind: 'call',
        id: 'detach-damaged',
        title: `Detach ${damaged} from ${global.globalClusterIdentifier}`,
        service: 'rds',
        operation: 'RemoveFromGlobalCluster',
        region,
        input: { GlobalClusterIdentifier: global.globalClusterIdentifier, DbClusterIdentifier: `arn:${arnPartition(region)}:rds:${region}:\${ACCOUNT_ID}:cluster:${damaged}` },
        changes: [{ kind: 'global-cluster', identifier: global.globalClusterIdentifier, region }],
      },
      {
        kind: 'shell',
        id: 'recreate-global',
        title:
          `The empty global cluster ${global.globalClusterIdentifier} holds no data; a person removes it and recreates it from the restored ` +
          `${c.names.primary} (Lifeboat's commands never delete):`,
        lines: [
          `aws rds modify-global-cluster --global-cluster-identifier ${global.globalClusterIdentifier} --no-deletion-protection --region ${region}`,
          `aws rds delete-global-cluster --global-cluster-identifier ${global.globalClusterIdentifier} --region ${region}`,
          `aws rds create-global-cluster --global-cluster-identifier ${global.globalClusterIdentifier} --source-db-cluster-identifier "arn:${arnPartition(region)}:rds:${region}:$ACCOUNT_ID:cluster:${c.names.primary}" --deletion-protection --region ${region}`,
        ],
      },
    );
    const globalAddress = address(addresses, 'aws_rds_global_cluster', 'global_cluster_identifier', global.globalClusterIdentifier);
    const secondaryAddress = address(addresses, 'aws_rds_cluster', 'cluster_identifier', global.secondaryClusterIdentifier);
    tf.push(
      { type: 'state-rm', address: globalAddress, why: 'forget the removed global cluster' },
      { type: 'import', address: globalAddress, id: global.globalClusterIdentifier, why: 'adopt the recreated global cluster' },
      { type: 'state-rm', address: secondaryAddress, why: `forget ${damagedSecondary}; the plan creates ${global.secondaryClusterIdentifier} from the restored primary` },
      ...c.names.secondaryInstances.map(
        (instance): TerraformCommand => ({
          type: 'state-rm',
          address: address(addresses, 'aws_rds_cluster_instance', 'identifier', instance),
          why: `forget ${instance} of ${damagedSecondary}; the plan creates a new one`,
        }),
      ),
    );
  }
  steps.push(terraform('terraform', 'Reconcile Terraform state with the swapped cluster and instances', tf));
  steps.push({ kind: 'note', id: 'cleanup', title: `Delete ${damaged} and its instances only once the objectives hold again (turn off deletion protection explicitly).` });
  return {
    id: 'switch-cluster',
    storeId: store.id,
    title: 'Switch traffic to the restored cluster',
    summary:
      `Swaps names of the clusters and of their instances (${c.names.clusterInstances.join(', ')}), so Terraform adopts the restored ` +
      'cluster and its writer and never replaces an instance of the damaged cluster.',
    command: null,
    variables: [{ name: 'TF_STACK_DIR', description: 'the synthesized stack directory' }],
    steps,
  };
}

export function promoteReplicaProcedure(store: DatabaseStorePlan): Procedure | null {
  const replica = store.readReplicas.find((candidate) => candidate.index === 0);
  if (!replica) return null;
  const steps: Step[] = [
    {
      kind: 'call',
      id: 'promote',
      title: `Promote ${replica.identifier} to a standalone primary (one-way)`,
      service: 'rds',
      operation: 'PromoteReadReplica',
      region: replica.region,
      input: { DBInstanceIdentifier: replica.identifier, BackupRetentionPeriod: store.backup.retentionDays, PreferredBackupWindow: store.backup.backupWindow },
      changes: [{ kind: 'db-instance', identifier: replica.identifier, region: replica.region }],
    },
    waitStep('promoted', `Wait until ${replica.identifier} is available and no longer a replica`, replica.region, { type: 'db-instance-promoted', identifier: replica.identifier }, 900),
  ];
  if (store.multiAz) {
    steps.push(
      {
        kind: 'call',
        id: 'multi-az',
        title: `Make ${replica.identifier} Multi-AZ, as the plan's primary is`,
        service: 'rds',
        operation: 'ModifyDBInstance',
        region: replica.region,
        input: { DBInstanceIdentifier: replica.identifier, MultiAZ: true, ApplyImmediately: true },
        changes: [{ kind: 'db-instance', identifier: replica.identifier, region: replica.region }],
      },
      waitStep('multi-az-done', `Wait until ${replica.identifier} is available`, replica.region, { type: 'db-instance-available', identifier: replica.identifier }, 1800),
    );
  }
  steps.push({ kind: 'note', id: 'traffic', title: `Point applications at ${replica.identifier}. Do not deploy this stack until you fail back: Terraform still describes it as a replica.` });
  return {
    id: 'promote-replica',
    storeId: store.id,
    title: 'Promote the cross-region replica',
    summary: 'Region outage: writes the replica had not received (its ReplicaLag) are lost.',
    command: `lifeboat failover ${store.id} --unplanned`,
    variables: [],
    steps,
  };
}

function secondaryArnStep(store: DatabaseStorePlan, target: 'secondary' | 'primary', plan: BackupPlan): CallStep {
  const global = store.globalDatabase as NonNullable<DatabaseStorePlan['globalDatabase']>;
  const identifier = target === 'secondary' ? global.secondaryClusterIdentifier : store.names.primary;
  const region = target === 'secondary' ? global.secondaryRegion : plan.regions.primary;
  return {
    kind: 'call',
    id: 'target-arn',
    title: `Read the ARN of ${identifier}`,
    service: 'rds',
    operation: 'DescribeDBClusters',
    region,
    input: { DBClusterIdentifier: identifier },
    capture: [{ name: 'TARGET_ARN', query: 'DBClusters[0].DBClusterArn' }],
  };
}

/** Planned: both regions healthy; switchover waits for the secondary to catch up, so nothing is lost. */
export function globalSwitchoverProcedure(plan: BackupPlan, store: DatabaseStorePlan, direction: 'to-dr' | 'to-primary' = 'to-dr'): Procedure | null {
  const global = store.globalDatabase;
  if (!global) return null;
  const toDr = direction === 'to-dr';
  const writer = toDr ? global.secondaryClusterIdentifier : store.names.primary;
  const region = toDr ? global.secondaryRegion : plan.regions.primary;
  return {
    id: 'global-switchover',
    storeId: store.id,
    title: toDr ? 'Planned: switch the global database over to the DR region' : 'Fail back: switch the global database over to the primary region',
    summary: 'Both regions healthy. Switchover waits until the target is in sync, so no committed write is lost; writes pause for about a minute.',
    command: toDr ? `lifeboat failover ${store.id} --planned` : null,
    variables: [],
    steps: [
      secondaryArnStep(store, toDr ? 'secondary' : 'primary', plan),
      {
        kind: 'call',
        id: 'switchover',
        title: `Switch ${global.globalClusterIdentifier} over to ${writer}`,
        service: 'rds',
        operation: 'SwitchoverGlobalCluster',
        region,
        input: { GlobalClusterIdentifier: global.globalClusterIdentifier, TargetDbClusterIdentifier: '${TARGET_ARN}' },
        changes: [{ kind: 'global-cluster', identifier: global.globalClusterIdentifier, region }],
      },
      waitStep('writer', `Wait until the switchover is over (no FailoverState) and ${writer} writes`, region, { type: 'global-writer', globalClusterIdentifier: global.globalClusterIdentifier, writerClusterIdentifier: writer }, 300),
    ],
  };
}

/** Unplanned: the primary region is down; fail over accepting the replication lag as data loss. */
export function globalFailoverProcedure(plan: BackupPlan, store: DatabaseStorePlan, createdBy?: string): Procedure | null {
  const global = store.globalDatabase;
  if (!global) return null;
  const region = global.secondaryRegion;
  const steps: Step[] = [
    secondaryArnStep(store, 'secondary', plan),
    {
      kind: 'call',
      id: 'failover',
      title: `Fail ${global.globalClusterIdentifier} over to ${global.secondaryClusterIdentifier}, allowing data loss`,
      service: 'rds',
      operation: 'FailoverGlobalCluster',
      region,
      input: { GlobalClusterIdentifier: global.globalClusterIdentifier, TargetDbClusterIdentifier: '${TARGET_ARN}', AllowDataLoss: true },
      changes: [{ kind: 'global-cluster', identifier: global.globalClusterIdentifier, region }],
      note: 'Only when the primary region is down: writes that had not reached the secondary (AuroraGlobalDBReplicationLag) are lost.',
    },
    waitStep(
      'writer',
      `Wait until the failover is over (no FailoverState) and ${global.secondaryClusterIdentifier} writes`,
      region,
      { type: 'global-writer', globalClusterIdentifier: global.globalClusterIdentifier, writerClusterIdentifier: global.secondaryClusterIdentifier },
      300,
    ),
  ];
  if (global.secondaryInstances === 0) {
    steps.push({
      kind: 'call',
      id: 'writer-instance',
      title: `Add a writer instance to the headless ${global.secondaryClusterIdentifier}`,
      service: 'rds',
      operation: 'CreateDBInstance',
      region,
      input: {
        DBInstanceIdentifier: `${global.secondaryClusterIdentifier}-1`,
        DBClusterIdentifier: global.secondaryClusterIdentifier,
        Engine: store.engine,
        ...(store.instanceClass ? { DBInstanceClass: store.instanceClass } : {}),
        PubliclyAccessible: false,
        Tags: tags(plan, store, { 'lifeboat:created-by': createdBy ?? '${USER}', 'lifeboat:failover-of': global.globalClusterIdentifier }),
      },
      creates: [{ kind: 'db-instance', identifier: `${global.secondaryClusterIdentifier}-1`, region }],
      alreadyExistsOk: true,
    });
  }
  steps.push({ kind: 'note', id: 'traffic', title: `Point applications at the writer endpoint of ${global.secondaryClusterIdentifier} in ${region}.` });
  return {
    id: 'global-failover',
    storeId: store.id,
    title: 'Unplanned: fail the global database over to the DR region',
    summary: 'Primary region down. Loses what had not replicated; never run it while the primary region is healthy (use the switchover).',
    command: `lifeboat failover ${store.id} --unplanned`,
    variables: [],
    steps,
  };
}

/**
 * `rds.global_db_rpo` makes the primary wait for the secondary: when the DR region is down or lags past it, every
 * commit blocks. Resetting the parameter releases them (the RPO is then no longer enforced until Terraform sets it
 * again).
 */
export function globalRpoReleaseProcedure(plan: BackupPlan, store: DatabaseStorePlan): Procedure | null {
  const names = operatorDatabaseNames(plan, store);
  if (!names.globalRpoParameterGroup || !store.globalDatabase) return null;
  const group = names.globalRpoParameterGroup.primary;
  const region = plan.regions.primary;
  return {
    id: 'global-rpo-release',
    storeId: store.id,
    title: 'DR region down: every commit on the primary blocks',
    summary:
      `${group} sets rds.global_db_rpo = ${store.globalDatabase.managedRpoSeconds} s: when ${store.globalDatabase.secondaryClusterIdentifier} lags ` +
      'past it (DR region down, replication broken), the primary holds every commit until it catches up. Resetting the ' +
      'parameter lets commits through at once, without the RPO guarantee, until the secondary is back.',
    command: null,
    variables: [],
    steps: [
      {
        kind: 'call',
        id: 'reset',
        title: `Reset rds.global_db_rpo on ${group} (applies immediately)`,
        service: 'rds',
        operation: 'ResetDBClusterParameterGroup',
        region,
        input: { DBClusterParameterGroupName: group, Parameters: [{ ParameterName: 'rds.global_db_rpo', ApplyMethod: 'immediate' }] },
        changes: [{ kind: 'db-cluster-parameter-group', identifier: group, region }],
      },
      {
        kind: 'note',
        id: 'restore-rpo',
        title:
          `When ${store.globalDatabase.secondaryRegion} is back and AuroraGlobalDBRPOLag is under the RPO, \`cdktf deploy\` sets the parameter ` +
          'again; until then `terraform plan` shows that one in-place update (and no destroy).',
      },
      terraform('terraform', 'Check that Terraform only wants the parameter back', []),
    ],
  };
}

/**
 * Fail back after a replica promotion: rebuild the primary as a replica of the promoted DR instance, promote it back
 * during a short write freeze, retire the promoted copy so Terraform recreates the DR replica.
 */
export function replicaFailbackProcedure(plan: BackupPlan, store: DatabaseStorePlan, options: DatabaseProcedureOptions): Procedure | null {
  const replica = store.readReplicas.find((candidate) => candidate.index === 0);
  if (!replica) return null;
  const c = context(plan, store, options);
  const region = c.primaryRegion;
  const stale = incidentIdentifier(c.names.primary, 'stale', options.stamp);
  const retired = incidentIdentifier(replica.identifier, 'retired', options.stamp);
  const addresses = options.addresses;
  const steps: Step[] = [
    { kind: 'call', id: 'account', title: 'Read the account id (for the replica source ARN)', service: 'sts', operation: 'GetCallerIdentity', region, input: {}, capture: [{ name: 'ACCOUNT_ID', query: 'Account' }] },
    ...rename('db-instance', c.names.primary, stale, region, 'rename-stale'),
    {
      kind: 'call',
      id: 'rebuild',
      title: `Create ${c.names.primary} as a replica of the promoted ${replica.identifier}`,
      service: 'rds',
      operation: 'CreateDBInstanceReadReplica',
      region,
      input: {
        DBInstanceIdentifier: c.names.primary,
        SourceDBInstanceIdentifier: `arn:${arnPartition(replica.region)}:rds:${replica.region}:\${ACCOUNT_ID}:db:${replica.identifier}`,
        KmsKeyId: c.names.kmsKey.primary,
        DBSubnetGroupName: c.names.subnetGroup,
        VpcSecurityGroupIds: plan.network.primary.securityGroupIds,
        ...(store.instanceClass ? { DBInstanceClass: store.instanceClass } : {}),
        PubliclyAccessible: false,
        DeletionProtection: true,
        CopyTagsToSnapshot: true,
        Tags: tags(plan, store, { 'lifeboat:failback-of': replica.identifier }),
      },
      creates: [{ kind: 'db-instance', identifier: c.names.primary, region }],
      alreadyExistsOk: true,
    },
    waitStep('rebuilt', `Wait until ${c.names.primary} is available`, region, { type: 'db-instance-available', identifier: c.names.primary }, expectedSeconds(store, 'region', 3600)),
    { kind: 'note', id: 'freeze', title: `Freeze writes on ${replica.identifier} and wait until ReplicaLag of ${c.names.primary} is 0.` },
    {
      kind: 'call',
      id: 'promote-back',
      title: `Promote ${c.names.primary} back to the primary`,
      service: 'rds',
      operation: 'PromoteReadReplica',
      region,
      input: { DBInstanceIdentifier: c.names.primary, BackupRetentionPeriod: store.backup.retentionDays, PreferredBackupWindow: store.backup.backupWindow },
      changes: [{ kind: 'db-instance', identifier: c.names.primary, region }],
    },
    waitStep('promoted-back', `Wait until ${c.names.primary} is available and no longer a replica`, region, { type: 'db-instance-promoted', identifier: c.names.primary }, 900),
    { kind: 'note', id: 'traffic', title: `Switch applications back to ${c.names.primary}.` },
    ...rename('db-instance', replica.identifier, retired, replica.region, 'retire-dr'),
    terraform('terraform', 'Reconcile Terraform state: adopt the rebuilt primary, recreate the DR replica', [
      { type: 'state-rm', address: address(addresses, 'aws_db_instance', 'identifier', c.names.primary), why: `forget ${stale}` },
      { type: 'import', address: address(addresses, 'aws_db_instance', 'identifier', c.names.primary), id: c.names.primary, why: `adopt the rebuilt ${c.names.primary}` },
      { type: 'state-rm', address: address(addresses, 'aws_db_instance', 'identifier', replica.identifier), why: `forget ${retired}; the plan creates ${replica.identifier} again as a replica` },
    ]),
    { kind: 'note', id: 'cleanup', title: `Once the alarms are OK again, delete ${stale} and ${retired} (turn off their deletion protection explicitly).` },
  ];
  return {
    id: 'promote-replica',
    storeId: store.id,
    title: 'Fail back to the primary region',
    summary: `When ${region} is healthy, ${c.names.primary} is stale: it is rebuilt from the promoted ${replica.identifier}, then promoted back.`,
    command: null,
    variables: [],
    steps,
  };
}

export function isTfAddress(value: unknown): value is TfAddress {
  return typeof value === 'object' && value !== null && 'type' in value && 'attribute' in value;
}

/**
 * Restore from a snapshot (a checkpoint, an automated or AWS Backup snapshot, a copy in the DR region) into a NEW
 * instance or cluster: the point-in-time procedure with the restore call swapped for the snapshot restore, so the
 * settings from the plan, the secret, the waits and the checks stay the same.
 */
export function snapshotRestoreProcedure(plan: BackupPlan, store: DatabaseStorePlan, options: DatabaseProcedureOptions & { snapshotId: string }, region: 'primary' | 'dr' = 'primary'): Procedure {
  if (store.family === 'aurora' && region === 'dr') return clusterDrSnapshotRestoreProcedure(plan, store, options);
  const base =
    store.family === 'aurora' ? clusterRestoreProcedure(plan, store, options) : region === 'dr' ? instanceDrRestoreProcedure(plan, store, options) : instanceRestoreProcedure(plan, store, options);
  const steps = base.steps
    .filter((step) => step.id !== 'find-backups')
    .map((step): Step => {
      if (step.kind !== 'call' || step.id !== 'restore') return step;
      const input = { ...step.input };
      for (const member of ['SourceDBInstanceIdentifier', 'SourceDBInstanceAutomatedBackupsArn', 'SourceDBClusterIdentifier', 'RestoreTime', 'RestoreToTime', 'UseLatestRestorableTime', 'RestoreType']) delete input[member];
      const cluster = store.family === 'aurora';
      const target = cluster ? (input.DBClusterIdentifier as string) : (input.TargetDBInstanceIdentifier as string);
      delete input.TargetDBInstanceIdentifier;
      return {
        ...step,
        title: `Restore the snapshot ${options.snapshotId} into the new ${cluster ? 'cluster' : 'instance'} ${target}`,
        operation: cluster ? 'RestoreDBClusterFromSnapshot' : 'RestoreDBInstanceFromDBSnapshot',
        input: cluster
          ? { SnapshotIdentifier: options.snapshotId, Engine: store.engine, ...input }
          : { DBSnapshotIdentifier: options.snapshotId, DBInstanceIdentifier: target, ...input },
        note: 'A snapshot restore keeps the KMS key of the snapshot (a copy in the DR region: the DR-region key).',
      };
    });
  return {
    ...base,
    title: 'Restore a snapshot into a new instance or cluster',
    summary: `Creates a new ${store.family === 'aurora' ? 'cluster' : 'instance'} from the snapshot ${options.snapshotId}; data after the snapshot was taken is not in it. Nothing existing is changed.`,
    command: `lifeboat restore ${store.id} --to ${options.snapshotId}${region === 'dr' ? ' --region dr' : ''}`,
    variables: [],
    steps,
  };
}

/** The DB subnet group a restore in the DR region uses: the plan's, or one this step creates (kept when it exists). */
function drSubnetGroupStep(c: Context, region: string): CallStep {
  return {
    kind: 'call',
    id: 'subnet-group',
    title: `Create the DB subnet group ${c.names.drSubnetGroup} in ${region} (kept from an earlier drill if it exists)`,
    service: 'rds',
    operation: 'CreateDBSubnetGroup',
    region,
    input: {
      DBSubnetGroupName: c.names.drSubnetGroup,
      DBSubnetGroupDescription: `DR restores of ${c.names.primary}`,
      SubnetIds: c.plan.network.dr.subnetIds,
      Tags: tags(c.plan, c.store, { 'lifeboat:created-by': c.options.createdBy ?? '${USER}' }),
    },
    creates: [{ kind: 'db-instance', identifier: `subnet group ${c.names.drSubnetGroup}`, region }],
    alreadyExistsOk: true,
  };
}

/** After an Aurora cluster restore (any source): wait, create its first instance, give it its secret, verify. */
function clusterAfterRestore(c: Context, target: string, region: string, kmsKey: string, expected: number, tagList: Value): Step[] {
  const instance = `${target}-1`;
  return [
    waitStep('cluster-available', `Wait until ${target} is available`, region, { type: 'db-cluster-available', identifier: target }, expected),
    {
      kind: 'call',
      id: 'instance',
      title: `Create ${instance}, the restored cluster's first instance (Aurora restores a cluster without instances)`,
      service: 'rds',
      operation: 'CreateDBInstance',
      region,
      input: {
        DBInstanceIdentifier: instance,
        DBClusterIdentifier: target,
        Engine: c.store.engine,
        ...(c.store.instanceClass ? { DBInstanceClass: c.store.instanceClass } : {}),
        PubliclyAccessible: false,
        Tags: tagList,
      },
      creates: [{ kind: 'db-instance', identifier: instance, region }],
      alreadyExistsOk: true,
    },
    waitStep('instance-available', `Wait until ${instance} is available`, region, { type: 'db-instance-available', identifier: instance }, 900),
    secretCall(c, 'secret', target, region, kmsKey),
    waitStep('secret-active', `Wait until ${target} is available with its secret active`, region, { type: 'db-cluster-available', identifier: target, secretActive: true }, 300),
    { kind: 'check', id: 'verify', title: `Run the store's verification checks against ${target}`, region, identifier: target, identifierKind: 'db-cluster' },
  ];
}

/** After an instance restore (any source): wait, give it its secret, verify. */
function instanceAfterRestore(c: Context, target: string, region: string, kmsKey: string, expected: number): Step[] {
  return [
    waitStep('restore-available', `Wait until ${target} is available`, region, { type: 'db-instance-available', identifier: target }, expected),
    secretCall(c, 'secret', target, region, kmsKey),
    waitStep('secret-active', `Wait until ${target} is available with its secret active`, region, { type: 'db-instance-available', identifier: target, secretActive: true }, 300),
    { kind: 'check', id: 'verify', title: `Run the store's verification checks against ${target}`, region, identifier: target, identifierKind: 'db-instance' },
  ];
}

/**
 * An Aurora cluster snapshot copied to the DR region (`lifeboat checkpoint --copy-to-dr`, or any manual copy) restored
 * there into a NEW cluster: the DR subnet group and security groups, the DR-region key and (when the plan enforces
 * the global RPO) the DR cluster parameter group Terraform sets on the secondary, then the cluster's first instance.
 */
function clusterDrSnapshotRestoreProcedure(plan: BackupPlan, store: DatabaseStorePlan, options: DatabaseProcedureOptions & { snapshotId: string }): Procedure {
  const c = context(plan, store, { ...options, restoreTime: options.restoreTime ?? options.snapshotId });
  const target = restoreTargetId(plan, store, options, 'dr');
  const region = c.drRegion;
  const tagList = restoreTags(c, region);
  const steps: Step[] = [
    drSubnetGroupStep(c, region),
    {
      kind: 'call',
      id: 'restore',
      title: `Restore the snapshot ${options.snapshotId} into the new cluster ${target} in ${region}`,
      service: 'rds',
      operation: 'RestoreDBClusterFromSnapshot',
      region,
      input: {
        SnapshotIdentifier: options.snapshotId,
        Engine: store.engine,
        DBClusterIdentifier: target,
        DBSubnetGroupName: c.names.drSubnetGroup,
        VpcSecurityGroupIds: plan.network.dr.securityGroupIds,
        KmsKeyId: c.names.kmsKey.dr,
        ...(c.names.globalRpoParameterGroup ? { DBClusterParameterGroupName: c.names.globalRpoParameterGroup.dr } : {}),
        DeletionProtection: true,
        CopyTagsToSnapshot: true,
        BackupRetentionPeriod: store.backup.retentionDays,
        Tags: tagList,
      },
      creates: [{ kind: 'db-cluster', identifier: target, region }],
      note: `Encrypted with the DR-region key ${c.names.kmsKey.dr}; the copy of the snapshot lives in ${region}, so the restore does not need the primary region.`,
    },
    ...clusterAfterRestore(c, target, region, c.names.kmsKey.dr, expectedSeconds(store, 'region', 3600), tagList),
  ];
  return {
    id: 'restore-cluster',
    storeId: store.id,
    title: 'Restore a cluster snapshot in the DR region into a new cluster',
    summary: `Creates the cluster ${target} and its instance ${target}-1 in ${region} from the snapshot ${options.snapshotId}; data after the snapshot was taken is not in it. Nothing existing is changed.`,
    command: `lifeboat restore ${store.id} --to ${options.snapshotId} --region dr`,
    variables: [],
    steps,
  };
}

/**
 * Restore metadata keys this procedure carries over from what AWS Backup recorded (GetRecoveryPointRestoreMetadata).
 * The AWS Backup Developer Guide ("Restore an Amazon RDS database", "Restoring an Amazon Aurora cluster") takes the
 * members of RDS's RestoreDBInstanceFromDBSnapshot and RestoreDBClusterFromSnapshot as metadata keys, compared without
 * case; every key below is such a member. What is left out is either decided by the plan (identifiers, network,
 * class, Multi-AZ, key, the global-RPO parameter group, protection) or wrong for a new resource: the Availability
 * Zone(s) of the backed-up resource (in the DR region they do not exist), and parameter and option groups of the
 * primary region in the DR region (they are regional: only the `default.` ones exist everywhere).
 */
const CARRIED_METADATA: Record<'instance' | 'aurora', readonly string[]> = {
  instance: ['Engine', 'Port', 'LicenseModel', 'StorageType', 'Iops', 'StorageThroughput', 'DBName', 'EnableIAMDatabaseAuthentication', 'AutoMinorVersionUpgrade', 'EnableCloudwatchLogsExports', 'NetworkType', 'DBParameterGroupName', 'OptionGroupName'],
  aurora: ['Engine', 'EngineVersion', 'EngineMode', 'Port', 'DatabaseName', 'StorageType', 'Iops', 'EnableIAMDatabaseAuthentication', 'EnableCloudwatchLogsExports', 'BacktrackWindow', 'NetworkType', 'DBClusterParameterGroupName', 'OptionGroupName'],
};
const REGIONAL_GROUPS = new Set(['dbparametergroupname', 'dbclusterparametergroupname', 'optiongroupname']);

/**
 * StartRestoreJob metadata for a recovery point of the store: what AWS Backup recorded (CARRIED_METADATA), then the
 * plan's settings. Values are strings, as the map takes them: booleans `true`/`false`, lists as JSON arrays (the form
 * GetRecoveryPointRestoreMetadata returns and the guide's examples use).
 */
export function recoveryPointMetadata(
  plan: BackupPlan,
  store: DatabaseStorePlan,
  backedUp: Readonly<Record<string, string>>,
  target: string,
  region: 'primary' | 'dr',
  multiAz: boolean | undefined,
): Record<string, string> {
  const names = operatorDatabaseNames(plan, store);
  const aurora = store.family === 'aurora';
  const metadata: Record<string, string> = {};
  const carried = new Set(CARRIED_METADATA[aurora ? 'aurora' : 'instance'].map((key) => key.toLowerCase()));
  for (const [key, value] of Object.entries(backedUp).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const lower = key.toLowerCase();
    if (!carried.has(lower)) continue;
    if (region === 'dr' && REGIONAL_GROUPS.has(lower) && !/^default[.:]/.test(value)) continue;
    metadata[key] = value;
  }
  const set = (key: string, value: string) => {
    for (const existing of Object.keys(metadata)) if (existing.toLowerCase() === key.toLowerCase()) delete metadata[existing];
    metadata[key] = value;
  };
  if (!Object.keys(metadata).some((key) => key.toLowerCase() === 'engine')) set('Engine', store.engine);
  const network = region === 'dr' ? plan.network.dr : plan.network.primary;
  set(aurora ? 'DBClusterIdentifier' : 'DBInstanceIdentifier', target);
  set('DBSubnetGroupName', region === 'dr' ? names.drSubnetGroup : names.subnetGroup);
  set('VpcSecurityGroupIds', JSON.stringify(network.securityGroupIds));
  if (aurora) {
    // RestoreDBClusterFromSnapshot takes the key to encrypt the new cluster with; the plan's key of that region.
    set('KmsKeyId', region === 'dr' ? names.kmsKey.dr : names.kmsKey.primary);
    if (names.globalRpoParameterGroup) set('DBClusterParameterGroupName', names.globalRpoParameterGroup[region]);
  } else {
    // An instance restored from a snapshot keeps the snapshot's key (for RDS instances the guide lists KmsKeyId as
    // information only); the class and Multi-AZ are the plan's.
    if (store.instanceClass) set('DBInstanceClass', store.instanceClass);
    set('MultiAZ', String(multiAz ?? false));
    set('PubliclyAccessible', 'false');
  }
  set('DeletionProtection', 'true');
  set('CopyTagsToSnapshot', 'true');
  return metadata;
}

export interface RecoveryPointRestoreOptions extends DatabaseProcedureOptions {
  /** The recovery point (its ARN), or `${RECOVERY_POINT_ARN}` for a runbook that lets the engineer pick one. */
  recoveryPointArn: string;
  /**
   * The service role AWS Backup assumes to restore (the plan's `names.awsBackup.role`, as an ARN). With
   * `${ACCOUNT_ID}` in it, a first step reads the account id.
   */
  iamRoleArn: string;
  /** StartRestoreJob metadata (`recoveryPointMetadata`). */
  metadata: Record<string, string>;
}

/**
 * Restore an AWS Backup recovery point (the vault of the primary region, or its copy in the DR vault) into a NEW
 * instance or cluster through AWS Backup's own restore: StartRestoreJob with the plan's settings, then the restore
 * job polled until COMPLETED (FAILED or ABORTED stop with the job's message). AWS Backup does not tag what it
 * restores with our tags, so the restored resource is tagged after the job, which makes a rerun recognise it. Aurora:
 * AWS Backup restores the cluster only; its first instance is created afterwards, as after a snapshot restore.
 */
export function recoveryPointRestoreProcedure(plan: BackupPlan, store: DatabaseStorePlan, options: RecoveryPointRestoreOptions, region: 'primary' | 'dr'): Procedure {
  const c = context(plan, store, options);
  const aurora = c.aurora;
  const target = restoreTargetId(plan, store, options, region);
  const where = region === 'dr' ? c.drRegion : c.primaryRegion;
  const kmsKey = region === 'dr' ? c.names.kmsKey.dr : c.names.kmsKey.primary;
  const tagList = tags(plan, store, {
    'lifeboat:restore-of': c.names.primary,
    'lifeboat:restore-time': options.restoreTime ?? options.recoveryPointArn,
    'lifeboat:restore-region': where,
    'lifeboat:restore-source': options.recoveryPointArn,
    'lifeboat:created-by': options.createdBy ?? '${USER}',
  });
  const expected = expectedSeconds(store, region === 'dr' ? 'region' : 'corruption', 3600);
  const kind = aurora ? 'db-cluster' : 'db-instance';
  const picked = options.recoveryPointArn === '${RECOVERY_POINT_ARN}';
  const steps: Step[] = [
    ...(options.iamRoleArn.includes('${ACCOUNT_ID}')
      ? [{ kind: 'call' as const, id: 'account', title: 'Read the account id (for the AWS Backup role ARN)', service: 'sts' as const, operation: 'GetCallerIdentity', region: where, input: {}, capture: [{ name: 'ACCOUNT_ID', query: 'Account' }] }]
      : []),
    ...(region === 'dr' ? [drSubnetGroupStep(c, where)] : []),
    {
      kind: 'call',
      id: 'restore',
      title: `Start an AWS Backup restore job of ${picked ? 'the chosen recovery point' : options.recoveryPointArn} into the new ${aurora ? 'cluster' : 'instance'} ${target}`,
      service: 'backup',
      operation: 'StartRestoreJob',
      region: where,
      input: {
        RecoveryPointArn: options.recoveryPointArn,
        ResourceType: aurora ? 'Aurora' : 'RDS',
        IamRoleArn: options.iamRoleArn,
        IdempotencyToken: `lifeboat-${target}`,
        Metadata: options.metadata,
      },
      capture: [{ name: 'RESTORE_JOB_ID', query: 'RestoreJobId' }],
      creates: [{ kind, identifier: target, region: where }],
      note: 'AWS Backup restores with its service role (it needs AWSBackupServiceRolePolicyForRestores and the vault key); the caller needs iam:PassRole on it.',
    },
    waitStep('restore-job', 'Wait until the AWS Backup restore job is COMPLETED', where, { type: 'backup-restore-job', restoreJobId: '${RESTORE_JOB_ID}' }, expected),
    {
      kind: 'call',
      id: 'restored-arn',
      title: `Read the ARN of ${target} from the restore job`,
      service: 'backup',
      operation: 'DescribeRestoreJob',
      region: where,
      input: { RestoreJobId: '${RESTORE_JOB_ID}' },
      capture: [{ name: 'RESTORED_ARN', query: 'CreatedResourceArn' }],
    },
    {
      kind: 'call',
      id: 'tag',
      title: `Tag ${target} as this restore (store, source, time, who)`,
      service: 'rds',
      operation: 'AddTagsToResource',
      region: where,
      input: { ResourceName: '${RESTORED_ARN}', Tags: tagList },
      changes: [{ kind, identifier: target, region: where }],
    },
    ...(aurora ? clusterAfterRestore(c, target, where, kmsKey, 900, tagList) : instanceAfterRestore(c, target, where, kmsKey, 900)),
  ];
  return {
    id: 'restore-recovery-point',
    storeId: store.id,
    title: 'Restore an AWS Backup recovery point into a new instance or cluster',
    summary:
      `Creates the ${aurora ? 'cluster' : 'instance'} ${target} in ${where} from ${picked ? 'the recovery point you chose' : `the recovery point ${options.recoveryPointArn}`} through AWS Backup; ` +
      'data after the recovery point was made is not in it. Nothing existing is changed.',
    command: `lifeboat restore ${store.id} --to ${picked ? '"$RECOVERY_POINT_ARN"' : options.recoveryPointArn}`,
    variables: picked ? [{ name: 'RECOVERY_POINT_ARN', description: 'the recovery point to restore (listed above)' }] : [],
    steps,
  };
}
